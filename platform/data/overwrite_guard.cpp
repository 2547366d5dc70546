#include "platform/data/overwrite_guard.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include "dsl/diagnostics.hpp"

namespace mottsim::platform {

namespace fs = std::filesystem;

namespace {

// The path with links resolved as far as it exists, and no trailing '/'.
fs::path resolved(const fs::path& p) {
  std::error_code ec;
  fs::path r = fs::weakly_canonical(fs::absolute(p, ec), ec);
  if (ec) r = fs::absolute(p, ec).lexically_normal();
  if (r.filename().empty()) r = r.parent_path();
  return r;
}

// Whether `inner` is `outer` or lies inside it.
bool within(const fs::path& inner, const fs::path& outer) {
  return std::mismatch(outer.begin(), outer.end(), inner.begin(), inner.end()).first == outer.end();
}

}  // namespace

void add_files_read(const dsl::architecture_spec& architecture, std::vector<std::string>& files) {
  files.push_back(architecture.file);
  files.insert(files.end(), architecture.files.begin(), architecture.files.end());
  files.insert(files.end(), architecture.tech_files.begin(), architecture.tech_files.end());
}

void add_files_read(const dsl::workload_spec& workload, std::vector<std::string>& files) {
  for (const std::string* f : {&workload.file, &workload.weights_file, &workload.inputs.file,
                               &workload.inputs.fallback, &workload.inputs.calibration})
    files.push_back(*f);
}

void refuse_overwriting_inputs(const std::string& flag, const std::vector<fs::path>& outputs,
                               const std::vector<std::string>& inputs, const std::vector<fs::path>& removed) {
  // Each input once, resolved once (a file and its base may name one twice).
  std::vector<std::pair<std::string, fs::path>> named;
  std::set<fs::path> seen;
  for (const auto& input : inputs) {
    if (input.empty()) continue;
    fs::path r = resolved(input);
    if (seen.insert(r).second) named.emplace_back(input, std::move(r));
  }
  dsl::diagnostics errors;
  for (const auto& output : outputs) {
    if (output.empty()) continue;
    const fs::path out = resolved(output);
    for (const auto& [input, in] : named) {
      std::error_code ec;
      const bool same = fs::equivalent(input, output, ec) || in == out;
      if (same)
        errors.error({flag, 0, 0}, "the output '" + output.string() + "' would overwrite the input '" + input + "'");
      else if (within(in, out))
        errors.error({flag, 0, 0}, "the output '" + output.string() + "' would replace the directory holding the "
                                   "input '" + input + "'");
    }
  }
  for (const auto& file : removed) {
    const fs::path gone = resolved(file);
    for (const auto& [input, in] : named) {
      std::error_code ec;
      if (fs::equivalent(input, file, ec) || in == gone || within(in, gone))
        errors.error({flag, 0, 0}, "the input '" + input + "' is an earlier run's output in this directory" +
                                       (in == gone ? "" : " (in its '" + file.filename().string() + "')") +
                                       ", which this run would remove as it replaces that run's files: move it "
                                       "out, or choose another directory");
    }
  }
  if (errors.has_errors()) throw dsl::input_error(errors);
}

}  // namespace mottsim::platform
