#pragma once
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <initializer_list>

#include <string>

// Runs `mottsim run` in a fresh process (SystemC elaborates once per process)
// and returns its report.json, or the exit status when it failed.
struct mottsim_run {
  int status = -1;
  std::string output;  // stdout + stderr
  nlohmann::json report;
};

mottsim_run run_mottsim(const std::string& arch, const std::string& workload, const std::string& extra = "");

// The same, also returning the run's trace.json (parsed; null when missing).
struct mottsim_traced_run : mottsim_run {
  nlohmann::json trace;
};
mottsim_traced_run run_mottsim_traced(const std::string& arch, const std::string& workload,
                                      const std::string& extra = "");

// Runs any mottsim command line; returns the exit status and output.
mottsim_run run_command(const std::string& args);

std::string source_path(const std::string& relative);

// Relative tolerance for SI quantities (doctest's default scale of 1 would
// accept any tiny value); an expected 0 is compared absolutely.
doctest::Approx rel(double v, double eps = 1e-9);

// A fresh directory under the system temp dir, removed with everything in it.
class scratch_dir {
 public:
  scratch_dir();
  ~scratch_dir();
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;
  std::string path(const std::string& name = "") const;
  // Writes `text` to `name`; returns its path.
  std::string write(const std::string& name, const std::string& text) const;

 private:
  std::string m_path;
};

// A file's bytes ("" when unreadable).
std::string read_text(const std::string& path);

// An action's price worked out by hand from the configuration.
struct hand_price {
  const char* component;
  const char* action;
  double price_j;
};

// Checks each action was counted and priced at count x its hand price;
// returns the sum of those energies.
double check_hand_prices(const nlohmann::json& report, std::initializer_list<hand_price> prices);

// The energy of one action in a report component, and its count.
double action_count(const nlohmann::json& report, const std::string& component, const std::string& action);
double action_energy(const nlohmann::json& report, const std::string& component, const std::string& action);
