#pragma once
#include <iosfwd>
#include <string>
#include <vector>

#include "platform/model_registry.hpp"
#include "platform/session.hpp"

namespace mottsim::platform {

// Each subcommand, callable without the CLI so tests can drive it. They print
// results to `out`, located errors to `err`, and return the exit status.
int command_validate(const model_registry& registry, const std::vector<std::string>& files,
                     const std::vector<std::string>& overrides, std::ostream& out, std::ostream& err);
int command_list(const model_registry& registry, const std::string& type, std::ostream& out, std::ostream& err);
int command_describe(const model_registry& registry, const std::string& file, const std::vector<std::string>& overrides,
                     std::ostream& out, std::ostream& err);

// Simulates one workload on one architecture and writes DIR/report.json and
// DIR/summary.md (atomically), printing the summary.
int command_run(const model_registry& registry, const run_options& options, const std::string& out_dir,
                std::ostream& out, std::ostream& err);

}  // namespace mottsim::platform
