#include "models/memory_pricing.hpp"

#include <algorithm>
#include <string>

#include "models/cacti_table.hpp"
#include "models/logic_scaling.hpp"
#include "models/memory_technology.hpp"
#include "models/pricing_support.hpp"

namespace mottsim::models {

namespace {

using dsl::block_value;
using dsl::dimension;

// What the models say of one bank (one port), before given values override them.
struct bank_model {
  double read_j = 0.0;  // per access of one port width
  double access_s = 0.0;
  double leakage_w = 0.0;
  double area_m2 = 0.0;
  double refresh_w = 0.0;  // eDRAM
  std::string energy_src, time_src, leakage_src, area_src, refresh_src;
};

// `auto` becomes a register file up to register_file_max, else an SRAM.
std::string memory_type_of(const block_value& p) {
  const std::string& t = p.text("memory_type");
  if (t != "auto") return t;
  return p.quantity("capacity") <= p.quantity("register_file_max") ? "register_file" : "sram";
}

bank_model register_file_bank(const block_value& p, double bank_bytes, double port_bits, double node_m) {
  const register_bit r = register_bit_at(node_m);
  const double bits = 8.0 * bank_bytes;
  bank_model b;
  b.read_j = r.energy_j * port_bits;
  b.access_s = r.access_time_s;
  b.leakage_w = r.leakage_w * bits;
  b.area_m2 = r.area_m2 * bits;
  std::string note = r.source;
  if (p.text("device") != "itrs-hp")
    note += "; the device flavour does not apply: the register's figures are those of its library";
  b.energy_src = "register file: " + show(r.energy_j, dimension::energy) + " per bit x " + show(port_bits) +
                 " bits per access; " + note;
  b.time_src = "register file: one " + show(r.access_time_s, dimension::time) + " cycle; " + r.source;
  b.leakage_src = "register file: " + show(bits) + " bits x " + show(r.leakage_w, dimension::power) + "; " + r.source;
  b.area_src = "register file: " + show(bits) + " bits x " + show(r.area_m2 * 1e12) + " um^2; " + r.source;
  return b;
}

bank_model array_bank(const block_value& p, bool edram, double bank_bytes, double port_bits, double node_m) {
  device_flavour flavour = device_flavour::itrs_hp;
  parse_device_flavour(p.text("device"), flavour);  // the schema allows only the three names
  const cacti_sram t = cacti_sram_lookup(bank_bytes, node_m);
  const flavour_ratios f = flavour_vs_hp(flavour, node_m);
  const bool scaled = flavour != device_flavour::itrs_hp;
  const std::string flavour_note = scaled ? "; " + f.source : "";
  const std::string device_cite = " " + cited({{p, "device"}});
  bank_model b;
  b.read_j = t.read_energy_j * f.energy * port_bits / 64.0;
  b.energy_src = t.source + ": " + show(t.read_energy_j, dimension::energy) + " per 64-bit read" +
                 (scaled ? " x" + show(f.energy) + " (" + p.text("device") + ")" : "") + " x " + show(port_bits) +
                 "/64 bits" + flavour_note + device_cite;
  b.access_s = t.access_time_s * f.delay;
  b.time_src = t.source + ": " + show(t.access_time_s, dimension::time) +
               (scaled ? " x" + show(f.delay) + " (" + p.text("device") + ")" : "") + flavour_note + device_cite;
  b.area_m2 = t.area_m2;
  b.area_src = t.source + ": " + show_area(t.area_m2);
  if (!edram) {
    b.leakage_w = t.leakage_w * f.leakage;
    b.leakage_src = t.source + ": " + show(t.leakage_w, dimension::power) +
                    (scaled ? " x" + show(f.leakage) + " (" + p.text("device") + ")" : " (itrs-hp)") + flavour_note +
                    device_cite;
    return b;
  }
  // eDRAM: the array is built of lp-dram devices (their leakage replaces the
  // SRAM's) in cells of about a fifth of the SRAM cell's area; every bit is
  // read and restored once per retention time.
  const edram_cell c = edram_cell_at(node_m);
  b.leakage_w = t.leakage_w * c.leakage_vs_hp;
  b.leakage_src = "eDRAM: " + t.source + " leakage " + show(t.leakage_w, dimension::power) + " x" +
                  show(c.leakage_vs_hp) + " (lp-dram devices); " + c.source;
  // Only the cells shrink: the SRAM macro's cell array is its bits times the
  // SRAM cell (146 F^2, the table's own cell), and the rest of the macro -
  // decoders, sense amplifiers, drivers, wiring - is kept as it is.
  const double bits = 8.0 * bank_bytes;
  const double sram_cells_m2 = std::min(t.area_m2, bits * c.sram_cell_area_m2);
  const double periphery_m2 = t.area_m2 - sram_cells_m2;
  b.area_m2 = sram_cells_m2 * c.cell_area_vs_sram + periphery_m2;
  b.area_src = "eDRAM: " + t.source + ": " + show_area(t.area_m2) + " = cells " + show(bits) + " bits x " +
               show(c.sram_cell_area_m2 * 1e12) + " um^2 (" + show_area(sram_cells_m2) + ") + periphery " +
               show_area(periphery_m2) + "; the cells x" + show(c.cell_area_vs_sram) +
               " (lp-dram cell vs SRAM cell), the periphery kept: " + show_area(b.area_m2) + "; " + c.source;
  const double per_bit = t.read_energy_j * f.energy / 64.0;
  b.refresh_w = bits * per_bit / c.retention_s;
  b.refresh_src = "refresh: " + show(bits) + " bits x " + show(per_bit, dimension::energy) + " (read energy per bit) / " +
                  show(c.retention_s, dimension::time) + " retention";
  return b;
}

}  // namespace

component_pricing price_memory(const block_value& p, double node_m) {
  component_pricing out;
  const double port_bytes = p.quantity("port_width");
  const double port_bits = 8.0 * port_bytes;
  const long long ports = p.integer("ports");
  const long long banks = p.integer("banks");
  const double bank_bytes = p.quantity("capacity") / static_cast<double>(banks);
  const std::string type = memory_type_of(p);
  const bank_model b = type == "register_file" ? register_file_bank(p, bank_bytes, port_bits, node_m)
                                               : array_bank(p, type == "edram", bank_bytes, port_bits, node_m);
  const std::string type_note = p.text("memory_type") == "auto" ? " [memory_type auto: " + type + "]" : "";
  const std::string per_port = " / port_width " + show(port_bytes, dimension::data_size) + " " +
                               cited({{p, "port_width"}});

  // Figures given instead of modelled were published at reference_node (by
  // default the architecture's) and scale from there as logic does.
  const logic_scale published = logic_scaling(p, node_m);
  auto given = [&](const char* name, scaled_kind kind, std::string& source) {
    const double value = scaled_figure(p, name, kind, published, source);
    // Unscaled energies name their value, as modelled ones do.
    if (kind == scaled_kind::energy && published.energy_note.empty())
      source = std::string(name) + " " + show(value, dimension::energy) + " " + cited({{p, name}});
    return value;
  };
  double read_j = b.read_j;
  std::string read_src = b.energy_src + type_note;
  if (p.has("read_energy")) read_j = given("read_energy", scaled_kind::energy, read_src);
  double write_j = read_j;
  std::string write_src = "write_energy unset, as read: " + read_src;
  if (p.has("write_energy")) write_j = given("write_energy", scaled_kind::energy, write_src);
  out.actions["read_bytes"] = {read_j / port_bytes, energy_category::buffers, read_src + per_port};
  out.actions["write_bytes"] = {write_j / port_bytes, energy_category::buffers, write_src + per_port};

  // The models are single-ported; more ports replicate the decoders and bit
  // lines, taken as area and leakage proportional to the port count. Banks
  // split the capacity, so each bank is priced at capacity/banks.
  const double copies = static_cast<double>(ports * banks);
  std::string copy_note;
  if (banks > 1) copy_note += " x " + std::to_string(banks) + " banks of " + show(bank_bytes, dimension::data_size);
  if (ports > 1) copy_note += " x " + std::to_string(ports) + " ports (area and leakage taken as proportional to ports)";
  if (p.has("leakage")) {
    out.leakage_w = given("leakage", scaled_kind::leakage, out.leakage_source);
  } else {
    out.leakage_w = b.leakage_w * copies + b.refresh_w * static_cast<double>(banks);
    out.leakage_source = b.leakage_src + copy_note + type_note;
    if (b.refresh_w > 0)
      out.leakage_source += " + " + b.refresh_src + (banks > 1 ? " x " + std::to_string(banks) + " banks" : "");
  }
  if (p.has("area")) {
    out.area_m2 = given("area", scaled_kind::area, out.area_source);
  } else {
    out.area_m2 = b.area_m2 * copies;
    out.area_source = b.area_src + copy_note + type_note;
  }
  // A port cannot finish an access before it accepts the next one.
  const double cycle = p.has("cycle_time") ? p.quantity("cycle_time")
                                           : (p.has("access_latency") ? p.quantity("access_latency") : b.access_s);
  const double access = std::max(cycle, p.has("access_latency") ? p.quantity("access_latency") : b.access_s);
  out.figures["access_latency_s"] = access;
  out.figures["cycle_time_s"] = cycle;
  out.figures["parallel_accesses"] = copies;
  out.figures["refresh_w"] = p.has("leakage") ? 0.0 : b.refresh_w * static_cast<double>(banks);
  return out;
}

action_price pe_storage_price(const block_value& p, double node_m) {
  if (p.has("pe_storage_energy_per_bit")) {
    const double e = p.quantity("pe_storage_energy_per_bit");
    return {e, energy_category::compute, "pe_storage_energy_per_bit " + show(e, dimension::energy) + " " +
                                             cited({{p, "pe_storage_energy_per_bit"}})};
  }
  const register_bit r = register_bit_at(node_m);
  return {r.energy_j, energy_category::compute, "register file per bit: " + r.source};
}

double memory_bytes_per_s(const component_pricing& priced, double port_bytes) {
  const double cycle = priced.figures.at("cycle_time_s");
  return cycle > 0 ? port_bytes * priced.figures.at("parallel_accesses") / cycle : 0.0;
}

}  // namespace mottsim::models
