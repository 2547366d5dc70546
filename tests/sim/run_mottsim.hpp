#pragma once
#include <nlohmann/json.hpp>

#include <string>

// Runs `mottsim run` in a fresh process (SystemC elaborates once per process)
// and returns its report.json, or the exit status when it failed.
struct mottsim_run {
  int status = -1;
  std::string output;  // stdout + stderr
  nlohmann::json report;
};

mottsim_run run_mottsim(const std::string& arch, const std::string& workload, const std::string& extra = "");

// Runs any mottsim command line; returns the exit status and output.
mottsim_run run_command(const std::string& args);

std::string source_path(const std::string& relative);

// The energy of one action in a report component, and its count.
double action_count(const nlohmann::json& report, const std::string& component, const std::string& action);
double action_energy(const nlohmann::json& report, const std::string& component, const std::string& action);
