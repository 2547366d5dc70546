#pragma once
#include <map>
#include <string>
#include <vector>

#include "dsl/block_value.hpp"

namespace mottsim::models {

// Energy categories of the report, so a reader sees where the joules go.
enum class energy_category {
  crossbar,       // cell reads and writes
  input_drivers,  // word-line drivers / DACs
  adc,
  neurons,        // Mott neurons
  accumulation,   // shift-and-add, partial-sum adders, digital activation
  buffers,        // SRAM / eDRAM
  bus,
  dram,
  compute,        // processor / digital MAC arrays and control
  leakage,
};
const char* category_name(energy_category c);

// The price of one action, and where the number came from ("configs/tech/x.yaml:12:5",
// "CACTI table, 256 KiB at 22 nm", "V^2 G t with V=0.2 V ...").
struct action_price {
  double energy_j = 0.0;
  energy_category category = energy_category::compute;
  std::string source;
};

// Everything an estimator says about one instance of a component: the energy
// of each action it can perform, its static power and its area.
struct component_pricing {
  std::map<std::string, action_price> actions;
  double leakage_w = 0.0;
  std::string leakage_source;
  double area_m2 = 0.0;
  std::string area_source;
  // Time-related figures the timing model shares with the estimator (e.g. an
  // SRAM's CACTI access latency), so both read one source of truth.
  std::map<std::string, double> figures;
  // Inputs of one device that the estimator found at odds with each other (a
  // stated energy far from what the device's own physics gives): every run
  // that prices the component says so in its notes.
  std::vector<std::string> notes;
};

// Each type's estimator produces these (models/estimator.hpp); the model
// registry prices a component through the estimator its type registered.

}  // namespace mottsim::models
