#include "platform/mapping/analog_forwarding.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "models/tile_job.hpp"

namespace mottsim::platform {

namespace {

// Readers of each layer's output: the layers that name it as input (or follow
// it without naming another) and those that add it.
std::vector<std::vector<std::size_t>> readers_of(const dsl::workload_spec& w) {
  std::vector<std::vector<std::size_t>> readers(w.layers.size());
  auto index_of = [&](const std::string& name) -> long long {
    for (std::size_t j = 0; j < w.layers.size(); ++j)
      if (w.layers[j].name == name) return static_cast<long long>(j);
    return -1;
  };
  for (std::size_t i = 0; i < w.layers.size(); ++i) {
    const auto& l = w.layers[i];
    const long long from = l.input.empty() ? static_cast<long long>(i) - 1 : index_of(l.input);
    if (from >= 0) readers[static_cast<std::size_t>(from)].push_back(i);
    if (!l.add_from.empty())
      if (const long long j = index_of(l.add_from); j >= 0) readers[static_cast<std::size_t>(j)].push_back(i);
  }
  return readers;
}

// A layer's compute time: its jobs side by side (first chunk; linked layers
// are resident, so they have one), without waiting for its own producer.
double layer_time(const network_plan& plan, const layer_plan& lp) {
  double t = 0.0;
  for (const auto& j : lp.chunk_jobs.front())
    t = std::max(t, models::cost_tile_job(plan.tile, j).time_s - j.start_delay_s);
  return t;
}

std::pair<long long, long long> tile_span(const layer_plan& lp) {
  long long lo = -1, hi = -1;
  for (const auto& j : lp.chunk_jobs.front()) {
    lo = lo < 0 ? j.tile : std::min(lo, j.tile);
    hi = std::max(hi, j.tile);
  }
  return {lo, hi};
}

std::string with_unit(double s) {
  char buf[48];
  if (s >= 1e-3) std::snprintf(buf, sizeof buf, "%.3g ms", s * 1e3);
  else if (s >= 1e-6) std::snprintf(buf, sizeof buf, "%.3g us", s * 1e6);
  else std::snprintf(buf, sizeof buf, "%.3g ns", s * 1e9);
  return buf;
}

// Why the producer's outputs cannot stay analog, or "" when they can.
std::string obstacle(const network_plan& plan, const dsl::workload_spec& w,
                     const std::vector<std::vector<std::size_t>>& readers, std::size_t p) {
  const auto& pl = plan.layers[p];
  const auto& lp = w.layers[p];
  if (p + 1 >= w.layers.size()) return "the network's output leaves the chip";
  const auto& rs = readers[p];
  const std::size_t c = p + 1;
  const auto& cl = w.layers[c];
  if (rs.empty()) return "no layer reads it";
  for (std::size_t r : rs)
    if (r != c) return "'" + w.layers[r].name + "' also reads it later (a shortcut): stored in digital";
  if (rs.size() > 1) return "'" + cl.name + "' reads it twice";
  if (!cl.is_matrix_layer())
    return "next layer '" + cl.name + "' is " + dsl::layer_kind_name(cl.kind) +
           ", done digitally by the controller on stored values";
  const auto& cp = plan.layers[c];
  if (!cp.on_tiles)
    return "next layer '" + cl.name + "' is placed on the digital unit, which works on stored values";
  if (!pl.resident || !cp.resident)
    return std::string(!pl.resident ? "it is" : "'" + cl.name + "' is") +
           " reprogrammed every inference, so the values would wait through the programming: stored in digital";
  if (lp.groups != 1 || cl.groups != 1) return "grouped layers keep per-group gains: converted";
  if (cp.mapping.reads_per_vector != 1) return "'" + cl.name + "' reads its inputs in several reads";
  const auto [p_lo, p_hi] = tile_span(pl);
  const auto [c_lo, c_hi] = tile_span(cp);
  const long long distance = std::max(std::abs(c_hi - p_lo), std::abs(p_hi - c_lo));
  if (distance > plan.tile.reach_tiles)
    return "'" + cl.name + "' sits up to " + std::to_string(distance) + " tiles away, beyond the analog reach of " +
           std::to_string(plan.tile.reach_tiles) + ": converted and moved over the bus";
  return "";
}

}  // namespace

void plan_analog_forwarding(network_plan& plan, const dsl::workload_spec& workload) {
  if (!plan.tile.has_sample_hold) return;
  const auto readers = readers_of(workload);
  for (std::size_t p = 0; p < plan.layers.size(); ++p) {
    layer_plan& pl = plan.layers[p];
    // Only an analog activation leaves a value worth holding; other layers'
    // readout paths already say how they were read.
    if (!pl.on_tiles || !pl.mapping.neuron_used) continue;
    if (const std::string why = obstacle(plan, workload, readers, p); !why.empty()) {
      pl.analog.note += "; converted by the ADC: " + why;
      continue;
    }
    const std::size_t c = p + 1;
    layer_plan& cp = plan.layers[c];
    const auto& cl = workload.layers[c];
    const auto& pw = workload.layers[p];
    analog_link link;
    // The consumer's windows slide over the producer's map in raster order: a
    // value is held from its sampling until the last window over it is read.
    const long long producer_positions = pw.out_shape.height * pw.out_shape.width;
    if (cl.kind == dsl::layer_kind::conv2d)
      link.line_positions = std::min(producer_positions, (cl.kernel_h - 1) * cl.dilation_h * cl.in_shape.width +
                                                             (cl.kernel_w - 1) * cl.dilation_w + 1);
    else
      link.line_positions = producer_positions;  // a linear layer reads the whole vector at once
    link.line_values = link.line_positions * cl.in_shape.channels;
    link.samples = pw.out_shape.elements();
    const long long cells = plan.tile.hold_cells * std::max<long long>(1, cp.tiles);
    if (link.line_values > cells) {
      pl.analog.note += "; converted by the ADC: the line buffer of '" + cl.name + "' needs " +
                       std::to_string(link.line_values) + " held values, more than the " + std::to_string(cells) +
                       " S&H cells of its " + std::to_string(cp.tiles) + " tile(s)";
      continue;
    }

    // The consumer reads held values in one analog read: row buffers settle,
    // then the read pulse.
    const double analog_read_s = plan.tile.buffer_settling_s + plan.tile.read_pulse_s;
    cp.mapping.read_time_s = analog_read_s;
    for (auto& chunk : cp.chunk_jobs)
      for (auto& j : chunk) {
        j.mapping.read_time_s = analog_read_s;
        j.analog_in = true;
      }
    for (auto& chunk : pl.chunk_jobs)
      for (auto& j : chunk) j.analog_out = true;

    // Pace: the producer emits a position every T_P / positions; the consumer
    // takes one every T_C / positions. Held values wait at the slower pace.
    const double producer_s = layer_time(plan, pl);
    const double consumer_s = layer_time(plan, cp);
    const double positions = static_cast<double>(producer_positions);
    const double pace = std::max(producer_s, consumer_s) / positions;
    link.fill_s = static_cast<double>(link.line_positions) * producer_s / positions;
    link.hold_s = static_cast<double>(link.line_positions) * pace;
    // A chain of held layers starts together (under either schedule, the
    // consumer's stage follows its producer's issue): each consumer waits for
    // its producer's own start and then for the fill.
    double producer_delay = 0.0;
    for (const auto& j : pl.chunk_jobs.front()) producer_delay = std::max(producer_delay, j.start_delay_s);
    for (auto& chunk : cp.chunk_jobs)
      for (auto& j : chunk) j.start_delay_s = producer_delay + link.fill_s;

    pl.analog.analog_out = true;
    pl.analog.consumer = static_cast<int>(c);
    pl.analog.note += "; held in S&H for '" + cl.name + "' (no ADC): a line buffer of " +
                      std::to_string(link.line_values) + " values (" + std::to_string(link.line_positions) +
                      (link.line_positions == 1 ? " position" : " positions") + " x " +
                      std::to_string(cl.in_shape.channels) + " channels), each held up to " +
                      with_unit(link.hold_s) + "; runs alongside '" + cl.name + "', whose time includes this layer's";
    link.analog_in = true;
    link.producer = static_cast<int>(p);
    link.note = "; inputs held in S&H by '" + pw.name + "' and driven by analog row buffers (no DAC), one " +
                with_unit(analog_read_s) + " read, starting " + with_unit(link.fill_s) + " into '" + pw.name +
                "' (line buffer fill)";
    cp.analog = link;
  }
}

}  // namespace mottsim::platform
