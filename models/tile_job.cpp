#include "models/tile_job.hpp"
#include "dsl/checked_arithmetic.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mottsim::models {

// Partial sums carry weight bits + input bits + log2(fan-in): 32 bits.
constexpr double partial_sum_bytes = 4.0;

using dsl::ceil_div;

namespace {

// The three stages a vector streams through, per vector (time_s left 0).
tile_job_cost stage_times(const cim_tile_params& tile, const tile_job& job) {
  tile_job_cost c;
  const auto& m = job.mapping;
  // The job's own arrays bring their ADCs, neurons and digital lanes.
  const long long arrays = std::max<long long>(1, job.crossbars);
  const double reads = static_cast<double>(m.reads_per_vector);
  const double adcs_per_array = static_cast<double>(tile.adcs_per_array());
  // One conversion per output: the neuron's, or the analog sum's.
  const bool per_output = m.analog_sum || m.neuron_used;
  if (m.neuron_used) {
    // Each neuron must stay driven until it settles, and recover (cool back
    // to ambient) before its next read; outputs beyond the tile's neuron count
    // take further passes.
    const long long neurons = std::max<long long>(1, arrays * tile.neurons_per_array());
    const double passes = static_cast<double>(ceil_div(job.outputs, neurons));
    c.read_stage_s = passes * tile.neuron_read_period_s(m.read_time_s);
  } else {
    c.read_stage_s = reads * m.read_time_s;
  }
  if (job.analog_out) {
    // Every output is sampled at once by its own S&H cell: no conversion stage.
    c.convert_stage_s = 0.0;
  } else if (per_output) {
    const long long adcs = std::max<long long>(1, arrays * tile.adcs_per_array());
    c.convert_stage_s = static_cast<double>(ceil_div(job.outputs, adcs)) / tile.adc_rate_hz;
  } else {
    // An array's ADCs scan its own columns; the busiest array sets the pace.
    c.convert_stage_s =
        reads * std::ceil(static_cast<double>(job.max_columns_per_crossbar) / adcs_per_array) / tile.adc_rate_hz;
  }
  const bool digital_relu = job.relu && !m.neuron_used && tile.has_digital_activation;
  const double digital_ops = static_cast<double>(job.digital_adds) + (digital_relu ? job.outputs : 0);
  // One adder/activation lane per array at the tile clock; shift-and-add is
  // matched to the ADC rate (as in ISAAC) and adds no stage of its own.
  c.digital_stage_s = digital_ops / (static_cast<double>(arrays) * tile.clock_hz);
  return c;
}

}  // namespace

tile_job_timeline tile_job_outputs(const cim_tile_params& tile, const tile_job& job) {
  const tile_job_cost c = stage_times(tile, job);
  tile_job_timeline t;
  t.period_s = std::max({c.read_stage_s, c.convert_stage_s, c.digital_stage_s});
  t.first_s = job.start_delay_s + c.read_stage_s + c.convert_stage_s + c.digital_stage_s;
  t.vectors = job.vectors;
  return t;
}

tile_job_cost cost_tile_job(const cim_tile_params& tile, const tile_job& job) {
  tile_job_cost c = stage_times(tile, job);
  const double v = static_cast<double>(job.vectors);
  const double stage_max = std::max({c.read_stage_s, c.convert_stage_s, c.digital_stage_s});
  const double stage_sum = c.read_stage_s + c.convert_stage_s + c.digital_stage_s;
  // Vectors stream through the three stages: one vector per slowest stage, plus
  // the fill and drain of the others.
  c.time_s = job.vectors > 0 ? job.start_delay_s + v * stage_max + (stage_sum - stage_max) : 0.0;
  c.actions = tile_job_actions(tile, job);
  return c;
}

std::map<std::string, double> tile_job_actions(const cim_tile_params& tile, const tile_job& job) {
  std::map<std::string, double> actions;
  const auto& m = job.mapping;
  const double v = static_cast<double>(job.vectors);
  const double reads = static_cast<double>(m.reads_per_vector);
  const bool per_output = m.analog_sum || m.neuron_used;
  const bool digital_relu = job.relu && !m.neuron_used && tile.has_digital_activation;
  auto add = [&](const char* name, double count) {
    if (count > 0) actions[name] += count;
  };
  // The data (docs/modelling.md, "Crossbar reads and the data"): a 0 input bit
  // drives no row and draws no cell current, and a pulse lasts its share of the
  // window, against the uniform input's half window the prices hold; the cells
  // carry the weights' mean conductance, against the G_mean the prices hold.
  const double input_share =
      tile.input == input_mode::pulse_width ? job.input_density / 0.5 : job.input_density;
  const double weight_share =
      (tile.g_min + job.weight_density * (tile.g_max - tile.g_min)) / ((tile.g_min + tile.g_max) / 2.0);
  add("mvm", v * reads * job.crossbars);
  add("cell_read", v * reads * static_cast<double>(job.active_cells) * input_share * weight_share);
  add(job.analog_in ? "analog_drive" : "input_drive",
      v * reads * static_cast<double>(job.active_rows) * (job.analog_in ? 1.0 : input_share));
  if (per_output) {
    if (m.neuron_used)
      for (const auto& action : tile.neuron_actions) add(action.c_str(), v * job.outputs);
    add(job.analog_out ? "hold_sample" : "adc_conversion", v * job.outputs);
  } else {
    add("adc_conversion", v * reads * job.active_columns);
    if (tile.has_shift_add) add("shift_add", v * reads * job.active_columns);
  }
  add("partial_sum_add", v * job.digital_adds);
  if (digital_relu) add("activation", v * job.outputs);
  const double bytes_per_value = job.activation_bits / 8.0;
  // Each crossbar reads its rows' slice of every input vector from the buffer;
  // each output (or partial sum leaving the tile) is written back once.
  // Held (analog) values skip the tile buffer both ways.
  if (!job.analog_in) add("buffer_read_bytes", v * job.active_rows * bytes_per_value);
  add("buffer_write_bytes", v * ((job.analog_out ? 0 : job.outputs) * bytes_per_value +
                                 job.partial_outputs_sent * partial_sum_bytes));
  return actions;
}

tile_job_demands tile_job_part_demands(const cim_tile_params& tile, const tile_job& job) {
  tile_job_demands d;
  const auto& m = job.mapping;
  const long long arrays = std::max<long long>(1, job.crossbars);
  const long long first = job.first_array;
  const double reads = static_cast<double>(m.reads_per_vector);
  const bool per_output = m.analog_sum || m.neuron_used;
  d.read_held = m.neuron_used;
  d.crossbar.first = first;
  d.crossbar.service_s.assign(static_cast<std::size_t>(arrays), m.neuron_used ? 0.0 : reads * m.read_time_s);
  const bool digital_relu = job.relu && !m.neuron_used && tile.has_digital_activation;
  const double digital_ops = static_cast<double>(job.digital_adds) + (digital_relu ? job.outputs : 0);
  if (digital_ops > 0) {
    d.digital.first = first;
    d.digital.service_s.assign(static_cast<std::size_t>(arrays),
                               digital_ops / (static_cast<double>(arrays) * tile.clock_hz));
  }
  // Readout groups the job's arrays fall in, and how many of its arrays each
  // serves: a group's share of the outputs is its arrays' share.
  const long long share = std::max<long long>(1, tile.readout_share);
  const long long g0 = first / share, g1 = (first + arrays - 1) / share;
  d.activation.first = d.converter.first = g0;
  for (long long g = g0; g <= g1; ++g) {
    const long long served = std::min(first + arrays, (g + 1) * share) - std::max(first, g * share);
    if (m.neuron_used) {
      // Each neuron stays driven until it settles and recovers (cools) before
      // its next read; the group's outputs beyond its neurons take more passes.
      const long long neurons = std::max<long long>(1, arrays * tile.neurons_per_array());
      const double passes = static_cast<double>(ceil_div(job.outputs * served, neurons));
      d.activation.service_s.push_back(passes * tile.neuron_read_period_s(m.read_time_s));
    }
    if (job.analog_out) continue;  // every output is sampled at once by its own S&H cell
    if (per_output) {
      const long long adcs = std::max<long long>(1, arrays * tile.adcs_per_array());
      d.converter.service_s.push_back(static_cast<double>(ceil_div(job.outputs * served, adcs)) / tile.adc_rate_hz);
    } else {
      // The bank's ADCs scan the columns of the arrays it serves, every read.
      d.converter.service_s.push_back(
          reads * static_cast<double>(ceil_div(served * job.max_columns_per_crossbar, tile.adcs_per_array())) /
          tile.adc_rate_hz);
    }
  }
  return d;
}

tile_job_cost cost_tile_jobs(const cim_tile_params& tile, const std::vector<const tile_job*>& jobs) {
  tile_job_cost total;
  for (const tile_job* j : jobs) {
    const tile_job_cost c = cost_tile_job(tile, *j);
    if (c.time_s >= total.time_s) {
      total.time_s = c.time_s;
      total.read_stage_s = c.read_stage_s;
      total.convert_stage_s = c.convert_stage_s;
      total.digital_stage_s = c.digital_stage_s;
    }
    for (const auto& [action, n] : c.actions) total.actions[action] += n;
  }
  return total;
}

std::vector<tile_job> place_layer(int layer, const layer_matrix& m, const crossbar_mapping& mapping,
                                  const cim_tile_params& tile, long long first_slot, long long& end_slot) {
  std::vector<tile_job> jobs;
  const long long per_tile = tile.arrays;
  const long long weights_per_block = mapping.usable_columns / mapping.columns_per_weight;
  long long slot = first_slot;
  auto job_for = [&](long long tile_index, long long array) -> tile_job& {
    if (jobs.empty() || jobs.back().tile != tile_index) {
      tile_job j;
      j.layer = layer;
      j.tile = tile_index;
      j.first_array = array;
      j.vectors = m.vectors;
      j.activation_bits = m.activation_bits;
      j.input_density = m.input_density;
      j.weight_density = m.weight_density;
      j.relu = m.relu;
      j.mapping = mapping;
      jobs.push_back(j);
    }
    return jobs.back();
  };
  for (long long g = 0; g < m.groups; ++g) {
    for (long long cb = 0; cb < mapping.column_blocks; ++cb) {
      const long long weights = std::min(weights_per_block, m.outputs - cb * weights_per_block);
      const long long cols = weights * mapping.columns_per_weight;
      // Analog sums need every row block of a column block in one tile: start
      // a fresh tile when the block would straddle two.
      if (mapping.analog_sum && slot % per_tile + mapping.row_blocks > per_tile) slot = (slot / per_tile + 1) * per_tile;
      long long owner = -1;
      long long previous_tile = -1;
      for (long long rb = 0; rb < mapping.row_blocks; ++rb) {
        const long long rows = std::min(tile.rows, m.fan_in - rb * tile.rows);
        const long long tile_index = slot / per_tile;
        tile_job& j = job_for(tile_index, slot % per_tile);
        ++slot;
        j.crossbars += 1;
        j.active_rows += rows;
        j.active_columns += cols;
        j.active_cells += rows * cols;
        j.max_columns_per_crossbar = std::max(j.max_columns_per_crossbar, cols);
        j.max_rows_per_crossbar = std::max(j.max_rows_per_crossbar, rows);
        j.input_fraction += static_cast<double>(rows) / static_cast<double>(m.fan_in * m.groups);
        if (owner < 0) {
          owner = tile_index;
          j.outputs += weights;
          // Digital path: slices and the differential pair merge per weight.
          if (!mapping.analog_sum && mapping.columns_per_weight > 1)
            j.digital_adds += weights * (mapping.columns_per_weight - 1);
        } else if (!mapping.analog_sum) {
          if (tile_index == owner) j.digital_adds += weights * mapping.columns_per_weight;
          else if (tile_index != previous_tile) {
            // A tile holding later row blocks sums them locally and sends one
            // partial sum per weight to the owner, which adds it.
            j.digital_adds += weights * (mapping.columns_per_weight - 1);
            j.partial_outputs_sent += weights;
            for (auto& o : jobs)
              if (o.tile == owner) o.digital_adds += weights;
          } else {
            j.digital_adds += weights * mapping.columns_per_weight;
          }
        }
        previous_tile = tile_index;
      }
    }
  }
  end_slot = slot;
  return jobs;
}

layer_span span_layer(const layer_matrix& m, const crossbar_mapping& mapping, const cim_tile_params& tile,
                      long long first_slot) {
  const long long per_tile = tile.arrays;
  layer_span s;
  s.first_slot = first_slot;
  if (!mapping.analog_sum) {
    // Crossbars take consecutive slots.
    s.end_slot = first_slot + mapping.crossbars;
  } else {
    // Blocks of row_blocks slots never straddle a tile: as many as fit in the
    // rest of the first tile, then per_tile / row_blocks on each fresh tile.
    const long long block = mapping.row_blocks;
    const long long blocks = m.groups * mapping.column_blocks;
    const long long here = (per_tile - first_slot % per_tile) / block;
    if (blocks <= here) {
      s.end_slot = first_slot + blocks * block;
    } else {
      const long long next_tile = (first_slot / per_tile + 1) * per_tile;
      if (here == 0) s.first_slot = next_tile;
      const long long rest = blocks - here, per_fresh_tile = per_tile / block;
      const long long whole = (rest - 1) / per_fresh_tile;  // fresh tiles filled before the last one
      s.end_slot = next_tile + whole * per_tile + (rest - whole * per_fresh_tile) * block;
    }
  }
  s.tiles = s.end_slot > s.first_slot ? (s.end_slot - 1) / per_tile - s.first_slot / per_tile + 1 : 0;
  return s;
}

layer_sends span_sends(const layer_matrix& m, const crossbar_mapping& mapping, const cim_tile_params& tile,
                       const layer_span& span) {
  layer_sends s;
  if (span.tiles == 0) return s;
  // Whole column blocks in every tile: each tile owns outputs, none sends
  // partial sums.
  if (mapping.analog_sum || mapping.row_blocks == 1) {
    s.output_tiles = span.tiles;
    return s;
  }
  // Column blocks of row_blocks consecutive slots from first_slot: block k
  // starts at first_slot + k x row_blocks.
  const long long per_tile = tile.arrays, rows = mapping.row_blocks, first = span.first_slot;
  const long long blocks = m.groups * mapping.column_blocks;
  // A tile owns the blocks that start in it. Blocks shorter than a tile leave
  // no tile between the first start's and the last start's without one.
  s.output_tiles = rows >= per_tile ? blocks : 1 + (first + (blocks - 1) * rows) / per_tile - first / per_tile;
  // A tile after the first holds the rest of a block begun earlier unless a
  // block starts exactly at its first slot. Starts fall on tile boundaries
  // with a period of per_tile / gcd(row_blocks, per_tile) blocks.
  const long long period = per_tile / std::gcd(rows, per_tile);
  const long long first_mod = first % per_tile, rows_mod = rows % per_tile;
  long long aligned = 0;  // blocks k >= 1 starting on a tile boundary
  for (long long k = 1; k <= period && k < blocks; ++k)
    if ((first_mod + k * rows_mod) % per_tile == 0) {
      aligned = (blocks - 1 - k) / period + 1;
      break;
    }
  s.partial_tiles = span.tiles - 1 - aligned;
  return s;
}

}  // namespace mottsim::models
