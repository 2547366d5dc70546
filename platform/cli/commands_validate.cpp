#include <filesystem>
#include <iomanip>
#include <ostream>

#include "dsl/architecture_loader.hpp"
#include "dsl/file_kind.hpp"
#include "dsl/neurosim_network.hpp"
#include "dsl/onnx_import.hpp"
#include "dsl/sweep_expansion.hpp"
#include "dsl/sweep_loader.hpp"
#include "dsl/tech_library.hpp"
#include "dsl/workload_loader.hpp"
#include "platform/cli/commands.hpp"
#include "platform/cli/validation_spec.hpp"
#include "platform/data/reference_forward.hpp"
#include "platform/data/weights_file.hpp"
#include "platform/mapping/cim_requirements.hpp"
#include "platform/session/baseline_session.hpp"

namespace mottsim::platform {

namespace {

// A workload's weights file, read as a run reads it, when it is there and is
// not an ONNX model (whose initializers an import already read); returns what
// to add to the "ok" line.
std::string check_weights_file(const dsl::workload_spec& w, dsl::diagnostics& errors) {
  if (w.weights_file.empty()) return "";
  std::error_code ec;
  if (!std::filesystem::exists(w.weights_file, ec)) return "; its weights_file " + w.weights_file + " is absent";
  if (dsl::is_onnx_path(w.weights_file)) return "";
  try {
    const weights_file weights = read_weights_file(w);
    reference_network::check(w, &weights);
  } catch (const dsl::input_error& e) {
    errors.append(e.errors());
    return "";
  }
  return "; weights read";
}

}  // namespace

bool check_architecture_components(const dsl::architecture_spec& arch, dsl::diagnostics& errors) {
  if (is_baseline_architecture(arch)) check_baseline_components(arch, errors);
  else if (!arch.of_type("cim_tile").empty()) check_cim_components(arch, errors);
  else return false;
  return true;
}

std::vector<dsl::architecture_spec> check_sweep_bases(const dsl::sweep_spec& sweep, const model_registry& registry,
                                                      dsl::diagnostics& errors) {
  std::vector<dsl::architecture_spec> loaded;
  for (std::size_t i = 0; i < sweep.architectures.size(); ++i) {
    dsl::diagnostics base_errors;
    auto arch = dsl::load_architecture(sweep.architectures[i], {}, registry, base_errors);
    const dsl::source_location& at = sweep.architecture_where[i];
    const dsl::component_spec* engine = arch.spec.digital_engine();
    if (!base_errors.has_errors()) {  // a base that does not load says why itself
      if (!check_architecture_components(arch.spec, base_errors))
        base_errors.error(at, "'" + arch.spec.name + "' has no cim_tile, processor or systolic_array to run a "
                              "network on: a base for others to extend, not a chip to sweep");
      else if (engine && sweep.mode == "functional")
        base_errors.error(at, "'mode: functional' models device behaviour in CIM tiles; '" + arch.spec.name +
                                  "' computes digitally and exactly on its " + engine->type +
                                  ": sweep it with mode: perf");
      else if (engine && sweep.schedule == "pipeline")
        base_errors.error(at, "'schedule: pipeline' streams inferences through layer stages that each hold their "
                              "own tiles; '" + arch.spec.name + "' runs every layer on its one " + engine->type +
                              ": sweep it with schedule: layer");
    }
    errors.append(base_errors);
    loaded.push_back(std::move(arch.spec));
  }
  return loaded;
}

int command_validate(const model_registry& registry, const std::vector<std::string>& files,
                     const std::vector<std::string>& overrides, std::ostream& out, std::ostream& err) {
  bool all_valid = true;
  for (const auto& file : files) {
    dsl::diagnostics errors;
    std::string what;
    // An ONNX model or a network CSV is a workload, read through the importer.
    const bool model = dsl::is_onnx_path(file) || dsl::is_network_csv_path(file);
    dsl::yaml_node_ptr root = model ? nullptr : dsl::load_yaml_file(file, errors);
    if (model) {
      const auto w = dsl::load_workload(file, errors);
      what = std::string(dsl::is_onnx_path(file) ? "ONNX" : "NeuroSim network") + " workload '" + w.name + "', " + std::to_string(w.layers.size()) + " layers, " +
             std::to_string(w.total_macs()) + " MACs";
    } else if (root) {
      switch (dsl::detect_file_kind(*root, errors)) {
        case dsl::file_kind::architecture: {
          auto arch = dsl::load_architecture(*root, file, overrides, registry, errors);
          what = "architecture '" + arch.spec.name + "', " + std::to_string(arch.spec.components.size()) + " components";
          // What a run would refuse before any workload: a CIM chip's dram,
          // controller and one cim_tile, a baseline's caches or buffers and
          // dram. An architecture with no engine at all is a base for others
          // to extend.
          if (!errors.has_errors() && !check_architecture_components(arch.spec, errors))
            what += "; no cim_tile, processor or systolic_array: a base for others to extend, not a chip to run";
          break;
        }
        case dsl::file_kind::workload: {
          auto w = dsl::load_workload(*root, file, errors);
          what = "workload '" + w.name + "', " + std::to_string(w.layers.size()) + " layers, " +
                 std::to_string(w.total_macs()) + " MACs";
          if (!errors.has_errors()) what += check_weights_file(w, errors);
          break;
        }
        case dsl::file_kind::tech_library: {
          dsl::tech_libraries tech;
          tech.load(file, errors);
          if (!errors.has_errors()) dsl::validate_tech_entries(tech, registry, errors);
          what = "technology library, " + std::to_string(tech.entries().size()) + " entries";
          break;
        }
        case dsl::file_kind::sweep: {
          const auto sweep = dsl::load_sweep(*root, file, registry, errors);
          if (!errors.has_errors()) check_sweep_bases(sweep, registry, errors);
          const auto points = dsl::sweep_point_count(sweep);  // empty only with errors
          what = "sweep '" + sweep.name + "', " + std::to_string(points.value_or(0)) + " points";
          break;
        }
        case dsl::file_kind::validation_design: {
          // The expected.yaml, and the architecture and workload it runs.
          const auto design = load_validation_file(file, errors);
          if (!errors.has_errors()) {
            dsl::load_architecture(design.architecture, design.overrides, registry, errors);
            dsl::load_workload(design.workload, errors);
          }
          what = "validation design '" + design.name + "', " + std::to_string(design.figures.size()) +
                 (design.figures.size() == 1 ? " figure" : " figures");
          break;
        }
        case dsl::file_kind::unknown: break;
      }
    }
    if (errors.has_errors()) {
      all_valid = false;
      errors.print(err);
      err << file << ": " << errors.size() << (errors.size() == 1 ? " error" : " errors") << '\n';
    } else {
      out << "ok: " << file << " (" << what << ")\n";
    }
  }
  return all_valid ? 0 : 2;
}

}  // namespace mottsim::platform
