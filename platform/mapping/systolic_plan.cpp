#include "platform/mapping/systolic_plan.hpp"

#include <algorithm>
#include <cmath>

#include "models/gemm_blocking.hpp"
#include "models/row_stationary.hpp"
#include "platform/mapping/baseline_layout.hpp"

namespace mottsim::platform {

namespace {

// The multipliers take operands of fixed width; a workload quantized wider
// than that cannot run on them.
void check_precision(const dsl::workload_spec& w, const dsl::architecture_spec& arch, const dsl::component_spec& array,
                     dsl::diagnostics& errors) {
  const auto& p = array.params;
  const long long wb = p.integer("weight_bits"), ab = p.integer("activation_bits");
  if (w.weight_bits > wb || w.activation_bits > ab)
    errors.error(precision_location(w),
                 "workload '" + w.name + "' is quantized to " + std::to_string(w.weight_bits) + "-bit weights and " +
                     std::to_string(w.activation_bits) + "-bit activations, but the multipliers of " + arch.name +
                     "'s " + array.name + " take " +
                     std::to_string(wb) + "-bit weights and " + std::to_string(ab) + "-bit activations (set at " +
                     param_location(array, w.weight_bits > wb ? "weight_bits" : "activation_bits").to_string() + ")");
}

struct element_bits {
  double a, b, acc;  // activation, weight, partial sum
  double a_bytes() const { return element_bytes(static_cast<int>(a)); }
  double b_bytes() const { return element_bytes(static_cast<int>(b)); }
  double acc_bytes() const { return element_bytes(static_cast<int>(acc)); }
};

// Weight-stationary: an R x C tile of B sits in the array while rows of A
// stream through, one per cycle; the next tile shifts in behind them (R
// cycles, hidden when at least R rows stream). The accumulators hold the
// partial sums of mc rows x C columns, so long layers go in chunks of mc
// rows, each reloading the weights. Every MAC writes its PE's input and
// partial-sum registers.
void plan_weight_stationary(const models::gemm_problem& g, double R, double C, double acc_capacity,
                            const element_bits& bits, bool weight_fifo, models::systolic_layer& sl) {
  const double a = bits.a_bytes(), b = bits.b_bytes(), acc = bits.acc_bytes();
  const double tk = std::ceil(g.k / R), tn = std::ceil(g.n / C);
  const double mc = std::min(g.m, std::max(1.0, std::floor(acc_capacity / (C * acc))));
  const double chunks = std::ceil(g.m / mc);
  const double last = g.m - (chunks - 1) * mc;
  const double rows_streamed = (chunks - 1) * std::max(mc, R) + std::max(last, R);
  sl.array_cycles = g.groups * tk * tn * rows_streamed + (R + C - 2);  // one pipeline fill and drain
  sl.macs = g.macs();
  sl.weight_loads = g.groups * g.k * g.n * chunks;
  sl.pe_storage_bits = sl.macs * (bits.a + bits.acc);
  // Scratchpads: every row of A enters once per column tile, every weight
  // once per chunk (from the buffer, or from the weight FIFO when there is
  // one); each K tile reads and writes the partial sums.
  const double weights_fed = g.groups * g.k * g.n * b * chunks;
  sl.buffer_read_bytes = g.groups * g.m * g.k * a * tn + (weight_fifo ? 0 : weights_fed);
  sl.weight_fifo_read_bytes = weight_fifo ? weights_fed : 0;
  sl.buffer_write_bytes = g.groups * g.m * g.n * a;  // activated outputs
  sl.accumulator_write_bytes = g.groups * g.m * g.n * acc * tk;
  sl.accumulator_read_bytes = g.groups * g.m * g.n * acc * tk;  // K tiles - 1 updates + the final drain
}

// Row-stationary (models/row_stationary.hpp): the PEs' scratchpads take every
// operand of every MAC; the buffer feeds filter and input rows by multicast and
// the partial-sum rows go to the accumulators (or the buffer) between passes.
void plan_row_stationary(const dsl::layer_spec& l, double R, double C, const element_bits& bits,
                         models::systolic_layer& sl) {
  const models::conv_dims d = models::conv_dims_of(l);
  const models::row_stationary_counts rs = models::row_stationary(d, R, C);
  sl.array_cycles = rs.cycles + (R + C - 2);
  sl.macs = rs.macs;
  sl.weight_loads = rs.filter_writes;
  sl.pe_storage_bits = (rs.filter_reads + rs.filter_writes) * bits.b + (rs.input_reads + rs.input_writes) * bits.a +
                       (rs.psum_reads + rs.psum_writes) * bits.acc;
  sl.buffer_read_bytes = rs.glb_weight_reads * bits.b_bytes() + rs.glb_input_reads * bits.a_bytes();
  sl.buffer_write_bytes = d.groups * d.m * d.e * d.f * bits.a_bytes();  // activated outputs
  sl.accumulator_read_bytes = rs.glb_psum_reads * bits.acc_bytes();
  sl.accumulator_write_bytes = rs.glb_psum_writes * bits.acc_bytes();
}

}  // namespace

systolic_memories check_systolic_memories(const dsl::architecture_spec& arch, const dsl::component_spec& array,
                                          dsl::diagnostics& errors) {
  systolic_memories m;
  const auto& p = array.params;
  const std::string bus = bus_of(array);
  if (bus.empty()) {
    errors.error(array.where, array.name + " is not connected to a bus ('connect:'), so it cannot reach DRAM");
    return m;
  }
  m.buffer = sram_named(arch, array, "buffer", errors);
  if (!p.has("buffer"))
    errors.error(array.where, array.name + " needs its unified buffer: set 'buffer:' to an sram component");
  m.accumulators = sram_named(arch, array, "accumulators", errors);
  m.weight_fifo = sram_named(arch, array, "weight_fifo", errors);
  if (m.weight_fifo && p.text("dataflow") != "weight_stationary")
    errors.error(param_location(array, "weight_fifo"),
                 array.name + ".weight_fifo: a weight FIFO feeds a weight-stationary array's weight tiles; a " +
                     p.text("dataflow") + " array reads its weights from the buffer");
  m.dram = dram_on(arch, array, bus, errors);
  m.ok = m.buffer && m.dram && !(p.has("accumulators") && !m.accumulators) && !(p.has("weight_fifo") && !m.weight_fifo);
  return m;
}

systolic_plan plan_systolic(const dsl::workload_spec& w, const dsl::architecture_spec& arch,
                            dsl::diagnostics& errors) {
  // Only this planner's own errors stop it (the caller may pass others in).
  const std::size_t errors_before = errors.size();
  const auto failed = [&] { return errors.size() > errors_before; };
  systolic_plan plan;
  const auto arrays = arch.of_type("systolic_array");
  if (arrays.empty()) {
    const dsl::diagnostic d =
        arch.missing_component("systolic_array", "architecture '" + arch.name + "' has no systolic_array component");
    errors.error(d.where, d.message);
    return plan;
  }
  if (arrays.size() > 1 || arrays.front()->count > 1)
    errors.error(arrays.size() > 1 ? arrays[1]->where : arrays.front()->where,
                 "only one systolic_array per architecture is supported (make it larger instead)");
  const dsl::component_spec& array = *arrays.front();
  const auto& p = array.params;
  plan.component = array.name;
  const std::string bus = bus_of(array);
  if (!bus.empty()) check_precision(w, arch, array, errors);
  const systolic_memories memories = check_systolic_memories(arch, array, errors);
  if (!memories.ok) return plan;
  const dsl::component_spec *buffer = memories.buffer, *accumulators = memories.accumulators,
                            *weight_fifo = memories.weight_fifo, *dram = memories.dram;

  const double a = element_bytes(static_cast<int>(p.integer("activation_bits")));
  const double b = element_bytes(static_cast<int>(p.integer("weight_bits")));
  const double acc = element_bytes(static_cast<int>(p.integer("accumulator_bits")));
  const dram_layout layout = layout_dram(w, arch, *dram, a, b, array.name, errors);
  if (failed()) return plan;

  auto& program = plan.program;
  program.buffer = buffer->name;
  program.accumulators = accumulators ? accumulators->name : "";
  program.weight_fifo = weight_fifo ? weight_fifo->name : "";
  const double R = static_cast<double>(p.integer("rows")), C = static_cast<double>(p.integer("columns"));
  const bool row_stationary = p.text("dataflow") == "row_stationary";
  const element_bits bits{static_cast<double>(p.integer("activation_bits")),
                          static_cast<double>(p.integer("weight_bits")),
                          static_cast<double>(p.integer("accumulator_bits"))};
  const double buffer_capacity = buffer->params.quantity("capacity");
  // Without separate accumulators, a weight-stationary array's partial sums
  // (its chunks of mc x C, plan_weight_stationary) take half of the buffer and
  // the DRAM blocking gets the other half. A row-stationary array sets no
  // such chunk aside: its partial-sum rows are the blocking's own output tiles,
  // whose bytes block_gemm already counts within the capacity it is given, so
  // it blocks with the whole buffer (halving it would reserve them twice).
  const double acc_capacity = accumulators ? accumulators->params.quantity("capacity") : buffer_capacity / 2;
  const double blocking_capacity = accumulators || row_stationary ? buffer_capacity : buffer_capacity / 2;
  // A weight-stationary array drains a row of C partial sums at a time: where
  // they are kept must hold one, or the plan would assume storage that is not
  // there (it used to run as if it held a row).
  if (!row_stationary && acc_capacity < C * acc) {
    const dsl::component_spec& holder = accumulators ? *accumulators : *buffer;
    errors.error(holder.params.at("capacity").where,
                 "'" + holder.name + "' holds " + dsl::format_quantity(acc_capacity, dsl::dimension::data_size) +
                     (accumulators ? "" : " for partial sums (half of it)") + ", less than one row of the array's " +
                     std::to_string(static_cast<long long>(C)) + " partial sums (" +
                     std::to_string(p.integer("accumulator_bits")) + " bits, " +
                     dsl::format_quantity(acc, dsl::dimension::data_size) + " each as stored: " +
                     dsl::format_quantity(C * acc, dsl::dimension::data_size) + ")");
    return plan;
  }

  for (std::size_t i = 0; i < w.layers.size(); ++i) {
    const auto& l = w.layers[i];
    models::systolic_layer sl;
    sl.layer = static_cast<int>(i);
    sl.vector_ops = element_ops(l);
    double dram_reads = 0, c_bytes = 0;
    if (l.has_products()) {
      const models::gemm_problem g = models::layer_gemm(l, a, b, acc);
      if (row_stationary)
        plan_row_stationary(l, R, C, bits, sl);
      else
        plan_weight_stationary(g, R, C, acc_capacity, bits, weight_fifo != nullptr, sl);
      models::gemm_traffic dram_t = models::block_gemm(g, blocking_capacity);
      if (weight_fifo) {
        // Weights stream from DRAM through the FIFO into the array at every
        // load (the FIFO holds a few tiles, not the layer's weights): they
        // neither pass through the buffer nor are reused from it.
        dram_t.b_read_bytes = sl.weight_fifo_read_bytes;
        sl.weight_fifo_write_bytes = dram_t.b_read_bytes;
      }
      sl.prefetch.push_back({tlm::TLM_READ_COMMAND, layout.input_of(w, i).address, layout.input_of(w, i).bytes,
                             dram_t.a_read_bytes});
      const auto& right = l.is_matrix_layer() ? layout.weights[i] : layout.added_of(w, i);  // matmul: an activation
      sl.prefetch.push_back({tlm::TLM_READ_COMMAND, right.address, right.bytes, dram_t.b_read_bytes});
      dram_reads = dram_t.read_bytes();
      c_bytes = dram_t.c_write_bytes;
    } else if (!l.computes_nothing()) {
      const auto& in = layout.input_of(w, i);
      sl.prefetch.push_back({tlm::TLM_READ_COMMAND, in.address, in.bytes, static_cast<double>(in.bytes)});
      dram_reads = static_cast<double>(in.bytes);
      if (!l.add_from.empty()) {
        const auto& other = layout.added_of(w, i);
        sl.prefetch.push_back({tlm::TLM_READ_COMMAND, other.address, other.bytes, static_cast<double>(other.bytes)});
        dram_reads += static_cast<double>(other.bytes);
      }
      c_bytes = static_cast<double>(layout.outputs[i].bytes);
      sl.buffer_read_bytes = dram_reads;   // the vector unit reads its inputs
      sl.buffer_write_bytes = c_bytes;     // and writes its outputs
    }
    if (c_bytes > 0)
      sl.writeback.push_back({tlm::TLM_WRITE_COMMAND, layout.outputs[i].address, layout.outputs[i].bytes, c_bytes});
    // DMA: lines from DRAM are written into the buffer (weights into the FIFO
    // when there is one), outputs read out of it.
    sl.buffer_write_bytes += dram_reads - sl.weight_fifo_write_bytes;
    sl.buffer_read_bytes += c_bytes;
    sl.steps = stream_steps(dram_reads + c_bytes);
    program.layers.push_back(std::move(sl));
  }
  return plan;
}

}  // namespace mottsim::platform
