#include "platform/mapping/work_estimate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "dsl/units.hpp"
#include "models/controller_module.hpp"
#include "models/program.hpp"
#include "platform/data/mnist_dataset.hpp"
#include "platform/mapping/input_stream.hpp"
#include "platform/mapping/network_plan.hpp"

namespace mottsim::platform {

namespace {

// Transactions of `parts` DMA copies that move `bytes` in all: each copy
// rounds its bytes up and goes as ceil(bytes / burst) reads and as many
// writes. Exact for one part; for more, the sum of the parts' roundings is at
// most one per part above the rounding of the sum.
double dma_transactions(double bytes, double parts, double burst) {
  if (bytes <= 0 || parts <= 0) return 0;
  const double whole = std::ceil(bytes) + (parts - 1);
  return 2.0 * (std::ceil(whole / burst) + (parts - 1));
}

// A count as a person reads it: exact below 10^15, else three digits.
std::string count_text(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, v < 1e15 ? "%.0f" : "%.3g", v);
  return buf;
}

std::string bytes_text(double b) { return dsl::format_quantity(b, dsl::dimension::data_size); }

// Functional mode holds, per device network (every chip drawn, all programmed
// at once, and the same chip on ideal devices, which calibrates and, for
// classifiers, is scored too), each layer's weights as doubles, their
// quantized integers and a copy made while binding them (20 bytes a weight),
// four floats per programmed cell (conductance, its square, both stacked for
// one product) and each crossbar's columns x outputs combining matrix; the
// float reference keeps its own weights (4 bytes each). Activations: the
// inputs (for MNIST, the whole data set as it is read), every layer's output for a batch of up to 64 inputs per network,
// and the largest layer's im2col inputs and outputs as doubles, twice over
// while they are converted.
double functional_memory(const dsl::workload_spec& w, const network_plan& plan, long long chips) {
  const bool classifier = w.inputs.source == "mnist_test";
  const double samples = classifier ? static_cast<double>(w.inputs.count) : 1.0;
  const double networks = static_cast<double>(std::max<long long>(1, chips)) + 1.0;
  const double batch = std::min(samples, 64.0);
  double weights = 0, device = 0, outputs = 0, peak = 0;
  for (const auto& lp : plan.layers) {
    const auto& l = *lp.layer;
    outputs += static_cast<double>(l.out_shape.elements());
    if (!lp.on_tiles) continue;
    const auto& m = lp.mapping;
    const double count = static_cast<double>(l.weight_count());
    weights += 4.0 * count;
    const double per_block = static_cast<double>(m.usable_columns / std::max<long long>(1, m.columns_per_weight));
    device += 20.0 * count + 16.0 * static_cast<double>(m.used_cells) +
              4.0 * static_cast<double>(m.crossbars) * static_cast<double>(plan.tile.columns) * per_block;
    peak = std::max(peak, batch * static_cast<double>(lp.matrix.vectors) *
                              (16.0 * static_cast<double>(lp.matrix.fan_in) + 24.0 * static_cast<double>(lp.matrix.outputs)));
  }
  double inputs = samples * static_cast<double>(w.input.elements()) * 4.0;
  // MNIST: every digit is read (and split) as floats, each class file parsed
  // as JSON (about 16 bytes a value) on the way.
  if (classifier)
    inputs += 2.0 * static_cast<double>(mnist_train_size + mnist_test_size) * mnist_dataset::pixels * 4.0 +
              static_cast<double>(mnist_train_size + mnist_test_size) / mnist_dataset::classes *
                  mnist_dataset::pixels * 16.0;
  return weights + networks * device + inputs + (networks + 1) * batch * outputs * 4.0 + peak;
}

template <typename Program>
work_estimate stream_work(const Program& program, double transaction_bytes) {
  const unsigned long long burst = models::stream_initiator::burst_bytes(transaction_bytes);
  work_estimate e;
  for (const auto& l : program.layers) {
    e.jobs += static_cast<double>(std::max<long long>(1, l.steps));
    for (const auto* transfers : {&l.prefetch, &l.writeback})
      for (const auto& t : *transfers) {
        e.transactions += static_cast<double>(models::transfer_transactions(t, l.steps, burst));
        e.bytes_moved += std::max(0.0, std::round(t.bytes));
      }
    e.plan_bytes += sizeof(l) + static_cast<double>((l.prefetch.size() + l.writeback.size()) *
                                                    sizeof(models::stream_transfer));
  }
  return e;
}

}  // namespace

work_budget parse_work_budget(const std::string& max_work, const std::string& max_memory, dsl::diagnostics& errors) {
  work_budget b;
  if (!max_work.empty()) {
    // A count, whole as the other numeric flags take theirs (hex with 0x
    // too) or in scientific notation (2e8).
    double v = 0;
    if (long long whole = 0; dsl::parse_integer(max_work, whole)) v = static_cast<double>(whole);
    else if (!dsl::parse_number(max_work, v)) v = 0;
    // Transactions come whole: 100.5 would read as a limit of 100.
    if (!std::isfinite(v) || v < 1 || v != std::floor(v))
      errors.error({"--max-work", 0, 0},
                   "expected a whole number of TLM transactions of at least 1 (such as 2e8), got '" + max_work + "'");
    else
      b.max_transactions = v;
  }
  if (!max_memory.empty()) {
    const dsl::quantity_parse q = dsl::parse_quantity(max_memory, dsl::dimension::data_size);
    if (!q.ok || !std::isfinite(q.si) || q.si < 1)
      errors.error({"--max-memory", 0, 0}, "expected a memory size of at least 1 B (such as 16 GiB), got '" +
                                               max_memory + "'" + (q.ok ? std::string() : ": " + q.error));
    else
      b.max_memory_bytes = q.si;
  }
  return b;
}

work_estimate estimate_cim_work(const dsl::workload_spec& workload, const network_plan& plan, bool functional,
                                long long chips) {
  const double burst = models::dma_burst_bytes;
  const double cell_bytes = static_cast<double>(plan.tile.bits_per_cell) / 8.0;
  work_estimate e;
  // What one inference moves (the pipeline schedule runs plan.inferences of
  // them) and what happens once before (programming resident weights).
  work_estimate once;
  auto dma_to = [&](work_estimate& into, double bytes, double parts) {
    into.transactions += dma_transactions(bytes, parts, burst);
    into.bytes_moved += bytes > 0 && parts > 0 ? bytes : 0.0;
  };
  auto dma = [&](double bytes, double parts) { dma_to(e, bytes, parts); };
  for (const auto& lp : plan.layers) {
    if (!lp.on_tiles) {
      // Pooling and adds: the controller reads each operand through the bus.
      if (lp.element_ops > 0) {
        dma(lp.input_bytes, 1);
        if (lp.other_bytes > 0) dma(lp.other_bytes, 1);
        if (lp.digital_weight_bytes > 0) dma(lp.digital_weight_bytes, 1);
      }
      continue;
    }
    const auto& m = lp.mapping;
    const long long vectors = lp.matrix.vectors;
    const auto copies = static_cast<long long>(lp.copy_starts.size());
    const double weights_per_block =
        static_cast<double>(std::min(m.usable_columns / m.columns_per_weight, lp.matrix.outputs));
    const double output_values = static_cast<double>(lp.matrix.outputs * lp.matrix.groups);
    double jobs = 0, distinct_tiles = 0;
    long long last_tile = -1;  // copies lie in increasing slots; packed ones may share a tile
    const stream_geometry geometry = geometry_of(*lp.layer, lp.matrix.activation_bits / 8.0);  // the layer's, every copy's
    for (long long r = 0; r < copies; ++r) {
      const auto span = models::span_layer(lp.matrix, m, plan.tile, lp.copy_starts[static_cast<std::size_t>(r)]);
      const auto tiles = static_cast<double>(span.tiles);
      const long long first_tile = span.first_slot / plan.tile.arrays, end_tile = first_tile + span.tiles;
      distinct_tiles += static_cast<double>(end_tile - std::max(first_tile, last_tile + 1));
      last_tile = end_tile - 1;
      // Copy r works on its share of the output positions.
      const auto share = static_cast<double>(vectors / copies + (r < vectors % copies ? 1 : 0));
      const double fraction = share / static_cast<double>(vectors);
      jobs += tiles;
      // Weights: programmed once when resident, at every inference otherwise;
      // each job is a DMA, a program command and a wait.
      work_estimate& weights = lp.resident ? once : e;
      dma_to(weights, static_cast<double>(m.used_cells) * cell_bytes, tiles);
      weights.transactions += 2.0 * tiles;
      // Inference: every column block reads the copy's share of the input;
      // the tiles that own outputs send them (and, below, a start and a wait
      // per tile). A tile holding the rest of a column block begun in an
      // earlier tile sends that block's partial sums (4 bytes each) to its
      // owner: at most one block's (its first slot's).
      const models::layer_sends sends = models::span_sends(lp.matrix, m, plan.tile, span);
      const double input = lp.input_bytes * static_cast<double>(m.column_blocks) * fraction;
      dma(input, tiles);
      // A convolution's input streams in chunks (as a tile of the copy with
      // its even share of the input would split it): every chunk after the
      // first adds a feed command and at most a partial burst (a read and a
      // write) to the input, to the outputs and to the partial sums it drains.
      const double chunks = static_cast<double>(
          plan_input_stream(geometry, std::ceil(input / std::max(1.0, tiles)),
                            static_cast<long long>(share), plan.tile.buffer_bytes, burst)
              .chunks.size());
      e.transactions += (chunks - 1) * (3.0 * tiles + 2.0 * static_cast<double>(sends.output_tiles) +
                                        2.0 * static_cast<double>(sends.partial_tiles));
      dma(share * output_values * lp.matrix.activation_bits / 8.0, static_cast<double>(sends.output_tiles));
      if (sends.partial_tiles > 0)
        dma(share * static_cast<double>(sends.partial_tiles) * weights_per_block * 4.0,
            static_cast<double>(sends.partial_tiles));
    }
    // Reprogrammed layers run in chunks of distinct tiles.
    e.transactions += 2.0 * (lp.resident ? distinct_tiles : jobs);
    e.jobs += jobs;
    // Each job is kept twice (the plan and the program) with its readout text,
    // and gives about six program ops.
    e.plan_bytes += jobs * (2.0 * static_cast<double>(sizeof(models::tile_job) + m.path.size()) +
                            6.0 * static_cast<double>(sizeof(models::program_op)));
  }
  e.inferences = std::max<long long>(1, plan.inferences);
  const auto inferences = static_cast<double>(e.inferences);
  e.transactions = once.transactions + inferences * e.transactions;
  e.bytes_moved = once.bytes_moved + inferences * e.bytes_moved;
  if (functional) e.functional_bytes = functional_memory(workload, plan, chips);
  return e;
}

work_estimate estimate_stream_work(const models::processor_program& program, double transaction_bytes) {
  work_estimate e = stream_work(program, transaction_bytes);
  // L2 <-> L1 traffic crosses the bus too.
  const unsigned long long burst = models::stream_initiator::burst_bytes(transaction_bytes);
  for (const auto& l : program.layers)
    for (const auto& t : l.during) {
      e.transactions += static_cast<double>(models::transfer_transactions(t, l.steps, burst));
      e.bytes_moved += std::max(0.0, std::round(t.bytes));
    }
  return e;
}

work_estimate estimate_stream_work(const models::systolic_program& program, double transaction_bytes) {
  return stream_work(program, transaction_bytes);
}

bool check_work(const work_estimate& estimate, const work_budget& budget, const dsl::workload_spec& workload,
                const std::string& architecture, dsl::diagnostics& errors) {
  const dsl::source_location where{workload.file, 0, 0};
  const std::string what = "'" + workload.name + "' on " + architecture;
  bool ok = true;
  if (estimate.transactions > budget.max_transactions) {
    const bool pipelined = estimate.inferences > 1;
    errors.error(where, what + " would take about " + count_text(estimate.transactions) + " TLM transactions (" +
                            count_text(estimate.jobs) + " jobs moving " + bytes_text(estimate.bytes_moved) +
                            (pipelined ? " over " + std::to_string(estimate.inferences) + " pipelined inferences" : "") +
                            "), more than the limit of " + count_text(budget.max_transactions) +
                            "; raise it with --max-work N to simulate it anyway" +
                            (pipelined ? " (or set fewer with the controller's inferences_in_flight)" : ""));
    ok = false;
  }
  if (estimate.memory_bytes() > budget.max_memory_bytes) {
    std::string parts = "its plan " + bytes_text(estimate.plan_bytes);
    if (estimate.functional_bytes > 0)
      parts += ", functional-mode weights and activations " + bytes_text(estimate.functional_bytes);
    errors.error(where, what + " would need about " + bytes_text(estimate.memory_bytes()) + " of memory (" + parts +
                            "), more than the limit of " + bytes_text(budget.max_memory_bytes) +
                            "; raise it with --max-memory SIZE to run it anyway");
    ok = false;
  }
  return ok;
}

}  // namespace mottsim::platform
