#include "platform/mapping/baseline_layout.hpp"

#include <algorithm>
#include <cmath>

#include "dsl/units.hpp"
#include "dsl/yaml_tree.hpp"

namespace mottsim::platform {

namespace {

int index_of(const dsl::workload_spec& w, const std::string& name, std::size_t before) {
  for (std::size_t j = 0; j < before && j < w.layers.size(); ++j)
    if (w.layers[j].name == name) return static_cast<int>(j);
  return -1;
}

std::string bytes_text(double b) { return dsl::format_quantity(b, dsl::dimension::data_size); }

}  // namespace

dsl::source_location param_location(const dsl::component_spec& c, const std::string& param) {
  const auto& v = c.params.at(param);
  return v.from_default || v.where.file.empty() ? c.where : v.where;
}

const dram_layout::region& dram_layout::input_of(const dsl::workload_spec& w, std::size_t i) const {
  const auto& l = w.layers[i];
  int j = static_cast<int>(i) - 1;
  if (!l.input.empty()) j = index_of(w, l.input, i);
  return j < 0 ? input : outputs[static_cast<std::size_t>(j)];
}

const dram_layout::region& dram_layout::added_of(const dsl::workload_spec& w, std::size_t i) const {
  const int j = index_of(w, w.layers[i].add_from, i);
  return j < 0 ? input : outputs[static_cast<std::size_t>(j)];
}

dram_layout layout_dram(const dsl::workload_spec& w, const dsl::architecture_spec& arch, const dsl::component_spec& dram,
                        double act_bytes, double weight_bytes, const std::string& who, dsl::diagnostics& errors) {
  dram_layout out;
  out.dram = dram.name;
  const dsl::connection_spec* window = dram.connections.empty() ? nullptr : &dram.connections.front();
  const unsigned long long base = window ? window->base : 0;
  const double capacity = dram.params.quantity("capacity");
  // Regions start on 64-byte lines.
  unsigned long long next = 0;
  const auto take = [&](double bytes) {
    dram_layout::region r;
    r.address = base + next;
    r.bytes = static_cast<unsigned long long>(std::ceil(bytes));
    next += (r.bytes + 63) / 64 * 64;
    return r;
  };
  double weights = 0, activations = 0;
  for (const auto& l : w.layers) {
    const double b = static_cast<double>(l.weight_count()) * weight_bytes;
    weights += b;
    out.weights.push_back(b > 0 ? take(b) : dram_layout::region{});
  }
  activations += static_cast<double>(w.input.elements()) * act_bytes;
  out.input = take(static_cast<double>(w.input.elements()) * act_bytes);
  for (const auto& l : w.layers) {
    const double b = static_cast<double>(l.out_shape.elements()) * act_bytes;
    activations += b;
    out.outputs.push_back(take(b));
  }
  out.total_bytes = next;
  if (static_cast<double>(next) > capacity)
    errors.error(param_location(dram, "capacity"),
                 "workload '" + w.name + "' does not fit in the " + dram.name + " of " + arch.name + " (" +
                     bytes_text(capacity) + "): its " + who + " keeps all weights (" + bytes_text(weights) + ") and every layer's activations (" +
                     bytes_text(activations) + ") in DRAM; give " + dram.name + " at least " +
                     bytes_text(static_cast<double>(next)));
  return out;
}

std::string bus_of(const dsl::component_spec& c) { return c.connections.empty() ? "" : c.connections.front().bus; }

const dsl::connection_spec* window_on(const dsl::component_spec& target, const std::string& bus) {
  for (const auto& conn : target.connections)
    if (conn.bus == bus) return &conn;
  return nullptr;
}

const dsl::component_spec* sram_named(const dsl::architecture_spec& arch, const dsl::component_spec& owner,
                                      const std::string& param, dsl::diagnostics& errors) {
  if (!owner.params.has(param)) return nullptr;
  const std::string& name = owner.params.text(param);
  const dsl::component_spec* c = arch.find(name);
  if (!c) {
    // Removed by a `NAME: null` of a derived file: said at that null.
    for (auto r = arch.removed_components.rbegin(); r != arch.removed_components.rend(); ++r)
      if (r->name == name) {
        errors.error(r->where, owner.name + "." + param + " names '" + name + "', which the null given to '" + name +
                                   "' here removed from " + arch.name);
        return nullptr;
      }
    errors.error(param_location(owner, param), owner.name + "." + param + " names '" + name +
                                             "', which is not a component of " + arch.name);
    return nullptr;
  }
  if (c->type != "sram") {
    errors.error(param_location(owner, param), owner.name + "." + param + " names '" + name + "', a " + c->type +
                                             "; it must name an sram component");
    return nullptr;
  }
  return c;
}

const dsl::component_spec* dram_on(const dsl::architecture_spec& arch, const dsl::component_spec& owner,
                                   const std::string& bus, dsl::diagnostics& errors) {
  for (const auto* d : arch.of_type("dram"))
    if (window_on(*d, bus)) return d;
  const std::string message =
      owner.name + " needs a dram component on its bus '" + bus + "' to hold the weights and activations";
  // With none left at all, said at the null that removed one, if one did.
  if (arch.of_type("dram").empty()) {
    const dsl::diagnostic d = arch.missing_component("dram", message);
    if (d.where.line > 0) {
      errors.error(d.where, d.message);
      return nullptr;
    }
  }
  errors.error(owner.where, message);
  return nullptr;
}

dsl::source_location precision_location(const dsl::workload_spec& w) { return w.precision_where; }

long long stream_steps(double dram_bytes) {
  return std::clamp<long long>(static_cast<long long>(std::ceil(dram_bytes / 16384.0)), 1, 64);
}

double element_bytes(int bits) { return std::ceil(static_cast<double>(std::max(1, bits)) / 8.0); }

}  // namespace mottsim::platform
