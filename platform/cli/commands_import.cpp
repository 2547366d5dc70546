#include <algorithm>
#include <filesystem>
#include <iterator>
#include <ostream>

#include "dsl/diagnostics.hpp"
#include "dsl/neurosim_network.hpp"
#include "dsl/onnx_import.hpp"
#include "dsl/workload_loader.hpp"
#include "platform/cli/commands.hpp"
#include "platform/data/output_dir.hpp"
#include "platform/data/overwrite_guard.hpp"

namespace mottsim::platform {

namespace fs = std::filesystem;

int command_import(const std::string& model, const std::string& output, std::ostream& out, std::ostream& err) {
  try {
    const bool csv = dsl::is_network_csv_path(model);
    if (!dsl::is_onnx_path(model) && !csv)
      throw dsl::input_error({model, 0, 0}, "mottsim imports ONNX models (MODEL.onnx) and NeuroSim network CSV "
                                            "files (NETWORK.csv); this file's name ends in neither");
    if (output.empty()) throw dsl::input_error({"-o", 0, 0}, "give the workload file to write: -o WORKLOAD.yaml");
    refuse_overwriting_inputs("-o", {output}, {model});
    const fs::path target = fs::absolute(output).lexically_normal();
    const std::string dir = target.parent_path().string();
    // The workload names the model relative to itself, so the two move
    // together, unless they share no folder but the root.
    const fs::path model_path = fs::absolute(model).lexically_normal();
    const auto common = std::mismatch(model_path.begin(), model_path.end(), target.begin(), target.end()).first;
    const bool share_folder = std::distance(model_path.begin(), common) > 1;
    fs::path ref = share_folder ? model_path.lexically_relative(target.parent_path()) : model_path;
    // Read as `run` reads the model or CSV, with every check of a workload
    // file, so that what is written reads back; nothing is written otherwise.
    dsl::diagnostics errors;
    const dsl::imported_workload imported = dsl::import_workload(model, ref.string(), errors);
    if (errors.has_errors()) throw dsl::input_error(errors);
    const dsl::workload_spec& spec = imported.spec;
    write_output_file(dir, target.filename().string(), imported.text.text());
    out << "wrote " << output << ": " << spec.layers.size() << " layers, " << spec.total_macs() << " MACs and "
        << spec.total_weights() << " weights per sample";
    if (!csv) out << "; weights_file: " << ref.string();
    out << "\n";
  } catch (const dsl::input_error& e) {
    e.errors().print(err);
    return 2;
  }
  return 0;
}

}  // namespace mottsim::platform
