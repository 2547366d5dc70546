#include "platform/mapping/processor_plan.hpp"

#include <algorithm>
#include <cmath>

#include "models/gemm_blocking.hpp"
#include "models/memory_pricing.hpp"
#include "platform/mapping/baseline_layout.hpp"
#include "platform/elaboration/model_registry.hpp"

namespace mottsim::platform {

namespace {

models::stream_transfer read_of(const dram_layout::region& r, double bytes) {
  return {tlm::TLM_READ_COMMAND, r.address, r.bytes, bytes};
}
models::stream_transfer write_of(const dram_layout::region& r, double bytes) {
  return {tlm::TLM_WRITE_COMMAND, r.address, r.bytes, bytes};
}

// Precision: the datapath `precision` selects must exist, and the workload's
// integers must fit its operands: 8 bits for int8, 24 (the fp32 mantissa, so
// every product of quantized values is exact) for fp32.
void check_precision(const dsl::workload_spec& w, const dsl::architecture_spec& arch, const dsl::component_spec& cpu,
                     dsl::diagnostics& errors) {
  const auto& p = cpu.params;
  const std::string& precision = p.text("precision");
  const bool int8 = precision == "int8";
  const char* rate = int8 ? "int8_macs_per_cycle" : "fp32_macs_per_cycle";
  if (p.integer(rate) == 0)
    errors.error(param_location(cpu, "precision"), cpu.name + " computes in " + precision + " but has no " + precision +
                                                 " datapath (" + rate + ": 0); choose the precision it has");
  const int operand_bits = int8 ? 8 : 24;
  if (w.weight_bits > operand_bits || w.activation_bits > operand_bits)
    errors.error(precision_location(w),
                 "workload '" + w.name + "' is quantized to " + std::to_string(w.weight_bits) + "-bit weights and " +
                     std::to_string(w.activation_bits) + "-bit activations, wider than the " +
                     std::to_string(operand_bits) + "-bit operands of the " + precision + " datapath of " + arch.name +
                     "'s " + cpu.name + " (precision: " + precision + " at " +
                     param_location(cpu, "precision").to_string() + ")" +
                     (int8 ? "; use precision: fp32 or a workload quantized to 8 bits" : ""));
}

// What bounds a layer's roofline: the cores' MAC rate and the bandwidth of
// each memory level (a port width per cycle on every port and bank, from the
// memory's estimator; an L1 per core).
struct roofline_rates {
  double macs_per_core_s = 0;
  double ceiling = 1;
  double l1_bytes_per_s = 0, l2_bytes_per_s = 0, l3_bytes_per_s = 0, dram_bytes_per_s = 0;
};

double sram_rate(const dsl::component_spec* c, const model_registry& registry, double node_m) {
  if (!c) return 0.0;
  return models::memory_bytes_per_s(registry.price(c->type, c->params, node_m), c->params.quantity("port_width"));
}

roofline_rates rates_of(const dsl::component_spec& cpu, const dsl::component_spec& l1, const dsl::component_spec* l2,
                        const dsl::component_spec* l3, const dsl::component_spec& dram,
                        const model_registry& registry, double node_m) {
  const auto& p = cpu.params;
  const bool int8 = p.text("precision") == "int8";
  roofline_rates r;
  r.macs_per_core_s = static_cast<double>(p.integer(int8 ? "int8_macs_per_cycle" : "fp32_macs_per_cycle")) *
                      p.quantity("clock");
  r.ceiling = p.number("utilization");
  r.l1_bytes_per_s = sram_rate(&l1, registry, node_m);
  r.l2_bytes_per_s = sram_rate(l2, registry, node_m);
  r.l3_bytes_per_s = sram_rate(l3, registry, node_m);
  r.dram_bytes_per_s = dram.params.quantity("bandwidth");
  return r;
}

}  // namespace

processor_memories check_processor_memories(const dsl::architecture_spec& arch, const dsl::component_spec& cpu,
                                            dsl::diagnostics& errors) {
  processor_memories m;
  const auto& p = cpu.params;
  const std::string bus = bus_of(cpu);
  if (bus.empty()) {
    errors.error(cpu.where, cpu.name + " is not connected to a bus ('connect:'), so it cannot reach memory");
    return m;
  }
  const long long cores = p.integer("cores");
  m.l1 = sram_named(arch, cpu, "l1", errors);
  m.l2 = sram_named(arch, cpu, "l2", errors);
  m.l3 = sram_named(arch, cpu, "l3", errors);
  if (m.l3 && !p.has("l2"))
    errors.error(param_location(cpu, "l3"), cpu.name + " has an L3 but no L2: set 'l2:' too (the L3 sits between "
                                                         "the L2 and DRAM)");
  if (!p.has("l1"))
    errors.error(cpu.where, cpu.name + " needs its L1 data caches: set 'l1:' to an sram component with one "
                                       "instance per core");
  if (m.l1 && m.l1->count < cores)  // located at the choice of L1, which names the component short of instances
    errors.error(param_location(cpu, "l1"), cpu.name + " has " + std::to_string(cores) + " cores but " +
                                                   m.l1->name + " only " + std::to_string(m.l1->count) +
                                                   " instances: each core needs its own L1 (set " + m.l1->name +
                                                   ".count)");
  m.l2_window = m.l2 ? window_on(*m.l2, bus) : nullptr;
  if (m.l2 && !m.l2_window)
    errors.error(param_location(cpu, "l2"),
                 cpu.name + "'s L2 '" + m.l2->name + "' must be connected to its bus '" + bus + "'");
  m.l3_window = m.l3 ? window_on(*m.l3, bus) : nullptr;
  if (m.l3 && !m.l3_window)
    errors.error(param_location(cpu, "l3"),
                 cpu.name + "'s L3 '" + m.l3->name + "' must be connected to its bus '" + bus + "'");
  m.dram = dram_on(arch, cpu, bus, errors);
  m.ok = m.dram && m.l1 && !(m.l2 && !m.l2_window) && !(m.l3 && (!m.l2 || !m.l3_window)) && m.l1->count >= cores;
  return m;
}

processor_plan plan_processor(const dsl::workload_spec& w, const dsl::architecture_spec& arch,
                              const model_registry& registry, dsl::diagnostics& errors) {
  // Only this planner's own errors stop it (the caller may pass others in).
  const std::size_t errors_before = errors.size();
  const auto failed = [&] { return errors.size() > errors_before; };
  processor_plan plan;
  const auto cpus = arch.of_type("processor");
  if (cpus.empty()) {
    const dsl::diagnostic d =
        arch.missing_component("processor", "architecture '" + arch.name + "' has no processor component");
    errors.error(d.where, d.message);
    return plan;
  }
  if (cpus.size() > 1 || cpus.front()->count > 1)
    errors.error(cpus.size() > 1 ? cpus[1]->where : cpus.front()->where,
                 "only one processor per architecture is supported (give it more 'cores:' instead)");
  const dsl::component_spec& cpu = *cpus.front();
  const auto& p = cpu.params;
  plan.component = cpu.name;
  const std::string bus = bus_of(cpu);
  if (!bus.empty()) check_precision(w, arch, cpu, errors);
  const bool int8 = p.text("precision") == "int8";
  const double elem = int8 ? 1.0 : 4.0;
  const double acc = 4.0;  // int32 / fp32 partial sums

  // A wrong precision still leaves the memories to check.
  const processor_memories memories = check_processor_memories(arch, cpu, errors);
  if (!memories.ok) return plan;
  const long long cores = p.integer("cores");
  const dsl::component_spec *l1 = memories.l1, *l2 = memories.l2, *l3 = memories.l3, *dram = memories.dram;
  const dsl::connection_spec *l2_window = memories.l2_window, *l3_window = memories.l3_window;
  const dram_layout layout = layout_dram(w, arch, *dram, elem, elem, cpu.name, errors);
  if (failed()) return plan;

  auto& program = plan.program;
  program.mac_action = int8 ? "int8_mac" : "fp32_mac";
  program.l1 = l1->name;
  program.l2 = l2 ? l2->name : "";
  program.l3 = l3 ? l3->name : "";
  const double mpi = p.number(int8 ? "int8_macs_per_instruction" : "fp32_macs_per_instruction");
  const double rb = static_cast<double>(p.integer("register_block"));
  const double load_bytes = p.quantity("load_width");
  const double l1_capacity = l1->params.quantity("capacity");
  const double l2_capacity = l2 ? l2->params.quantity("capacity") : 0.0;
  const double l3_capacity = l3 ? l3->params.quantity("capacity") : 0.0;
  const auto l2_base = l2_window ? l2_window->base : 0ULL;
  const auto l2_wrap = l2 ? static_cast<unsigned long long>(l2_capacity) : 0ULL;
  const auto l3_base = l3_window ? l3_window->base : 0ULL;
  const auto l3_wrap = l3 ? static_cast<unsigned long long>(l3_capacity) : 0ULL;
  const roofline_rates rates = rates_of(cpu, *l1, l2, l3, *dram, registry, arch.node_m);

  for (std::size_t i = 0; i < w.layers.size(); ++i) {
    const auto& l = w.layers[i];
    models::processor_layer pl;
    pl.layer = static_cast<int>(i);
    pl.vector_ops = element_ops(l);
    pl.cores_used = cores;
    double l1_fill = 0, l2_fill = 0, c_bytes = 0, dram_reads = 0, dram_writes = 0, register_loads = 0;
    if (l.has_products()) {
      const models::gemm_problem g = models::layer_gemm(l, elem, elem, acc);
      const double units = g.groups * std::ceil(g.m / rb) * std::ceil(g.n / rb);
      pl.cores_used = std::max<long long>(1, std::min<long long>(cores, static_cast<long long>(units)));
      const double used = static_cast<double>(pl.cores_used);
      // Each core's share: whole groups, else columns of B (every core reads
      // all of A), else rows of A (every core reads all of B).
      models::gemm_problem share = g;
      if (g.groups >= used) {
        share.groups = g.groups / used;
      } else if (g.n >= g.m) {
        share.n = g.n / used;
      } else {
        share.m = g.m / used;
        share.a_unique_bytes = g.a_unique_bytes / used;
      }
      models::gemm_traffic l1_t = models::block_gemm(share, l1_capacity);
      l1_t.a_read_bytes *= used;
      l1_t.b_read_bytes *= used;
      l1_t.c_write_bytes *= used;
      // Each level's traffic with the level below: without an L2 the L1s are the
      // last level and DRAM feeds them directly. Whatever comes from below
      // passes through every level above on its way to the registers.
      const models::gemm_traffic l2_t = l2 ? models::block_gemm(g, l2_capacity) : l1_t;
      const models::gemm_traffic dram_t = l3 ? models::block_gemm(g, l3_capacity) : l2_t;
      const double a_l2 = std::max(l2_t.a_read_bytes, dram_t.a_read_bytes);
      const double b_l2 = std::max(l2_t.b_read_bytes, dram_t.b_read_bytes);
      l1_fill = std::max(l1_t.a_read_bytes, a_l2) + std::max(l1_t.b_read_bytes, b_l2);
      l2_fill = a_l2 + b_l2;
      c_bytes = dram_t.c_write_bytes;
      // A register-blocked micro-kernel loads each A element once per rb
      // columns and each B element once per rb rows.
      register_loads = g.macs() * (g.a_bytes + g.b_bytes) / rb;
      pl.macs = g.macs();
      pl.prefetch.push_back(read_of(layout.input_of(w, i), dram_t.a_read_bytes));
      pl.prefetch.push_back(read_of(l.is_matrix_layer() ? layout.weights[i] : layout.added_of(w, i), dram_t.b_read_bytes));
      dram_reads = dram_t.read_bytes();
      // The layer's roofline: the micro-kernel's ceiling on the register tiles
      // it fills, unless a memory level cannot keep up with the blocking.
      const double peak = used * rates.macs_per_core_s;
      const double fill = models::register_tile_fill(g.m, g.n, rb);
      std::vector<models::roofline_level> levels{
          {"L1", (register_loads + l1_fill + 2 * c_bytes) / used, rates.l1_bytes_per_s},
          {"DRAM", dram_reads + c_bytes, rates.dram_bytes_per_s}};
      if (l2) levels.push_back({"L2", l1_fill + l2_fill + 2 * c_bytes, rates.l2_bytes_per_s});
      if (l3) levels.push_back({"L3", l2_fill + dram_reads + 2 * c_bytes, rates.l3_bytes_per_s});
      const models::gemm_roofline roof = models::roofline(pl.macs, peak, rates.ceiling * fill, levels);
      pl.utilization = roof.utilization;
      pl.bound = roof.bound;
    } else if (!l.computes_nothing()) {
      // Element-wise layers stream their inputs once and write their outputs.
      const auto& in = layout.input_of(w, i);
      pl.prefetch.push_back(read_of(in, static_cast<double>(in.bytes)));
      l1_fill = static_cast<double>(in.bytes);
      if (!l.add_from.empty()) {
        const auto& other = layout.added_of(w, i);
        pl.prefetch.push_back(read_of(other, static_cast<double>(other.bytes)));
        l1_fill += static_cast<double>(other.bytes);
      }
      dram_reads = l1_fill;
      c_bytes = static_cast<double>(layout.outputs[i].bytes);
      register_loads = pl.vector_ops * elem;
    }
    if (c_bytes > 0) pl.writeback.push_back(write_of(layout.outputs[i], c_bytes));
    dram_writes = c_bytes;
    // L1: fills and stores written; operands loaded and outputs written back read.
    pl.l1_write_bytes = l1_fill + c_bytes;
    pl.l1_read_bytes = register_loads + c_bytes;
    if (l2 && !l.has_products()) l2_fill = dram_reads;  // element-wise layers stream straight through
    if (l2) {
      // Lines arriving from below fill the L2, the L1s fetch from it and write
      // their outputs back through it (these cross the bus); outputs leave the
      // L2 for the level below.
      pl.l2_fill_bytes = l3 ? l2_fill : dram_reads;
      pl.l2_evict_bytes = c_bytes;
      if (l1_fill > 0) pl.during.push_back({tlm::TLM_READ_COMMAND, l2_base, l2_wrap, l1_fill});
      if (c_bytes > 0) pl.during.push_back({tlm::TLM_WRITE_COMMAND, l2_base, l2_wrap, c_bytes});
    }
    if (l3) {
      // The same one level further down: the L2 fetches from the L3 and writes
      // back into it across the bus; DRAM fills the L3 and takes its outputs.
      pl.l3_fill_bytes = dram_reads;
      pl.l3_evict_bytes = dram_writes;
      if (l2_fill > 0) pl.during.push_back({tlm::TLM_READ_COMMAND, l3_base, l3_wrap, l2_fill});
      if (c_bytes > 0) pl.during.push_back({tlm::TLM_WRITE_COMMAND, l3_base, l3_wrap, c_bytes});
    }
    pl.instructions = pl.macs / mpi + pl.vector_ops / mpi + (register_loads + c_bytes) / load_bytes;
    pl.steps = stream_steps(dram_reads + dram_writes);
    program.layers.push_back(std::move(pl));
  }
  return plan;
}

}  // namespace mottsim::platform
