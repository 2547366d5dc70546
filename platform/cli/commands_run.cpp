#include <chrono>
#include <ostream>

#include "platform/cli/commands.hpp"
#include "platform/functional/functional_run.hpp"
#include "platform/data/image_io.hpp"
#include "platform/data/output_dir.hpp"
#include "platform/data/overwrite_guard.hpp"
#include "dsl/parallel_jobs.hpp"
#include "reports/html_report.hpp"
#include "reports/json_report.hpp"
#include "reports/markdown_summary.hpp"
#include "reports/trace_json.hpp"

namespace mottsim::platform {

int command_run(const model_registry& registry, const run_options& options, const std::string& out_dir,
                std::ostream& out, std::ostream&) {
  // The files named on the command line are checked before simulating, the
  // rest the run read (what the architecture extends and lists, the
  // workload's weights and images) after it, before anything is written.
  refuse_sweep_directory(out_dir);
  std::vector<std::string> inputs = {options.architecture, options.workload, options.image};
  // Every file a run may write; the maps' names are known after it.
  const std::vector<std::string> fixed_names = {"report.json", "summary.md", "report.html", "trace.json"};
  std::vector<std::filesystem::path> outputs;
  for (const auto& name : fixed_names) outputs.push_back(std::filesystem::path(out_dir) / name);
  outputs.push_back(std::filesystem::path(out_dir) / output_manifest_name);
  // An earlier run's maps there are either written again or removed, so one
  // given as an input (--image) is refused now, not after simulating.
  refuse_overwriting_inputs("-o", outputs, inputs, superseded_output_files(out_dir, fixed_names));
  // An earlier comparison's run directories this run would remove must hold
  // only what mottsim wrote, and a file of the user's must not have the name
  // of one this run writes: said before simulating, not after.
  // The maps' names follow from the workload, which the run loads: it hands
  // them over before planning.
  run_options checked = options;
  checked.before_simulating = [&](const std::vector<std::string>& map_names) {
    std::vector<std::string> written = {"report.json", "summary.md"};
    if (options.timeline) written.insert(written.end(), {"report.html", "trace.json"});
    written.insert(written.end(), map_names.begin(), map_names.end());
    check_output_set_replaceable(out_dir, written);
  };
  const auto wall_start = std::chrono::steady_clock::now();
  functional_outcome functional;
  const reports::run_result result = run_session(checked, registry, &functional);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  const std::string summary = reports::to_markdown(result);
  // The same tables for the terminal, with names as written: no Markdown escapes.
  const std::string shown = reports::to_markdown(result, reports::text_target::terminal);
  // Render everything before writing anything: a failure leaves no partial set.
  const std::string json = reports::to_json(result);
  const std::string html = options.timeline ? reports::render_run_html(result) : std::string();
  const std::string trace = options.timeline ? reports::to_trace_json(result) : std::string();
  // The maps' PNG compression, one job per map on every processor.
  std::vector<std::pair<std::string, std::vector<unsigned char>>> images(functional.images.size());
  dsl::run_parallel(images.size(), dsl::hardware_threads(), [&](std::size_t k) {
    images[k] = {functional.images[k].first, encode_png(functional.images[k].second)};
  });
  // The directory ends up holding this run's files alone: an earlier run's
  // that this one does not write again (its maps, its report.html) go.
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& [name, png] : images) files.emplace_back(name, std::string(png.begin(), png.end()));
  files.emplace_back("report.json", json);
  files.emplace_back("summary.md", summary);
  if (options.timeline) {
    files.emplace_back("report.html", html);
    files.emplace_back("trace.json", trace);
  }
  std::vector<std::string> names;
  for (const auto& f : files) names.push_back(f.first);
  for (const auto& image : images) outputs.push_back(std::filesystem::path(out_dir) / image.first);
  inputs.insert(inputs.end(), result.files_read.begin(), result.files_read.end());
  refuse_overwriting_inputs("-o", outputs, inputs, superseded_output_files(out_dir, names));
  const std::vector<std::filesystem::path> removed = write_output_set(out_dir, files);
  out << shown << '\n'
      << "simulated in " << wall << " s wall, " << result.transactions << " TLM transactions ("
      << (wall > 0 ? static_cast<double>(result.transactions) / wall : 0.0) << " per second)\n"
      << "wrote " << out_dir << "/report.json and " << out_dir << "/summary.md"
      << (options.timeline ? ", " + out_dir + "/report.html and " + out_dir + "/trace.json" : std::string())
      << (images.empty() ? std::string() : " and " + std::to_string(images.size()) + " PNG maps") << "\n";
  out << removed_outputs_text(removed);
  return 0;
}

}  // namespace mottsim::platform
