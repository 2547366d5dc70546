#include "platform/session/baseline_session.hpp"

#include <algorithm>
#include <cassert>

#include "models/processor_module.hpp"
#include "models/systolic_array_module.hpp"
#include "platform/elaboration/busy_trace.hpp"
#include "platform/elaboration/elaborator.hpp"
#include "platform/elaboration/ledger.hpp"
#include "platform/session/run_summary.hpp"
#include "platform/mapping/processor_plan.hpp"
#include "platform/mapping/systolic_plan.hpp"
#include "platform/mapping/work_estimate.hpp"

namespace mottsim::platform {

namespace {

const dsl::component_spec* engine_of(const dsl::architecture_spec& arch) { return arch.digital_engine(); }

void reject_mixed(const dsl::architecture_spec& arch, const dsl::component_spec& engine, dsl::diagnostics& errors) {
  for (const auto* tile : arch.of_type("cim_tile"))
    errors.error(tile->where, "an architecture with a " + engine.type + " and cim_tile components is not supported "
                              "yet: the " + engine.type + " runs the whole network");
}

// Plans the workload for the engine (a processor or a systolic array) and
// checks what simulating it would cost against the budget.
void plan_baseline(const dsl::workload_spec& workload, const dsl::architecture_spec& arch,
                   const dsl::component_spec& engine, const model_registry& registry, const work_budget& budget,
                   processor_plan& cpu_plan, systolic_plan& array_plan, dsl::diagnostics& errors) {
  reject_mixed(arch, engine, errors);
  const std::size_t before = errors.size();
  const double burst = engine.params.quantity("transaction");
  work_estimate cost;
  if (engine.type == "processor") {
    cpu_plan = plan_processor(workload, arch, registry, errors);
    cost = estimate_stream_work(cpu_plan.program, burst);
  } else {
    array_plan = plan_systolic(workload, arch, errors);
    cost = estimate_stream_work(array_plan.program, burst);
  }
  if (errors.size() == before) check_work(cost, budget, workload, arch.name, errors);
}

}  // namespace

bool is_baseline_architecture(const dsl::architecture_spec& arch) { return engine_of(arch) != nullptr; }

void check_baseline_components(const dsl::architecture_spec& arch, dsl::diagnostics& errors) {
  const dsl::component_spec* engine = engine_of(arch);
  if (!engine) return;
  reject_mixed(arch, *engine, errors);
  if (engine->type == "processor") check_processor_memories(arch, *engine, errors);
  else check_systolic_memories(arch, *engine, errors);
}

void check_baseline_plan(const dsl::workload_spec& workload, const dsl::architecture_spec& arch,
                         const model_registry& registry, dsl::diagnostics& errors, const work_budget& budget) {
  const dsl::component_spec* engine = engine_of(arch);
  if (!engine) return;
  processor_plan cpu_plan;
  systolic_plan array_plan;
  plan_baseline(workload, arch, *engine, registry, budget, cpu_plan, array_plan, errors);
}

reports::run_result run_baseline_session(const run_options& options, const dsl::architecture_load& arch,
                                         const dsl::workload_spec& workload, const model_registry& registry) {
  const dsl::architecture_spec& spec = arch.spec;
  if (options.mode != "perf")
    throw dsl::input_error({"--mode", 0, 0}, "mode '" + options.mode + "' models device behaviour in CIM tiles; '" +
                                                 spec.name + "' computes digitally and exactly: use --mode perf");
  // A layer pipeline needs a unit per layer; a processor or a systolic array
  // is one datapath that every layer passes through in turn.
  if (options.schedule != schedule_kind::layer)
    throw dsl::input_error(options.schedule_where,
                           "the pipeline schedule streams inferences through layer stages that each hold their own "
                           "tiles; '" + spec.name + "' runs every layer on its one " + engine_of(spec)->type +
                               ", one after another: use --schedule layer");
  const dsl::component_spec& engine = *engine_of(spec);
  const bool cpu = engine.type == "processor";
  dsl::diagnostics errors;
  processor_plan cpu_plan;
  systolic_plan array_plan;
  plan_baseline(workload, spec, engine, registry, options.budget, cpu_plan, array_plan, errors);
  if (errors.has_errors()) throw dsl::input_error(errors);

  elaborator elab(spec, registry);
  elab.elaborate();
  // SystemC instance names are the YAML names.
  auto* initiator = dynamic_cast<models::stream_initiator*>(sc_core::sc_find_object(engine.name.c_str()));
  assert(initiator && "the baseline engine's factory builds a stream_initiator");
  if (cpu)
    dynamic_cast<models::processor_module&>(*initiator).load(&cpu_plan.program);
  else
    dynamic_cast<models::systolic_array_module&>(*initiator).load(&array_plan.program);
  if (options.timeline) {
    record_busy_intervals(elab.components());
    record_busy_intervals(initiator->local_resources());
  }
  elab.simulate();

  reports::run_result r;
  r.architecture = spec.name;
  r.workload = workload.name;
  r.mode = options.mode;
  r.schedule = schedule_name(options.schedule);
  r.macs = workload.total_macs();
  r.weights_resident = false;  // weights stream from DRAM at every inference

  const auto& stages = initiator->stage_times();
  const double begin = stages.empty() ? 0.0 : stages.front().start_s;
  double end = begin;
  for (const auto& s : stages) end = std::max(end, s.end_s);
  r.latency_s = end - begin;
  r.throughput_ips = r.latency_s > 0 ? 1.0 / r.latency_s : 0.0;
  r.latency_method = "simulated time from the first layer's first transaction to the last layer's last, layers one "
                     "after another; each layer streams its DRAM traffic in steps that overlap compute (the next "
                     "step prefetched, outputs written back behind)";
  r.throughput_method = "1 / latency: one inference at a time";

  // Peak MAC rate, for each layer's utilization (achieved / peak).
  const auto& p = engine.params;
  double peak = 0.0;
  if (cpu) {
    const bool int8 = p.text("precision") == "int8";
    peak = static_cast<double>(p.integer("cores") * p.integer(int8 ? "int8_macs_per_cycle" : "fp32_macs_per_cycle")) *
           p.quantity("clock");
  } else {
    peak = static_cast<double>(p.integer("rows") * p.integer("columns")) * p.quantity("clock");
  }
  for (std::size_t i = 0; i < workload.layers.size(); ++i) {
    const auto& l = workload.layers[i];
    reports::layer_result lr;
    lr.name = l.name;
    lr.kind = dsl::layer_kind_name(l.kind);
    lr.macs = l.macs;
    for (const auto& s : stages)
      if (s.layer == static_cast<int>(i)) {
        lr.start_s = s.start_s - begin;
        lr.latency_s = s.end_s - s.start_s;
      }
    // Everything runs on the one datapath: products on its MAC array or SIMD
    // lanes, element work on its vector unit.
    lr.ran_on = std::string(cpu ? "the processor" : "the array") +
                (l.has_products() ? "'s MAC units" : l.kind == dsl::layer_kind::flatten || l.kind == dsl::layer_kind::reshape
                                                          ? " (no arithmetic)"
                                                          : "'s vector unit");
    if (l.has_products() && lr.latency_s > 0 && peak > 0)
      lr.utilization = std::min(1.0, static_cast<double>(l.macs) / (lr.latency_s * peak));
    r.layers.push_back(std::move(lr));
  }

  ledger_extras extras;
  for (const auto& [component, counter] : initiator->local_counts()) extras.counts[component].push_back(&counter);
  for (auto& [component, resources] : initiator->local_resources())
    for (const auto& res : resources) extras.resources[component].push_back(&res);
  price_run(r, elab.components(), extras, r.latency_s, r.latency_s);
  if (options.timeline) {
    r.trace = collect_busy_trace(elab.components(), extras);
    for (const auto& s : stages) r.trace.stages.push_back({s.layer, s.start_s, s.end_s});
    for (const auto& l : workload.layers) r.trace.layer_names.push_back(l.name);
    r.trace.inference_start_s = begin;
    r.trace.inference_end_s = end;
  }

  finish_run_result(r, options, arch, workload, p.quantity("quantum"), initiator->transactions());
  return r;
}

}  // namespace mottsim::platform
