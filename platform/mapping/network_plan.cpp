#include "platform/mapping/network_plan.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "platform/mapping/activation_homes.hpp"
#include "platform/mapping/analog_forwarding.hpp"
#include "platform/mapping/baseline_layout.hpp"
#include "platform/mapping/cim_requirements.hpp"
#include "platform/mapping/element_ops.hpp"
#include "platform/mapping/input_stream.hpp"
#include "dsl/checked_arithmetic.hpp"

namespace mottsim::platform {

const char* schedule_name(schedule_kind s) { return s == schedule_kind::pipeline ? "pipeline" : "layer"; }

schedule_kind schedule_named(const std::string& name) {
  return name == "pipeline" ? schedule_kind::pipeline : schedule_kind::layer;
}

namespace {

using dsl::ceil_div;

memory_window window_of(const dsl::component_spec& c) {
  memory_window w;
  w.name = c.name;
  if (!c.connections.empty()) {
    w.base = c.connections.front().base;
    w.size = c.connections.front().size;
  }
  return w;
}

bool routed(const dsl::component_spec* interconnect) {
  return interconnect && (interconnect->type == "mesh" || interconnect->type == "htree");
}

// The chip's global buffer: the first sram of one instance; failing that, an
// sram sliced over a mesh or H-tree: a slice per router (or leaf) of the
// instances there, which sit beside the tiles filling that router
// `concentration` at a time (models/mesh_network.hpp).
activation_buffer buffer_of(const dsl::architecture_spec& arch, const std::vector<const dsl::component_spec*>& srams) {
  activation_buffer b;
  for (const auto* s : srams)
    if (s->count == 1 && !s->connections.empty()) {
      b.slices.push_back(window_of(*s));
      return b;
    }
  for (const auto* s : srams) {
    if (s->connections.empty()) continue;
    const dsl::component_spec* net = arch.find(s->connections.front().bus);
    if (!routed(net)) continue;
    const memory_window whole = window_of(*s);
    const auto routers = static_cast<unsigned long long>(
        net->type == "mesh" ? net->params.integer("columns") * net->params.integer("rows") : net->params.integer("leaves"));
    for (unsigned long long k = 0; k < routers; ++k)
      b.slices.push_back({whole.name, whole.base + k * (whole.size / routers), whole.size / routers});
    b.tiles_per_slice = net->params.integer("concentration");
    return b;
  }
  return b;
}

std::string percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, fraction < 0.1 ? "%.2f %%" : "%.1f %%", 100.0 * fraction);
  return buf;
}

constexpr const char* vector_unit = "the controller's vector unit";

// Why a grouped convolution fills so little of its crossbars, and what else
// can run it.
std::string depthwise_note(const dsl::layer_spec& l, const models::crossbar_mapping& m) {
  if (l.kind != dsl::layer_kind::conv2d || l.groups < 2) return "";
  const long long rows = l.weight_rows();
  return "; " + std::string(l.is_depthwise() ? "depthwise" : "grouped") + ": each of its " +
         std::to_string(l.groups) + " groups takes crossbars of its own for " + std::to_string(rows) + " row(s) x " +
         std::to_string(m.physical_columns) + " column(s), so " + percent(m.utilization) +
         " of the mapped cells hold weights ('placement: digital' runs it on " + vector_unit + " instead" +
         (l.is_depthwise() ? ", as the workload's 'depthwise_placement: digital' does every depthwise one"
                                          : "") +
         ")";
}

}  // namespace

// Enough inferences for every stage to be busy (about one per stage), for the
// buffers ahead of the slowest stage to fill (back-pressure holds only once
// they are: measured up to about 40 inferences on the shipped networks), for
// MSER-5 to see the spacings settle past that, and for the drain (about one
// per stage again): 3 per stage plus 48. A queue that builds slowly (a
// saturated DRAM) can take longer, so with this default the run goes on
// until its period settles (plan.inferences_max, models::program::steady).
long long default_pipeline_inferences(std::size_t stages) {
  return 3 * static_cast<long long>(stages) + 48;
}

network_plan plan_network(const dsl::workload_spec& workload, const dsl::architecture_spec& arch,
                          const models::readout_stage_registry& stages, schedule_kind schedule, dsl::diagnostics& errors, const work_budget& budget,
                          work_estimate* estimate, const std::vector<layer_density>* densities) {
  network_plan plan;
  plan.schedule = schedule;
  if (schedule == schedule_kind::pipeline) {
    plan.inferences = default_pipeline_inferences(workload.layers.size());
    plan.inferences_max = adaptive_inference_factor * plan.inferences;
    for (const auto* c : arch.of_type("controller"))
      if (c->params.has("inferences_in_flight")) {
        plan.inferences = c->params.integer("inferences_in_flight");
        plan.inferences_max = 0;
      }
  }
  const auto tiles = arch.of_type("cim_tile");
  const auto drams = arch.of_type("dram");
  const auto srams = arch.of_type("sram");
  if (!check_cim_components(arch, errors)) return plan;
  const dsl::component_spec& tile_c = *tiles.front();
  plan.tile_component = tile_c.name;
  plan.tile = models::read_cim_tile_params(tile_c.params, stages);
  plan.tiles = tile_c.count;
  plan.arrays_per_tile = plan.tile.arrays;
  const memory_window dram = window_of(*drams.front());
  const activation_buffer buffer = buffer_of(arch, srams);

  // Map every layer (tile placement relative to tile 0 for now).
  const double act_bytes = workload.activation_bits / 8.0;
  for (std::size_t i = 0; i < workload.layers.size(); ++i) {
    const auto& l = workload.layers[i];
    layer_plan lp;
    lp.index = static_cast<int>(i);
    lp.layer = &l;
    lp.input_bytes = static_cast<double>(l.in_shape.elements()) * act_bytes;
    lp.output_bytes = static_cast<double>(l.out_shape.elements()) * act_bytes;
    if (l.is_matrix_layer() && !l.digital) {
      lp.on_tiles = true;
      lp.matrix.fan_in = l.weight_rows();
      lp.matrix.outputs = l.weight_cols() / std::max<long long>(1, l.groups);
      lp.matrix.groups = l.groups;
      lp.matrix.vectors = l.out_shape.height * l.out_shape.width;
      lp.matrix.weight_bits = workload.weight_bits;
      lp.matrix.activation_bits = workload.activation_bits;
      if (densities && i < densities->size()) {
        lp.density = (*densities)[i];
      } else {
        lp.density.input = workload.input_density;
        lp.density.weight = workload.weight_density;
      }
      lp.matrix.input_density = lp.density.input;
      lp.matrix.weight_density = lp.density.weight;
      lp.matrix.relu = l.activation == dsl::activation_kind::relu;
      std::string why;
      if (!models::map_matrix(lp.matrix, plan.tile, lp.mapping, why)) {
        errors.error(l.where, "layer '" + l.name + "' cannot be mapped onto " + tile_c.name + ": " + why);
        plan.layers.push_back(lp);
        continue;
      }
      if (!dsl::checked_add(plan.crossbars_needed, lp.mapping.crossbars, plan.crossbars_needed)) {
        errors.error(l.where, "layer '" + l.name + "' takes the network past 2^63 crossbars");
        return plan;
      }
      lp.weight_bytes = static_cast<double>(lp.mapping.used_cells) * static_cast<double>(plan.tile.bits_per_cell) / 8.0;
      // An activation the tiles cannot do (no neuron used, no digital ReLU
      // unit, or a function other than ReLU, which neither computes) falls to
      // the controller once the outputs are converted.
      lp.ran_on = "crossbars";
      if (lp.matrix.relu ? !lp.mapping.neuron_used && !plan.tile.has_digital_activation
                         : l.activation != dsl::activation_kind::none) {
        lp.element_ops += activation_element_ops(l);
        lp.ran_on += std::string("; its ") + dsl::activation_name(l.activation) + " on " + vector_unit +
                     (lp.matrix.relu ? "" : " (the neuron computes only a ReLU: the outputs are converted first)");
      }
      lp.ran_on += depthwise_note(l, lp.mapping);
    } else {
      lp.element_ops = element_ops(l);
      const bool products = l.macs > 0;  // a matmul, or a layer placed on the vector unit
      if (products) {
        // Crossbars hold fixed weights: a product of two activations (or a
        // layer placed there) runs on the vector unit, a multiply and an add
        // per MAC, plus its bias.
        lp.element_ops += mac_ops * static_cast<double>(l.macs) +
                          (l.bias && l.is_matrix_layer() ? static_cast<double>(l.out_shape.elements()) : 0.0);
        if (l.is_matrix_layer())
          lp.digital_weight_bytes = static_cast<double>(l.weight_count()) * workload.weight_bits / 8.0;
      }
      if (!l.add_from.empty())
        if (const auto* other = workload.find(l.add_from))
          lp.other_bytes = static_cast<double>(other->out_shape.elements()) * act_bytes;
      lp.ran_on = lp.element_ops > 0 ? std::string(vector_unit) : "no arithmetic (the same values in another layout)";
      if (products)
        lp.ran_on += " (" + std::to_string(l.macs) + " MACs at " + std::to_string(static_cast<int>(mac_ops)) +
                     " operations each" +
                     (!l.is_matrix_layer()           ? ""
                      : l.digital_from_workload ? ", placed there by the workload's 'depthwise_placement: digital'"
                                                : ", placed there by 'placement: digital'") +
                     ")";
    }
    plan.layers.push_back(lp);
  }
  if (errors.has_errors()) return plan;

  // Placement works in crossbar slots (slot s = array s % arrays of tile
  // s / arrays). Under the layer schedule layers pack back to back and may share
  // a tile (they run one after another anyway); under the pipeline schedule each
  // layer starts on a fresh tile so layers can run at once.
  const std::size_t n = plan.layers.size();
  const long long arrays = plan.tile.arrays;
  const long long capacity = plan.tiles * arrays;
  const bool align = schedule == schedule_kind::pipeline;
  auto start_of = [&](long long cursor) { return align ? ceil_div(cursor, arrays) * arrays : cursor; };
  auto place = [&](std::size_t i, long long at, long long& end) {
    return models::place_layer(plan.layers[i].index, plan.layers[i].matrix, plan.layers[i].mapping, plan.tile, at, end);
  };
  // Spans are worked out without building jobs: a huge layer is judged by the
  // work estimate below before it is placed.
  auto span = [&](std::size_t i, long long at) {
    return models::span_layer(plan.layers[i].matrix, plan.layers[i].mapping, plan.tile, at);
  };
  std::vector<long long> prefix_end(n + 1, 0), copy_slots(n, 0);
  {
    long long cursor = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (plan.layers[i].on_tiles) {
        const long long at = start_of(cursor);
        const long long end = span(i, at).end_slot;
        copy_slots[i] = end - at;
        cursor = end;
      }
      prefix_end[i + 1] = cursor;
    }
  }
  plan.all_resident = prefix_end[n] <= capacity;
  plan.tiles_needed = ceil_div(prefix_end[n], arrays);
  if (!plan.all_resident && schedule == schedule_kind::pipeline) {
    // At the tile component, whose count is what would have to change.
    errors.error(tile_c.where,
                 "the pipeline schedule keeps every layer on its own tiles: '" + workload.name + "' needs " +
                     std::to_string(plan.tiles_needed) + " tiles of " + tile_c.name +
                     " but the architecture has " + std::to_string(plan.tiles) +
                     "; use --schedule layer or raise " + tile_c.name + ".count");
    return plan;
  }
  // Residency: keep the longest prefix of layers programmed that still leaves
  // whole tiles for the others, which are reprogrammed at every inference.
  std::size_t resident_prefix = n;
  long long stream_first_tile = plan.tiles;
  if (!plan.all_resident) {
    for (std::size_t k = n + 1; k-- > 0;) {
      const long long first_free_tile = ceil_div(prefix_end[k], arrays);
      if (first_free_tile < plan.tiles) {
        resident_prefix = k;
        stream_first_tile = first_free_tile;
        break;
      }
    }
  }

  // Spare slots hold copies of resident layers' weights: each copy works on its
  // own share of the output positions (ISAAC-style replication), given first to
  // the layer that would take longest. Copies stop paying once the layer's
  // compute is shorter than moving its activations over the tiles' bus.
  std::vector<long long> replicas(n, 1);
  if (plan.all_resident) {
    // Under the pipeline schedule extra copies start after the last layer's
    // tile: only whole free tiles are spare.
    long long spare = align ? (plan.tiles - ceil_div(prefix_end[n], arrays)) * arrays : capacity - prefix_end[n];
    // The tiles' interconnect: a shared bus, or a network whose links move a
    // flit per cycle (one link's rate: the port's, which every DMA crosses).
    double bus_bytes_per_s = 0.0, bus_hop_s = 0.0;
    if (const auto* bus = arch.find(tile_c.connections.empty() ? std::string() : tile_c.connections.front().bus)) {
      const auto& p = bus->params;
      if (p.has("width") && p.has("clock")) {
        bus_bytes_per_s = p.quantity("width") * p.quantity("clock");
        long long cycles = 0;
        for (const char* k : {"latency_cycles", "router_cycles", "switch_cycles", "link_cycles"})
          if (p.has(k)) cycles += p.integer(k);
        bus_hop_s = static_cast<double>(cycles) / p.quantity("clock");
      }
    }
    auto layer_time = [&](std::size_t i) {
      const auto& lp = plan.layers[i];
      const double per_vector = lp.mapping.neuron_used ? plan.tile.neuron_read_period_s(lp.mapping.read_time_s)
                                                       : static_cast<double>(lp.mapping.reads_per_vector) *
                                                             lp.mapping.read_time_s;
      return static_cast<double>(ceil_div(lp.matrix.vectors, replicas[i])) * per_vector;
    };
    auto transfer_time = [&](std::size_t i) {
      const auto& lp = plan.layers[i];
      return bus_bytes_per_s > 0 ? (lp.input_bytes + lp.output_bytes) / bus_bytes_per_s : 0.0;
    };
    // Controller time per tile job: the input's first DRAM access, a command,
    // and the bus hops of the input and output transfers.
    double per_job_overhead_s = drams.front()->params.quantity("latency");
    for (const auto* c : arch.of_type("controller"))
      per_job_overhead_s += static_cast<double>(c->params.integer("command_cycles")) / c->params.quantity("clock");
    per_job_overhead_s += 4.0 * bus_hop_s;
    std::vector<bool> done(n, false);
    for (std::size_t i = 0; i < n; ++i) done[i] = !plan.layers[i].on_tiles || copy_slots[i] == 0;
    while (true) {
      std::size_t best = n;
      for (std::size_t i = 0; i < n; ++i)
        if (!done[i] && (best == n || layer_time(i) > layer_time(best))) best = i;
      if (best == n) break;
      // Under the pipeline schedule a layer's extra copies pack behind each
      // other from a fresh tile (below), sharing tiles with no other layer:
      // a copy costs the whole tiles it adds to its layer's extras.
      const long long extras = replicas[best] - 1;  // before this one
      const long long cost = align ? (ceil_div((extras + 1) * copy_slots[best], arrays) -
                                      ceil_div(extras * copy_slots[best], arrays)) *
                                         arrays
                                   : copy_slots[best];
      // Each copy also costs the controller a DMA and a command per tile it
      // touches: stop when the time a copy saves no longer pays for that.
      const double saved = layer_time(best) - [&] {
        ++replicas[best];
        const double t = layer_time(best);
        --replicas[best];
        return t;
      }();
      const double overhead = static_cast<double>(ceil_div(copy_slots[best], arrays)) * per_job_overhead_s;
      if (cost > spare || replicas[best] >= plan.layers[best].matrix.vectors || layer_time(best) <= transfer_time(best) ||
          saved <= overhead) {
        done[best] = true;
        continue;
      }
      ++replicas[best];
      spare -= cost;
    }
  }

  // First copies of every resident layer, in order; then the extra copies in
  // what is left, so an extra copy can never crowd out a later layer. Here
  // only where each copy starts; the jobs are built once the cost is known.
  long long cursor = 0;
  for (std::size_t i = 0; i < resident_prefix && i < n; ++i) {
    if (!plan.layers[i].on_tiles) continue;
    cursor = start_of(cursor);
    plan.layers[i].first_tile = cursor / arrays;
    plan.layers[i].copy_starts.push_back(cursor);
    cursor = span(i, cursor).end_slot;
  }
  for (std::size_t i = 0; i < resident_prefix && i < n; ++i) {
    for (long long r = 1; r < replicas[i]; ++r) {
      // A layer's copies pack one behind another: under the pipeline schedule
      // only the first of them starts a fresh tile, so every tile still holds
      // one layer alone (copies of one layer run its vectors side by side, as
      // the layer schedule's copies do).
      const long long at = r == 1 ? start_of(cursor) : cursor;
      const long long end = span(i, at).end_slot;
      if (end > capacity) break;  // alignment left no room for this copy
      plan.layers[i].copy_starts.push_back(at);
      cursor = end;
    }
  }
  const long long free_tiles = plan.tiles - stream_first_tile;
  for (std::size_t i = 0; i < n; ++i) {
    layer_plan& lp = plan.layers[i];
    if (!lp.on_tiles) continue;
    lp.resident = i < resident_prefix;
    if (lp.resident) {
      lp.chunks = 1;
      lp.replicas = static_cast<long long>(lp.copy_starts.size());
    } else {
      // Reprogrammed each inference in the free tiles, chunk by chunk.
      lp.copy_starts = {0};
      lp.first_tile = stream_first_tile;
      const long long needed = ceil_div(span(i, 0).end_slot, arrays);
      lp.chunks = ceil_div(needed, free_tiles);
      lp.tiles = std::min(free_tiles, needed);
    }
  }
  plan.resident_tiles = ceil_div(std::min(cursor, capacity), arrays);
  plan.tiles_used = plan.all_resident ? plan.resident_tiles : plan.tiles;

  // What simulating this would cost, before a single job is built.
  const work_estimate cost = estimate_cim_work(workload, plan, budget.functional, budget.chips);
  if (estimate) *estimate = cost;
  if (!check_work(cost, budget, workload, arch.name, errors)) return plan;
  if (plan.inferences_max > 0) {
    // Going on past the default must stay within the budget too (each
    // inference costing at most the estimate's share of one).
    // Compared in double first: a budget of 1e30 would overflow the cast.
    const double per_inference = cost.transactions / static_cast<double>(std::max<long long>(1, plan.inferences));
    const double fit = per_inference > 0 ? std::floor(budget.max_transactions / per_inference) : HUGE_VAL;
    if (fit < static_cast<double>(plan.inferences_max)) plan.inferences_max = static_cast<long long>(fit);
    if (plan.inferences_max <= plan.inferences) plan.inferences_max = 0;
  }

  for (std::size_t i = 0; i < n; ++i) {
    layer_plan& lp = plan.layers[i];
    if (!lp.on_tiles) continue;
    if (lp.resident) {
      const long long vectors = lp.matrix.vectors;
      const long long placed = lp.replicas;
      std::vector<models::tile_job> jobs;
      std::vector<long long> touched;
      for (long long r = 0; r < placed; ++r) {
        // Copy r takes an even share of the output positions and the matching
        // share of the input (halo rows ignored).
        const long long share = vectors / placed + (r < vectors % placed ? 1 : 0);
        long long end = 0;
        for (auto j : place(i, lp.copy_starts[static_cast<std::size_t>(r)], end)) {
          j.vectors = share;
          j.input_fraction *= static_cast<double>(share) / static_cast<double>(vectors);
          touched.push_back(j.tile);
          jobs.push_back(j);
        }
      }
      std::sort(touched.begin(), touched.end());
      lp.tiles = std::unique(touched.begin(), touched.end()) - touched.begin();
      lp.chunk_jobs.push_back(std::move(jobs));
    } else {
      long long end = 0;
      auto virtual_jobs = place(i, 0, end);
      lp.chunk_jobs.assign(static_cast<std::size_t>(lp.chunks), {});
      for (auto& j : virtual_jobs) {
        const long long chunk = j.tile / free_tiles;
        j.tile = stream_first_tile + j.tile % free_tiles;
        lp.chunk_jobs[static_cast<std::size_t>(chunk)].push_back(j);
      }
    }
  }

  // Activations that can stay analog between layers (a sample_hold stage).
  plan_analog_forwarding(plan, workload);

  // Where every output lives, and which layers share storage.
  const unsigned long long dram_next = place_activations(workload, buffer, dram, plan);
  for (auto& lp : plan.layers) {
    const auto& l = *lp.layer;
    if (l.kind == dsl::layer_kind::concat && lp.copies.empty())
      lp.ran_on = "no arithmetic (its operands are written into it in place)";
    if (lp.copies.empty()) continue;
    std::string what;
    double bytes = 0.0;
    for (const auto& c : lp.copies) {
      bytes += c.bytes;
      what += std::string(what.empty() ? "" : ", ") +
              (c.layer == constant_source ? "a stored constant"
               : c.layer < 0              ? "the network input"
                                          : "'" + workload.layers[static_cast<std::size_t>(c.layer)].name + "'");
    }
    char amount[48];
    std::snprintf(amount, sizeof amount, "%.0f bytes", bytes);
    lp.ran_on = std::string("no arithmetic; DMA copies ") + amount + " into it (" + what +
                (l.kind == dsl::layer_kind::reshape ? ", its values reordered: a transpose)" : ")");
  }
  // Weights of layers reprogrammed per inference are read from DRAM.
  double weights_total = 0;
  for (const auto& lp : plan.layers) weights_total += lp.weight_bytes + lp.digital_weight_bytes;
  const double needed = static_cast<double>(dram_next - dram.base) + weights_total;
  if (needed > static_cast<double>(dram.size))
    // At the capacity where it is set (a --set at its flag), as the baselines say it.
    errors.error(param_location(*drams.front(), "capacity"),
                 "'" + workload.name + "' needs " + std::to_string(static_cast<long long>(needed)) +
                     " bytes of DRAM for activations and weights, more than " + dram.name + " holds (" +
                     dsl::format_quantity(static_cast<double>(dram.size), dsl::dimension::data_size) + "); give " +
                     dram.name + " at least " + dsl::format_quantity(needed, dsl::dimension::data_size));
  return plan;
}

models::program build_program(const network_plan& plan, const dsl::architecture_spec& arch) {
  models::program prog;
  prog.concurrent = plan.schedule == schedule_kind::pipeline;
  if (prog.concurrent) {
    prog.inferences = plan.inferences;
    prog.inferences_max = plan.inferences_max;
  }
  const dsl::component_spec* tile_c = arch.find(plan.tile_component);
  const unsigned long long tile_base = tile_c->connections.front().base;
  const auto tile_bytes = static_cast<unsigned long long>(plan.tile.buffer_bytes);
  const auto drams = arch.of_type("dram");
  const unsigned long long dram_base = drams.front()->connections.front().base;
  auto tile_address = [&](long long instance) { return tile_base + static_cast<unsigned long long>(instance) * tile_bytes; };
  // A streamed input's chunks fill at least a DMA burst each.
  const double burst_bytes = models::dma_burst_bytes;

  auto program_jobs = [&](models::program_stage& stage, const std::vector<models::tile_job>& jobs) {
    for (const auto& j : jobs) {
      models::program_op dma;
      dma.what = models::program_op::kind::dma;
      dma.src = dram_base;
      dma.dst = tile_address(j.tile);
      dma.dst_wrap = tile_bytes;
      dma.bytes = std::ceil(static_cast<double>(j.active_cells) * static_cast<double>(plan.tile.bits_per_cell) / 8.0);
      stage.ops.push_back(dma);
      models::program_op prog_op;
      prog_op.what = models::program_op::kind::tile_program;
      prog_op.tile_address = tile_address(j.tile);
      prog_op.instance = j.tile;
      prog_op.cells = static_cast<double>(j.active_cells);
      prog_op.rows = static_cast<double>(j.max_rows_per_crossbar);
      stage.ops.push_back(prog_op);
    }
    for (const auto& j : jobs) {
      models::program_op wait;
      wait.what = models::program_op::kind::tile_wait;
      wait.tile_address = tile_address(j.tile);
      wait.instance = j.tile;
      stage.ops.push_back(wait);
    }
  };

  // Stage 0: program the resident weights once.
  models::program_stage setup;
  setup.layer = programming_layer;
  for (const auto& lp : plan.layers)
    if (lp.on_tiles && lp.resident && !lp.chunk_jobs.empty()) program_jobs(setup, lp.chunk_jobs.front());
  prog.stages.push_back(std::move(setup));

  std::vector<models::program_op> deferred_waits;  // producers running alongside their analog consumer
  std::vector<std::size_t> deferred_stages;        // and their stages
  // Stage i + 1 runs layer i (stage 0 programs the weights).
  auto stage_of = [](int layer) { return static_cast<std::size_t>(layer) + 1; };
  for (const auto& lp : plan.layers) {
    models::program_stage stage;
    stage.layer = lp.index;
    for (const int producer : lp.input_layers)
      if (producer >= 0)
        stage.inputs.push_back({stage_of(producer), lp.analog.analog_in && producer == lp.analog.producer});
    if (lp.analog.analog_out) deferred_stages.push_back(stage_of(lp.index));
    // Values copied into its output first: a concat's operand that could not
    // be written in place, a stored constant, a transpose's input.
    for (const auto& c : lp.copies) {
      if (c.bytes <= 0) continue;
      models::program_op copy;
      copy.what = models::program_op::kind::dma;
      copy.src = c.from.address;
      copy.dst = lp.output.address;
      copy.bytes = std::ceil(c.bytes);
      stage.ops.push_back(copy);
    }
    if (lp.on_tiles) {
      // A convolution's input arrives in rows; anything else all at once.
      const stream_geometry geometry = geometry_of(*lp.layer, lp.matrix.activation_bits / 8.0);
      // Each job writes its own part of the output tensor, after the parts of
      // the jobs before it: within a memory an address only names the memory
      // (transfers are priced by their bytes), but readers that stream the
      // tensor in pieces then read what its producer wrote there.
      double layer_out_written = 0.0;
      for (const auto& jobs : lp.chunk_jobs) {
        if (!lp.resident) program_jobs(stage, jobs);
        // Jobs on the same tile (copies, or parts of column blocks) start
        // together and run side by side on their own arrays. Their input
        // streams in chunk by chunk (input_stream.hpp): a tile starts once
        // its jobs' first chunks are in, and each later round of chunks,
        // every tile's in turn, is fed to the running jobs.
        std::map<long long, std::vector<const models::tile_job*>> per_tile;
        struct tile_round {
          long long tile = 0;
          std::vector<const models::tile_job*> jobs;
          std::vector<input_stream_plan> plans;  // per job
          std::vector<double> sent;              // per job: bytes sent so far
        };
        std::vector<tile_round> rounds;  // tiles in the order they start
        std::map<long long, tile_round> open;
        std::size_t chunks = 1;
        auto send_chunk = [&](const tile_round& t, std::size_t k, std::size_t c, double offset) {
          const models::tile_job& j = *t.jobs[k];
          const input_stream_plan& in_plan = t.plans[k];
          // Held analog inputs arrive on their own lines, not as bytes.
          if (c >= in_plan.chunks.size() || j.analog_in || in_plan.chunks[c].bytes <= 0) return;
          models::program_op in;
          in.what = models::program_op::kind::dma;
          // The job reads the same bytes as sent whole, in pieces; each piece
          // lands in the tile's buffer from its start (the buffer wraps).
          // A job holding several column blocks of the layer reads the input
          // once for each: its offset wraps around the input tensor.
          in.src = lp.inputs.front().address +
                   static_cast<unsigned long long>(std::fmod(offset, std::max(1.0, std::ceil(lp.input_bytes))));
          in.dst = tile_address(j.tile);
          in.dst_wrap = tile_bytes;
          in.bytes = in_plan.chunks[c].bytes;
          const auto waits_for = static_cast<long long>(c) - 1 - in_plan.lead;
          if (waits_for >= 0) {
            in.after_instance = j.tile;
            in.after_chunk = waits_for;
          }
          stage.ops.push_back(in);
        };
        auto chunk_vectors = [](const tile_round& t, std::size_t c) {
          std::vector<long long> v;
          for (const auto& p : t.plans) v.push_back(c < p.chunks.size() ? p.chunks[c].vectors : 0);
          return v;
        };
        std::map<long long, int> jobs_on_tile;  // the tile's buffer is shared evenly among them
        for (const auto& j : jobs) ++jobs_on_tile[j.tile];
        for (const auto& j : jobs) {
          const models::tile_job* kept = prog.keep(j);
          per_tile[j.tile].push_back(kept);
          tile_round& t = open[j.tile];
          t.tile = j.tile;
          t.jobs.push_back(kept);
          const double bytes = std::ceil(lp.input_bytes * j.input_fraction);
          const double share = plan.tile.buffer_bytes / static_cast<double>(jobs_on_tile[j.tile]);
          t.plans.push_back(plan_input_stream(geometry, bytes, j.vectors, share, burst_bytes));
          t.sent.push_back(0.0);
          chunks = std::max(chunks, t.plans.back().chunks.size());
          send_chunk(t, t.jobs.size() - 1, 0, 0.0);
          t.sent.back() = t.plans.back().chunks.front().bytes;
          // Start a tile once its last job's first chunk has arrived.
          const bool last_for_tile = static_cast<int>(t.jobs.size()) == jobs_on_tile[j.tile];
          if (last_for_tile) {
            models::program_op start;
            start.what = models::program_op::kind::tile_compute;
            start.tile_address = tile_address(j.tile);
            start.instance = j.tile;
            start.jobs = t.jobs;
            const bool streams = std::any_of(t.plans.begin(), t.plans.end(),
                                             [](const input_stream_plan& p) { return p.chunks.size() > 1; });
            if (streams) start.chunk_vectors = chunk_vectors(t, 0);
            stage.ops.push_back(start);
            rounds.push_back(std::move(t));
            open.erase(j.tile);
          }
        }
        for (std::size_t c = 1; c < chunks; ++c) {
          for (auto& t : rounds) {
            bool fed = false;
            for (std::size_t k = 0; k < t.jobs.size(); ++k) {
              if (c >= t.plans[k].chunks.size()) continue;
              send_chunk(t, k, c, t.sent[k]);
              t.sent[k] += t.plans[k].chunks[c].bytes;
              fed = true;
            }
            if (!fed) continue;
            models::program_op feed;
            feed.what = models::program_op::kind::tile_feed;
            feed.tile_address = tile_address(t.tile);
            feed.instance = t.tile;
            feed.jobs = t.jobs;
            feed.chunk_vectors = chunk_vectors(t, c);
            stage.ops.push_back(feed);
          }
        }
        // A layer whose outputs stay analog runs alongside its consumer: its
        // tiles are waited for at the end of the consumer's stage.
        const bool deferred = lp.analog.analog_out;
        std::map<const models::tile_job*, const input_stream_plan*> plan_of;
        for (const auto& t : rounds)
          for (std::size_t k = 0; k < t.jobs.size(); ++k) plan_of[t.jobs[k]] = &t.plans[k];
        // A streamed layer's outputs drain chunk by chunk, every tile's in
        // turn, in the order of the share of its job each chunk completes (the
        // order they are made in when the tiles run at the same pace), so one
        // tile's drain does not hold up another's: each tile is asked when its
        // jobs started first.
        const bool rounds_of_drains = chunks > 1;
        std::vector<std::pair<double, models::program_op>> drain_pieces;
        for (const auto& [tile, group] : per_tile) {
          models::program_op wait;
          wait.what = models::program_op::kind::tile_wait;
          wait.tile_address = tile_address(tile);
          wait.instance = tile;
          if (deferred) {
            deferred_waits.push_back(wait);
            continue;
          }
          // When every job of the tile has outputs to send, they drain in
          // bursts while the jobs compute (each burst once its outputs exist);
          // otherwise the tile is waited for.
          const bool drains = std::all_of(group.begin(), group.end(), [](const models::tile_job* j) {
            return j->partial_outputs_sent > 0 || (j->outputs > 0 && !j->analog_out);
          });
          if (drains) wait.what = models::program_op::kind::tile_started;
          stage.ops.push_back(wait);
          for (const models::tile_job* j : group) {
            // A tile waited for has no timeline: its outputs are all there.
            const models::tile_job_timeline timeline =
                drains ? models::tile_job_outputs(plan.tile, *j) : models::tile_job_timeline{};
            const double value_bytes = j->activation_bits / 8.0;
            // The job's vectors in the chunks its input came in.
            std::vector<long long> pieces{j->vectors};
            if (rounds_of_drains && drains && plan_of.count(j)) {
              pieces.clear();
              for (const auto& c : plan_of[j]->chunks) pieces.push_back(c.vectors);
            }
            long long first = 0;
            double psum_sent = 0, out_sent = 0;
            const double out_base = layer_out_written;
            if (j->outputs > 0 && !j->analog_out)
              layer_out_written += std::ceil(static_cast<double>(j->vectors * j->outputs) * value_bytes);
            for (std::size_t c = 0; c < pieces.size(); ++c) {
              const long long upto = first + pieces[c];
              const double done = static_cast<double>(upto) / static_cast<double>(std::max<long long>(1, j->vectors));
              // One piece of a drain: the bytes from what was sent up to `end`,
              // paced by the job's timeline (over this chunk's vectors when
              // the job drains in several).
              const auto send = [&](models::program_op op, double end, double& sent) {
                op.what = models::program_op::kind::dma;
                op.bytes = end - sent;
                sent = end;
                op.drain = timeline;
                op.drain_job = j;
                if (pieces.size() > 1) {
                  op.drain_first = first;
                  op.drain_count = pieces[c];
                }
                if (op.bytes <= 0) return;
                if (rounds_of_drains) drain_pieces.emplace_back(done, std::move(op));
                else stage.ops.push_back(std::move(op));
              };
              if (j->partial_outputs_sent > 0) {
                // Partial sums travel to the tile that owns the column block.
                models::program_op psum;
                psum.src = tile_address(j->tile);
                psum.dst = tile_address(std::max<long long>(lp.first_tile, j->tile - 1));
                psum.src_wrap = tile_bytes;
                psum.dst_wrap = tile_bytes;
                send(std::move(psum), static_cast<double>(upto * j->partial_outputs_sent) * 4.0, psum_sent);
              }
              if (j->outputs > 0 && !j->analog_out) {
                models::program_op outp;
                outp.src = tile_address(j->tile);
                outp.src_wrap = tile_bytes;
                outp.dst = lp.output.address + static_cast<unsigned long long>(out_base + out_sent);
                send(std::move(outp), std::ceil(static_cast<double>(upto * j->outputs) * value_bytes), out_sent);
              }
              first = upto;
            }
          }
        }
        std::stable_sort(drain_pieces.begin(), drain_pieces.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        for (auto& [done, op] : drain_pieces) stage.ops.push_back(std::move(op));
      }
      if (lp.element_ops > 0) {
        models::program_op relu;
        relu.what = models::program_op::kind::vector_work;
        relu.element_ops = lp.element_ops;
        stage.ops.push_back(relu);
      }
      if (lp.analog.analog_in && !lp.analog.analog_out) {
        for (const auto& w : deferred_waits) stage.ops.push_back(w);
        deferred_waits.clear();
        // This stage ends when the held chain's tiles are done: under the
        // pipeline schedule its producers' line buffers are free only then.
        for (const std::size_t producer : deferred_stages)
          if (std::none_of(stage.inputs.begin(), stage.inputs.end(),
                           [&](const models::stage_input& in) { return in.stage == producer; }))
            stage.inputs.push_back({producer, true});
        deferred_stages.clear();
      }
    } else if (lp.element_ops > 0) {
      // Element work on the controller: read the operands (and the weights
      // of a layer placed there) through the bus, work, write the result.
      for (std::size_t k = 0; k < lp.inputs.size(); ++k) {
        models::program_op rd;
        rd.what = models::program_op::kind::dma;
        rd.src = lp.inputs[k].address;
        rd.dst = lp.output.address;
        rd.bytes = k == 0 ? lp.input_bytes : lp.other_bytes;
        stage.ops.push_back(rd);
      }
      if (lp.digital_weight_bytes > 0) {
        models::program_op rd;
        rd.what = models::program_op::kind::dma;
        rd.src = dram_base;
        rd.dst = lp.output.address;
        rd.bytes = lp.digital_weight_bytes;
        stage.ops.push_back(rd);
      }
      models::program_op work;
      work.what = models::program_op::kind::vector_work;
      work.element_ops = lp.element_ops;
      stage.ops.push_back(work);
    }
    prog.stages.push_back(std::move(stage));
  }
  return prog;
}

}  // namespace mottsim::platform
