#include "platform/session.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "dsl/architecture_loader.hpp"
#include "dsl/config_hash.hpp"
#include "dsl/workload_loader.hpp"
#include "models/bus_module.hpp"
#include "models/controller_module.hpp"
#include "mottsim/version.hpp"
#include "platform/elaborator.hpp"

namespace mottsim::platform {

namespace {

std::string layer_kind_text(const dsl::layer_spec& l) { return dsl::layer_kind_name(l.kind); }

}  // namespace

reports::run_result run_session(const run_options& options, const model_registry& registry) {
  dsl::diagnostics errors;
  auto arch = dsl::load_architecture(options.architecture, options.overrides, registry, errors);
  auto workload = dsl::load_workload(options.workload, errors);
  if (errors.has_errors()) throw dsl::input_error(errors);
  if (options.mode != "perf")
    throw dsl::input_error({"--mode", 0, 0}, "mode '" + options.mode + "' is not available in this version; use perf");

  network_plan plan = plan_network(workload, arch.spec, options.schedule, errors);
  if (errors.has_errors()) throw dsl::input_error(errors);
  models::program program = build_program(plan, arch.spec);

  elaborator elab(arch.spec, registry);
  elab.elaborate();
  models::controller_module* controller = elab.controller();
  if (!controller)
    throw dsl::input_error({arch.spec.file, 0, 0}, "architecture '" + arch.spec.name +
                                                       "' has no controller component to run the schedule");
  controller->load(&program);
  sc_core::sc_start();

  reports::run_result r;
  r.architecture = arch.spec.name;
  r.workload = workload.name;
  r.mode = options.mode;
  r.schedule = schedule_name(options.schedule);
  r.macs = workload.total_macs();
  r.crossbars_needed = plan.crossbars_needed;
  r.crossbars_available = plan.tiles * plan.arrays_per_tile;
  r.weights_resident = plan.all_resident;

  // Stage times: stage 0 programs resident weights; then one stage per layer.
  const auto& stages = controller->stage_times();
  const double programming_end = stages.empty() ? 0.0 : stages.front().end_s;
  r.programming_time_s = stages.empty() ? 0.0 : stages.front().end_s - stages.front().start_s;
  std::vector<double> layer_latency(workload.layers.size(), 0.0);
  std::vector<double> layer_start(workload.layers.size(), 0.0);
  double inference_end = programming_end;
  for (std::size_t i = 1; i < stages.size(); ++i) {
    const auto layer = static_cast<std::size_t>(stages[i].layer);
    layer_latency[layer] = stages[i].end_s - stages[i].start_s;
    layer_start[layer] = stages[i].start_s - programming_end;
    inference_end = std::max(inference_end, stages[i].end_s);
  }
  double period = 0.0;
  if (options.schedule == schedule_kind::layer) {
    r.latency_s = inference_end - programming_end;
    period = r.latency_s;
    r.throughput_ips = r.latency_s > 0 ? 1.0 / r.latency_s : 0.0;
    r.latency_method = "simulated time from the first layer's first transaction to the last layer's last, layers "
                       "one after another (weight programming of resident layers excluded, reported separately)";
    r.throughput_method = "1 / latency: one inference at a time";
  } else {
    double bottleneck = 0.0, fill = 0.0;
    for (double t : layer_latency) {
      bottleneck = std::max(bottleneck, t);
      fill += t;
    }
    r.latency_s = fill;
    r.pipeline_fill_s = fill;
    period = bottleneck;
    r.throughput_ips = bottleneck > 0 ? 1.0 / bottleneck : 0.0;
    r.latency_method = "pipeline fill: sum of the stage times, each measured with every stage running at once "
                       "(steady-state contention for bus and memories)";
    r.throughput_method = "1 / slowest stage time in steady state";
  }

  // Price the counted actions; leakage runs for one inference period.
  std::map<int, std::map<std::string, double>> layer_category;
  std::map<int, double> layer_dynamic;
  double leakage_power = 0.0;
  for (const auto& c : elab.components()) {
    reports::component_result cr;
    cr.name = c.spec->name;
    cr.type = c.spec->type;
    cr.count = c.spec->count;
    cr.area_mm2 = c.pricing.area_m2 * static_cast<double>(c.spec->count) * 1e6;
    cr.area_source = c.pricing.area_source;
    // Power-gated tiles that hold no weights do not leak.
    long long leaking = c.spec->count;
    if (c.spec->name == plan.tile_component && c.spec->params.flag("power_gating"))
      leaking = std::min<long long>(leaking, plan.tiles_used);
    cr.leakage_w = c.pricing.leakage_w * static_cast<double>(leaking);
    cr.leakage_source = c.pricing.leakage_source;
    cr.leakage_j = cr.leakage_w * period;
    leakage_power += cr.leakage_w;
    if (c.counts) {
      for (const auto& [layer, actions] : c.counts->by_layer()) {
        for (const auto& [action, count] : actions) {
          auto price = c.pricing.actions.find(action);
          if (price == c.pricing.actions.end()) {
            std::fprintf(stderr, "mottsim internal error: %s (%s) counted '%s' but has no price for it\n",
                         cr.name.c_str(), cr.type.c_str(), action.c_str());
            std::abort();
          }
          const double energy = count * price->second.energy_j;
          const std::string category = models::category_name(price->second.category);
          if (layer == programming_layer) {
            r.programming_energy_j += energy;
            continue;
          }
          auto& a = cr.actions[action];
          a.count += count;
          a.energy_j += energy;
          a.price_j = price->second.energy_j;
          a.category = category;
          a.source = price->second.source;
          cr.dynamic_j += energy;
          layer_dynamic[layer] += energy;
          layer_category[layer][category] += energy;
          r.energy_by_category_j[category] += energy;
        }
      }
    }
    double busy = 0.0;
    for (const auto* res : c.resources)
      for (const auto& [layer, seconds] : res->busy_by_layer())
        if (layer != programming_layer) busy += seconds;
    cr.busy_s = busy;
    const double window = (inference_end - programming_end) * static_cast<double>(std::max<std::size_t>(1, c.resources.size()));
    cr.utilization = window > 0 ? std::min(1.0, busy / window) : 0.0;
    cr.energy_j = cr.dynamic_j + cr.leakage_j;
    r.energy_j += cr.energy_j;
    r.area_mm2 += cr.area_mm2;
    r.components.push_back(std::move(cr));
  }
  r.energy_by_category_j["leakage"] = leakage_power * period;

  double stage_sum = 0.0;
  for (double t : layer_latency) stage_sum += t;
  for (std::size_t i = 0; i < workload.layers.size(); ++i) {
    const auto& l = workload.layers[i];
    const layer_plan& lp = plan.layers[i];
    reports::layer_result lr;
    lr.name = l.name;
    lr.kind = layer_kind_text(l);
    lr.macs = l.macs;
    if (lp.on_tiles) {
      lr.crossbars = lp.mapping.crossbars;
      lr.utilization = lp.mapping.utilization;
      lr.tiles = lp.tiles;
      lr.resident = lp.resident;
      lr.chunks = lp.chunks;
      lr.replicas = lp.replicas;
      lr.readout_path = lp.mapping.path;
    }
    lr.start_s = layer_start[i];
    lr.latency_s = layer_latency[i];
    // Leakage is shared out by time: the layer's part of one inference period.
    const double leak = stage_sum > 0 ? leakage_power * period * layer_latency[i] / stage_sum : 0.0;
    lr.energy_by_category_j = layer_category[static_cast<int>(i)];
    lr.energy_by_category_j["leakage"] = leak;
    lr.energy_j = layer_dynamic[static_cast<int>(i)] + leak;
    r.layers.push_back(std::move(lr));
  }

  r.tops = 2.0 * static_cast<double>(r.macs) * r.throughput_ips / 1e12;
  r.tops_per_w = r.energy_j > 0 ? 2.0 * static_cast<double>(r.macs) / r.energy_j / 1e12 : 0.0;
  r.tops_per_mm2 = r.area_mm2 > 0 ? r.tops / r.area_mm2 : 0.0;
  r.edp_js = r.energy_j * r.latency_s;

  r.transactions = controller->transactions();
  auto& p = r.provenance;
  p.version = version_string;
  p.seed = options.seed;
  p.schedule = r.schedule;
  for (const auto* c : arch.spec.of_type("controller")) p.quantum_s = c->params.quantity("quantum");
  // Paths relative to the working directory where they lie under it, so the
  // report does not depend on where the checkout is.
  auto shown = [](const std::string& path) {
    std::error_code ec;
    const auto rel = std::filesystem::relative(path, std::filesystem::current_path(), ec);
    return ec || rel.empty() || rel.native().rfind("..", 0) == 0 ? path : rel.string();
  };
  for (const auto& f : arch.spec.files) p.architecture_files.push_back(shown(f));
  for (const auto& f : arch.spec.tech_files) p.tech_files.push_back(shown(f));
  p.workload_file = options.workload;
  p.overrides = arch.spec.overrides;
  std::string config = dsl::canonical_text(*arch.resolved);
  for (const auto& t : arch.spec.tech_files) config += dsl::read_file_text(t);
  config += dsl::read_file_text(options.workload);
  config += std::string("|schedule=") + r.schedule + "|mode=" + r.mode;
  p.config_hash = dsl::fnv1a_hex(config);
  return r;
}

}  // namespace mottsim::platform
