#pragma once
#include <string>

// Device-level figures of on-chip memories that the CACTI size table (cacti_table.hpp)
// does not hold: how the ITRS device flavours differ from the high-performance
// devices the table was run with, the logic-process DRAM cell of an eDRAM, and a
// flip-flop register file for buffers too small for an SRAM array. Pure data and
// arithmetic, no SystemC. docs/modelling.md, "Memories", explains the models.
namespace mottsim::models {

// CACTI's three logic device flavours (its "Data array cell/peripheral type").
enum class device_flavour { itrs_hp, itrs_lstp, itrs_lop };

// "itrs-hp" ... as written in YAML; parse returns false for any other text.
const char* device_flavour_name(device_flavour f);
bool parse_device_flavour(const std::string& text, device_flavour& out);

// A flavour's figures relative to itrs-hp at the same node, from the device
// parameters of CACTI 7's technology files (tech_params/{22,32,45}nm.dat) at
// CACTI's default operating temperature, 360 K:
//   leakage  Vdd (I_off + I_g_on) per um of width, subthreshold and gate leakage;
//   energy   Vdd^2, the switched capacitance (bit lines, wires) held;
//   delay    R_on = multiplier x Vdd / I_on, the transistors' drive resistance.
// Between 22 and 45 nm the ratios interpolate log-log in node; outside they are
// held at the nearest tabulated node.
struct flavour_ratios {
  double leakage = 1.0;
  double energy = 1.0;
  double delay = 1.0;
  std::string source;  // "CACTI 7 tech_params 22 nm, 360 K: itrs-lstp / itrs-hp ..."
};
flavour_ratios flavour_vs_hp(device_flavour f, double node_m);

// Static power per um of transistor width of CACTI 7's itrs-hp logic devices,
// Vdd (I_off + I_g_on) at 360 K, at `node_m`: interpolated log-log between 22
// and 45 nm, held at the nearest tabulated node outside. What one um of logic
// leaks at a node, for scaling a logic block's leakage between nodes.
struct logic_leakage {
  double watts_per_um = 0.0;
  std::string source;
};
logic_leakage hp_leakage_per_um(double node_m);

// eDRAM as CACTI models it: a logic-process DRAM ("lp-dram") cell. CACTI 7's
// technology files hold lp-dram parameters at 32 and 45 nm (not at 22 nm, where
// the 32 nm values are held).
struct edram_cell {
  double retention_s = 0.0;      // CACTI: 0.9 C_cell x 0.125 Vdd_cell / I_off,worst
  double leakage_vs_hp = 1.0;    // lp-dram Vdd I_off per um against itrs-hp at 360 K
  double cell_area_vs_sram = 1.0;  // lp-dram cell area / SRAM cell area (146 F^2)
  double sram_cell_area_m2 = 0.0;  // the SRAM cell the ratio is taken against, at the node
  std::string source;
};
edram_cell edram_cell_at(double node_m);

// A register file built of flip-flops, per bit, at `node_m`: Aladdin's register
// characterization in a commercial 40 nm library at a 1 ns cycle (dynamic energy
// per bit per access, leakage per bit, area per bit), scaled by Stillmaker & Baas.
struct register_bit {
  double energy_j = 0.0;
  double leakage_w = 0.0;
  double area_m2 = 0.0;
  double access_time_s = 0.0;  // one cycle of the characterization
  std::string source;
};
register_bit register_bit_at(double node_m);

}  // namespace mottsim::models
