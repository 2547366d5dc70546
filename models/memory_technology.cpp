#include "models/memory_technology.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>

#include "dsl/units.hpp"
#include "models/cacti_table.hpp"

namespace mottsim::models {

namespace {

constexpr double nm = 1e-9;

// One device column of a CACTI 7 technology file (tech_params/<node>.dat, the
// HP Labs CACTI 7 release; docs/references.md), at the 360 K row of its
// temperature tables (CACTI's default "-operating temperature (K) 360").
struct device {
  double vdd;         // V
  double i_off;       // A/um, subthreshold, 360 K
  double i_gate;      // A/um, gate leakage (I_g_on_n), 360 K
  double r_mult;      // nmos_effective_resistance_multiplier
  double i_on;        // A/um
};

constexpr int n_nodes = 3;
constexpr double nodes[n_nodes] = {22 * nm, 32 * nm, 45 * nm};  // ascending
// [node][flavour]: itrs-hp, itrs-lstp, itrs-lop.
constexpr device devices[n_nodes][3] = {
    // 22 nm
    {{0.8, 4.256e-7, 1.81e-9, 1.45, 2.6264e-3},
     {0.8, 3.55e-10, 4.51e-10, 1.99, 7.276e-4},
     {0.6, 7.91e-7, 2.74e-9, 1.73, 9.161e-4}},
    // 32 nm
    {{0.9, 5.32e-7, 6.55e-8, 1.49, 2.2117e-3},
     {1.0, 2.4e-10, 3.73e-11, 1.99, 6.836e-4},
     {0.6, 1.65e-7, 2.93e-9, 1.73, 8.278e-4}},
    // 45 nm
    {{1.0, 6.42e-7, 3.59e-8, 1.51, 2.0466e-3},
     {1.1, 1.3e-10, 9.47e-12, 1.99, 6.662e-4},
     {0.7, 1.27e-8, 9.82e-8, 1.76, 7.489e-4}},
};

// lp-dram (eDRAM) columns of the same files at 32 and 45 nm; 22 nm has none.
struct lp_dram {
  double vdd;         // V, access devices
  double i_off;       // A/um, 360 K
  double cell_c;      // F, dram_cell_C
  double cell_vdd;    // V, dram_cell_Vdd
  double i_off_worst; // A/um, dram_cell_I_off_worst_case_len_temp
  double cell_area_f2;  // area_cell (um^2) / node^2
};
constexpr double lp_nodes[2] = {32 * nm, 45 * nm};
constexpr lp_dram lp_drams[2] = {
    {1.0, 3.38e-10, 2e-14, 1.0, 1.89e-11, 0.03136 / (0.032 * 0.032)},
    {1.1, 2.47e-10, 2e-14, 1.1, 1.95e-11, 0.06162 / (0.045 * 0.045)},
};
constexpr double sram_cell_f2 = 146.0;  // CACTI 7 SRAM area_cell, every node
// CACTI's refresh period: 0.9 x C_cell x VDD_STORAGE_LOSS_FRACTION_WORST x
// Vdd_cell / I_off,worst, with VDD_STORAGE_LOSS_FRACTION_WORST = 0.125 (const.h).
constexpr double storage_loss_fraction = 0.125;

// Aladdin (Shao et al., ISCA 2014), common/power_func.h, REG_1ns_*: one register
// bit in a commercial 40 nm library at a 1 ns cycle.
constexpr double reg_node = 40 * nm;
constexpr double reg_energy_j = 8.999495e-3 * 1e-12;  // 8.999495e-3 mW x 1 ns
constexpr double reg_leakage_w = 7.395312e-5 * 1e-3;  // 7.395312e-5 mW
constexpr double reg_area_m2 = 5.981433e-12;          // 5.981433 um^2
constexpr double reg_cycle_s = 1e-9;

double leak_per_um(const device& d) { return d.vdd * (d.i_off + d.i_gate); }
double drive_resistance(const device& d) { return d.r_mult * d.vdd / d.i_on; }

std::string num(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", x);
  return buf;
}
std::string node_text(double node_m) { return dsl::format_quantity(node_m, dsl::dimension::length); }

// The node the tables are read at, and how: exact, interpolated, or held.
struct node_use {
  double table_node;
  std::string note;
};
node_use clamp_node(const double* grid, int n, double node_m) {
  const double t = std::min(std::max(node_m, grid[0]), grid[n - 1]);
  std::string note = " at " + node_text(t);
  bool exact = false;
  for (int i = 0; i < n; ++i) exact |= std::abs(t - grid[i]) <= 1e-6 * grid[i];
  if (!exact) note += " (interpolated log-log between the tabulated nodes)";
  if (t != node_m) note += " (held from " + node_text(t) + " for " + node_text(node_m) + ")";
  return {t, note};
}

}  // namespace

const char* device_flavour_name(device_flavour f) {
  switch (f) {
    case device_flavour::itrs_hp: return "itrs-hp";
    case device_flavour::itrs_lstp: return "itrs-lstp";
    case device_flavour::itrs_lop: return "itrs-lop";
  }
  return "?";
}

bool parse_device_flavour(const std::string& text, device_flavour& out) {
  for (const auto f : {device_flavour::itrs_hp, device_flavour::itrs_lstp, device_flavour::itrs_lop})
    if (text == device_flavour_name(f)) {
      out = f;
      return true;
    }
  return false;
}

flavour_ratios flavour_vs_hp(device_flavour f, double node_m) {
  flavour_ratios out;
  if (f == device_flavour::itrs_hp) {
    out.source = "itrs-hp, the devices of the CACTI table";
    return out;
  }
  const int k = static_cast<int>(f);
  double leak[n_nodes], energy[n_nodes], delay[n_nodes];
  for (int i = 0; i < n_nodes; ++i) {
    const device& hp = devices[i][0];
    const device& d = devices[i][k];
    leak[i] = leak_per_um(d) / leak_per_um(hp);
    energy[i] = (d.vdd * d.vdd) / (hp.vdd * hp.vdd);
    delay[i] = drive_resistance(d) / drive_resistance(hp);
  }
  const node_use at = clamp_node(nodes, n_nodes, node_m);
  out.leakage = loglog_interpolate(nodes, leak, n_nodes, at.table_node);
  out.energy = loglog_interpolate(nodes, energy, n_nodes, at.table_node);
  out.delay = loglog_interpolate(nodes, delay, n_nodes, at.table_node);
  out.source = std::string(device_flavour_name(f)) + " / itrs-hp from CACTI 7 tech_params" + at.note +
               ", 360 K: leakage Vdd(I_off + I_g) x" + num(out.leakage) + ", energy Vdd^2 x" + num(out.energy) +
               ", delay R_on x" + num(out.delay);
  return out;
}

logic_leakage hp_leakage_per_um(double node_m) {
  double leak[n_nodes];
  for (int i = 0; i < n_nodes; ++i) leak[i] = leak_per_um(devices[i][0]);
  const node_use at = clamp_node(nodes, n_nodes, node_m);
  logic_leakage out;
  out.watts_per_um = loglog_interpolate(nodes, leak, n_nodes, at.table_node);
  out.source = "CACTI 7 tech_params itrs-hp" + at.note + ", 360 K: Vdd(I_off + I_g) " + num(out.watts_per_um * 1e6) +
               " uW/um";
  return out;
}

edram_cell edram_cell_at(double node_m) {
  double retention[2], leak[2], area[2];
  for (int i = 0; i < 2; ++i) {
    const lp_dram& c = lp_drams[i];
    retention[i] = 0.9 * c.cell_c * storage_loss_fraction * c.cell_vdd / c.i_off_worst;
    const device& hp = devices[i + 1][0];  // 32 and 45 nm rows of the logic table
    leak[i] = c.vdd * c.i_off / leak_per_um(hp);
    area[i] = c.cell_area_f2 / sram_cell_f2;
  }
  const node_use at = clamp_node(lp_nodes, 2, node_m);
  edram_cell out;
  out.retention_s = loglog_interpolate(lp_nodes, retention, 2, at.table_node);
  out.leakage_vs_hp = loglog_interpolate(lp_nodes, leak, 2, at.table_node);
  out.cell_area_vs_sram = loglog_interpolate(lp_nodes, area, 2, at.table_node);
  out.sram_cell_area_m2 = sram_cell_f2 * node_m * node_m;
  out.source = "CACTI 7 lp-dram cell" + at.note + ": retention 0.9 C_cell x 0.125 Vdd_cell / I_off,worst = " +
               dsl::format_quantity(out.retention_s, dsl::dimension::time) + ", leakage vs itrs-hp x" +
               num(out.leakage_vs_hp) + ", cell area vs SRAM (146 F^2) x" + num(out.cell_area_vs_sram);
  return out;
}

register_bit register_bit_at(double node_m) {
  const double fe = stillmaker_energy_factor(node_m) / stillmaker_energy_factor(reg_node);
  const double fa = stillmaker_area_factor(node_m) / stillmaker_area_factor(reg_node);
  register_bit out;
  out.energy_j = reg_energy_j * fe;
  out.leakage_w = reg_leakage_w * fe;
  out.area_m2 = reg_area_m2 * fa;
  out.access_time_s = reg_cycle_s;
  out.source = "Aladdin 40 nm register (9.0 fJ, 74 nW, 5.98 um^2 per bit at a 1 ns cycle), scaled to " +
               node_text(node_m) + " by Stillmaker & Baas 2017 (energy and leakage x" + num(fe) + ", area x" +
               num(fa) + ")";
  return out;
}

}  // namespace mottsim::models
