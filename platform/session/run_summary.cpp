#include "platform/session/run_summary.hpp"

#include <algorithm>
#include <filesystem>

#include "dsl/config_hash.hpp"
#include "dsl/diagnostics.hpp"
#include "dsl/onnx_import.hpp"
#include "platform/data/mnist_dataset.hpp"
#include "platform/data/overwrite_guard.hpp"
#include "mottsim/version.hpp"
#include "reports/simulator_identity.hpp"

namespace mottsim::platform {

namespace {

// Paths relative to the working directory where they lie under it, so the
// report does not depend on where the checkout is.
std::string shown_path(const std::string& path) {
  std::error_code ec;
  const auto rel = std::filesystem::relative(path, std::filesystem::current_path(), ec);
  return ec || rel.empty() || rel.native().rfind("..", 0) == 0 ? path : rel.string();
}

}  // namespace

void finish_run_result(reports::run_result& r, const run_options& options, const dsl::architecture_load& arch,
                       const dsl::workload_spec& workload, double quantum_s, long long transactions) {
  const double macs = static_cast<double>(r.macs);
  r.tops = 2.0 * macs * r.throughput_ips / 1e12;
  r.tops_per_w = r.energy_j > 0 ? 2.0 * macs / r.energy_j / 1e12 : 0.0;
  r.tops_per_mm2 = r.area_mm2 > 0 ? r.tops / r.area_mm2 : 0.0;
  r.edp_js = r.energy_j * r.latency_s;
  r.transactions = transactions;

  auto& p = r.provenance;
  p.version = version_string;
  p.revision = reports::simulator_revision();
  p.seed = options.seed;
  p.schedule = r.schedule;
  p.quantum_s = quantum_s;
  for (const auto& f : arch.spec.files) p.architecture_files.push_back(shown_path(f));
  for (const auto& f : arch.spec.tech_files) p.tech_files.push_back(shown_path(f));
  p.workload_file = options.workload;
  if (!r.scored_image.empty()) p.image_file = shown_path(r.scored_image);
  p.overrides = arch.spec.overrides;
  r.files_read = {options.workload, options.image};
  add_files_read(arch.spec, r.files_read);
  add_files_read(workload, r.files_read);
  // The fully resolved configuration: the merged architecture tree, the
  // technology libraries it drew on, the workload, and how it was run.
  std::string config = dsl::canonical_text(*arch.resolved);
  for (const auto& t : arch.spec.tech_files) config += dsl::read_file_text(t);
  // A model's bytes (weights included) by their hash, not copied whole.
  config += dsl::is_onnx_path(options.workload) ? "onnx:" + dsl::file_fingerprint_hex(options.workload, "ONNX model")
                                                : dsl::read_file_text(options.workload);
  config += std::string("|schedule=") + r.schedule + "|mode=" + r.mode;
  // The image the run scored (--image, or the workload's) is an input like
  // the workload: by its bytes' hash, so two images never share a hash.
  if (!r.scored_image.empty()) config += "|image=" + dsl::file_fingerprint_hex(r.scored_image, "image");
  // What the workload file names is input too, as far as the run read it:
  // its trained weights (perf mode measures their densities), and the
  // calibration images the run recorded taking. By their bytes' hashes; a
  // file that cannot be read is one the run did not use, and hashes as such.
  std::vector<std::string> named = {workload.weights_file};
  named.insert(named.end(), r.calibration.files.begin(), r.calibration.files.end());
  for (const auto& f : named) {
    std::error_code ec;
    if (f.empty() || f == options.workload || !std::filesystem::is_regular_file(f, ec)) continue;
    try {
      config += "|input=" + dsl::file_fingerprint_hex(f, "input file");
    } catch (const dsl::input_error&) {
      config += "|input=unreadable";
    }
  }
  // The MNIST digits (checksummed by `make data`, so their presence says
  // which): perf mode measures input densities on them when they are there.
  if (workload.inputs.source == "mnist_test") {
    std::error_code ec;
    config += std::filesystem::exists(std::filesystem::path(default_mnist_dir()) / "0.json", ec) ? "|mnist=present"
                                                                                                : "|mnist=absent";
  }
  p.config_hash = dsl::fnv1a_hex(config);
}

}  // namespace mottsim::platform
