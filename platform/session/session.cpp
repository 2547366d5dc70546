#include "platform/session/session.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <stdexcept>

#include "dsl/architecture_loader.hpp"
#include "dsl/workload_loader.hpp"
#include "models/bus_module.hpp"
#include "models/controller_module.hpp"
#include "models/functional_crossbar.hpp"
#include "platform/session/baseline_session.hpp"
#include "platform/elaboration/busy_trace.hpp"
#include "platform/elaboration/elaborator.hpp"
#include "platform/functional/functional_run.hpp"
#include "platform/mapping/cim_requirements.hpp"
#include "platform/elaboration/ledger.hpp"
#include "platform/session/pipeline_bottleneck.hpp"
#include "platform/session/finite_figures.hpp"
#include "platform/session/pipeline_steady_state.hpp"
#include "platform/session/warmup_truncation.hpp"
#include "platform/session/run_summary.hpp"

namespace mottsim::platform {

reports::run_result run_session(const run_options& options, const model_registry& registry,
                                functional_outcome* functional) {
  dsl::diagnostics errors;
  auto arch = dsl::load_architecture(options.architecture, options.overrides, registry, errors);
  auto workload = dsl::load_workload(options.workload, errors);
  if (errors.has_errors()) throw dsl::input_error(errors);
  if (options.mode != "perf" && options.mode != "functional")
    throw dsl::input_error({"--mode", 0, 0}, "mode '" + options.mode + "' is not one of perf, functional");
  if (options.mode == "functional") check_image_output_names(workload);
  if (options.chips < 1) throw dsl::input_error({"--chips", 0, 0}, "the number of chips must be at least 1");
  if (options.chips > 1 && options.mode != "functional")
    throw dsl::input_error({"--chips", 0, 0}, "chips are device draws, which only functional mode makes: add "
                                              "--mode functional");
  if (!options.image.empty() && options.mode != "functional")
    throw dsl::input_error({"--image", 0, 0}, "an input image is fed through the device models, which only "
                                              "functional mode runs: add --mode functional");
  if (options.before_simulating)
    options.before_simulating(options.mode == "functional" ? image_output_names(workload)
                                                           : std::vector<std::string>{});

  // Processors and systolic arrays have their own planner and models.
  if (is_baseline_architecture(arch.spec)) {
    reports::run_result r = run_baseline_session(options, arch, workload, registry);
    refuse_non_finite_figures(r, arch.spec);
    return r;
  }

  work_budget budget = options.budget;
  budget.functional = options.mode == "functional";
  budget.chips = options.chips;
  // The data statistics each layer's reads are priced with: measured on the
  // workload's trained weights and training inputs where it ships them, once.
  std::vector<layer_density> densities;
  std::string absent_weights;
  if (const auto tiles = arch.spec.of_type("cim_tile"); !tiles.empty())
    densities = layer_densities(workload, models::read_cim_tile_params(tiles.front()->params, registry.readout_stages()),
                                tiles.front()->params, &absent_weights);
  network_plan plan =
      plan_network(workload, arch.spec, registry.readout_stages(), options.schedule, errors, budget, nullptr, &densities);
  if (errors.has_errors()) throw dsl::input_error(errors);
  // Refused before simulating: the precision a workload declares must be one
  // the device models can carry through.
  if (options.mode == "functional") {
    dsl::diagnostics precision;
    const std::string weights = models::functional_weight_bits_problem(workload.weight_bits, plan.tile.signed_weights);
    const std::string activations = models::functional_activation_bits_problem(workload.activation_bits);
    if (!weights.empty()) precision.error(workload.weight_bits_where, "workload '" + workload.name + "': " + weights);
    if (!activations.empty())
      precision.error(workload.activation_bits_where, "workload '" + workload.name + "': " + activations);
    // Values the device models cannot carry: a layer placed on the vector
    // unit has no crossbar model, and a layer whose stored constants or
    // reordering the workload does not give has no values (the float
    // reference says so too). Given ones run exactly, on the digital side.
    for (const auto& l : workload.layers) {
      if (l.digital && l.is_matrix_layer())
        precision.error(l.where, "layer '" + l.name + "': functional mode runs products through the crossbar "
                                 "models, and 'placement: digital' takes this one off them (perf mode only)");
      if (const std::string why = l.uncomputable_reason(); !why.empty())
        precision.error(l.where, "layer '" + l.name + "' (" + dsl::layer_kind_name(l.kind) + ") " + why +
                                     ": functional mode cannot compute it (perf mode can)");
    }
    if (precision.has_errors()) throw dsl::input_error(precision);
  }
  models::program program = build_program(plan, arch.spec);
  // The default count goes on until the completions' spacings settle
  // (warmup_truncation.hpp).
  if (program.inferences_max > 0) program.steady = pipeline_settled;

  elaborator elab(arch.spec, registry);
  elab.elaborate();
  models::controller_module* controller = elab.controller();
  if (!controller) {  // the plan reports it first (check_cim_components)
    const dsl::diagnostic d = missing_controller(arch.spec);
    throw dsl::input_error(d.where, d.message);
  }
  controller->load(&program);
  if (options.timeline) record_busy_intervals(elab.components());
  elab.simulate();

  reports::run_result r;
  r.architecture = arch.spec.name;
  r.workload = workload.name;
  r.mode = options.mode;
  r.schedule = schedule_name(options.schedule);
  if (!absent_weights.empty()) r.notes.push_back(absent_weights);
  // A setting the layer schedule has no use for is said, not dropped in
  // silence (a sweep over it would give one figure for every value).
  if (options.schedule == schedule_kind::layer)
    for (const auto* c : arch.spec.of_type("controller"))
      if (c->params.has("inferences_in_flight"))
        r.notes.push_back("the controller's inferences_in_flight (" +
                          std::to_string(c->params.integer("inferences_in_flight")) +
                          ") sets how many inferences the pipeline schedule streams; this run used the layer "
                          "schedule, which runs one inference layer by layer, so it was not used");
  r.macs = workload.total_macs();
  r.crossbars_needed = plan.crossbars_needed;
  r.crossbars_available = plan.tiles * plan.arrays_per_tile;
  r.tiles_needed = plan.tiles_needed;
  r.tiles_available = plan.tiles;
  r.weights_resident = plan.all_resident;

  // Stage runs: stage 0 programs resident weights; then one stage per layer,
  // which runs once per inference.
  const auto& runs = controller->runs();
  const double programming_end = runs.empty() || runs.front().empty() ? 0.0 : runs.front().front().end_s;
  r.programming_time_s = programming_end - (runs.empty() || runs.front().empty() ? 0.0 : runs.front().front().start_s);
  // Inferences run: the program's count, or with the default count as many
  // as the period took to settle; every stage runs each.
  const bool adaptive = program.inferences_max > 0;
  const long long inferences_run =
      adaptive && runs.size() > 1 ? static_cast<long long>(runs[1].size()) : program.inferences;
  for (std::size_t i = 1; i < runs.size(); ++i)
    if (static_cast<long long>(runs[i].size()) != inferences_run ||
        (adaptive && (inferences_run < program.inferences || inferences_run > program.inferences_max)))
      throw std::logic_error("the stage of layer " + std::to_string(program.stages[i].layer) + " ran " +
                             std::to_string(runs[i].size()) + " inferences, the first stage " +
                             std::to_string(inferences_run) + " (a pipeline wait that never ended)");
  std::vector<double> layer_latency(workload.layers.size(), 0.0);
  std::vector<double> layer_start(workload.layers.size(), 0.0);
  double inference_end = programming_end;
  double period = 0.0;
  if (options.schedule == schedule_kind::layer) {
    for (std::size_t i = 1; i < runs.size(); ++i) {
      const auto layer = static_cast<std::size_t>(program.stages[i].layer);
      layer_latency[layer] = runs[i].front().end_s - runs[i].front().start_s;
      layer_start[layer] = runs[i].front().start_s - programming_end;
      inference_end = std::max(inference_end, runs[i].front().end_s);
    }
    r.latency_s = inference_end - programming_end;
    period = r.latency_s;
    r.throughput_ips = r.latency_s > 0 ? 1.0 / r.latency_s : 0.0;
    r.latency_method = "simulated time from the first layer's first transaction to the last layer's last, layers "
                       "one after another (weight programming of resident layers excluded, reported separately)";
    r.throughput_method = "1 / latency: one inference at a time";
  } else {
    std::vector<std::vector<stage_run>> stage_runs;
    std::vector<bool> working;
    for (std::size_t i = 1; i < runs.size(); ++i) {
      stage_runs.emplace_back();
      for (const auto& run : runs[i]) stage_runs.back().push_back({run.start_s, run.end_s});
      working.push_back(!program.stages[i].ops.empty());
    }
    const pipeline_timing t = measure_pipeline(stage_runs, working, programming_end);
    for (std::size_t i = 1; i < runs.size(); ++i) {
      const auto layer = static_cast<std::size_t>(program.stages[i].layer);
      layer_latency[layer] = t.stage_time_s[i - 1];
      layer_start[layer] = runs[i].front().start_s - programming_end;
    }
    inference_end = t.completions_s.empty() ? programming_end : t.completions_s.back();
    period = t.period_s;
    r.latency_s = t.fill_s;
    r.pipeline_fill_s = t.fill_s;
    r.throughput_ips = period > 0 ? 1.0 / period : 0.0;
    auto& p = r.pipeline;
    p.inferences = inferences_run;
    p.period_s = period;
    p.fill_s = t.fill_s;
    p.period_error_s = t.period_error_s;
    p.steady = t.steady;
    p.measured_from = t.first_steady;
    p.measured_to = t.last_steady;
    for (double c : t.completions_s) p.completions_s.push_back(c - programming_end);
    p.period_method = describe_period(t, inferences_run, adaptive ? program.inferences : 0, controller->settled());
    r.latency_method = "pipeline fill: simulated time from the first inference's first transaction to its last, "
                       "with the later inferences' stages competing for the bus and memories as they start (weight "
                       "programming excluded, reported separately)";
    r.throughput_method = t.steady
                              ? "1 / period: the mean spacing of completions in steady state, of " +
                                    std::to_string(inferences_run) +
                                    " inferences streamed through the layer stages (pipeline.period_method says "
                                    "which; docs/modelling.md, pipeline schedule)"
                              : "NOT STEADY: 1 / the mean spacing of all " + std::to_string(inferences_run) +
                                    " completions, which the pipeline's fill and drain make optimistic; raise "
                                    "components.controller.inferences_in_flight, or leave it unset to let the run "
                                    "stream until the period settles (pipeline.period_method says why)";
  }

  for (std::size_t i = 0; i < workload.layers.size(); ++i) {
    const auto& l = workload.layers[i];
    const layer_plan& lp = plan.layers[i];
    reports::layer_result lr;
    lr.name = l.name;
    lr.kind = dsl::layer_kind_name(l.kind);
    lr.macs = l.macs;
    lr.ran_on = lp.ran_on;
    if (lp.on_tiles) {
      lr.crossbars = lp.mapping.crossbars;
      lr.utilization = lp.mapping.utilization;
      lr.tiles = lp.tiles;
      lr.resident = lp.resident;
      lr.chunks = lp.chunks;
      lr.replicas = lp.replicas;
      lr.readout_path = lp.mapping.path + lp.analog.note;
      lr.has_density = true;
      lr.input_density = lp.density.input;
      lr.input_density_source = lp.density.input_source;
      lr.weight_density = lp.density.weight;
      lr.weight_density_source = lp.density.weight_source;
    }
    lr.start_s = layer_start[i];
    lr.latency_s = layer_latency[i];
    r.layers.push_back(std::move(lr));
  }

  // Price the counted actions; leakage runs for one inference period.
  // Power-gated tiles that hold no weights do not leak.
  ledger_extras extras;
  for (const auto& c : elab.components())
    if (c.spec->name == plan.tile_component && c.spec->params.flag("power_gating"))
      extras.leaking_instances[c.spec->name] = plan.tiles_used;
  const double inferences = static_cast<double>(inferences_run);
  if (options.schedule == schedule_kind::layer) {
    price_run(r, elab.components(), extras, period, inference_end - programming_end);
  } else {
    // Busy per inference over the period: how much of the steady state each
    // resource takes, and the bottleneck.
    price_run(r, elab.components(), extras, period, period, inferences);
    r.pipeline.busiest = rank_busy(pipeline_resources(elab.components(), extras, workload, inferences),
                                   pipeline_stages(r.layers), period, r.pipeline.bottleneck,
                                   r.pipeline.bottleneck_reason);
  }
  if (options.timeline) {
    r.trace = collect_busy_trace(elab.components(), extras);
    for (const auto& stage : runs)
      for (const auto& s : stage) r.trace.stages.push_back({s.layer, s.start_s, s.end_s});
    for (const auto& l : workload.layers) r.trace.layer_names.push_back(l.name);
    r.trace.inference_start_s = programming_end;
    r.trace.inference_end_s = inference_end;
  }

  // Functional mode: the same mapping computes values through the device
  // models; timing and energy above are those of perf mode.
  if (options.mode == "functional") {
    functional_options fo;
    fo.seed = options.seed;
    fo.image = options.image;
    fo.chips = options.chips;
    functional_outcome outcome = run_functional(workload, arch.spec, plan, fo);
    r.quality = outcome.quality;
    r.accuracy = outcome.accuracy;
    r.functional_samples = outcome.samples;
    r.functional_notes = outcome.notes;
    r.chip_seeds = outcome.chip_seeds;
    r.chip_metrics = outcome.chip_metrics;
    r.calibration = outcome.calibration;
    r.scored_image = outcome.scored_image;
    if (functional) *functional = std::move(outcome);
  }

  double quantum = 0.0;
  for (const auto* c : arch.spec.of_type("controller")) quantum = c->params.quantity("quantum");
  finish_run_result(r, options, arch, workload, quantum, controller->transactions());
  refuse_non_finite_figures(r, arch.spec);
  return r;
}

}  // namespace mottsim::platform
