#include "reports/trace_json.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace mottsim::reports {

namespace {

using nlohmann::ordered_json;

// Names come from the user's YAML: never let a stray byte abort the report.
std::string dump(const ordered_json& value) {
  return value.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

// Simulated seconds -> whole picoseconds, so that rounding is monotonic:
// an interval starting where another ends starts at or after its rounded end.
long long picoseconds(double seconds) { return std::llround(seconds * 1e12); }

// Whole picoseconds as exact decimal microseconds ("1602.42856"), written by
// hand: a large network's trace has tens of thousands of events.
void append_microseconds(std::string& out, long long ps) {
  if (ps < 0) {
    out += '-';
    ps = -ps;
  }
  out += std::to_string(ps / 1000000);
  long long fraction = ps % 1000000;
  if (fraction == 0) return;
  char digits[8];
  std::snprintf(digits, sizeof digits, "%06lld", fraction);
  std::string text(digits);
  text.erase(text.find_last_not_of('0') + 1);
  out += '.';
  out += text;
}

std::string layer_name(const run_trace& t, int layer) {
  if (layer == programming_layer) return "weight programming";
  if (layer >= 0 && static_cast<std::size_t>(layer) < t.layer_names.size())
    return t.layer_names[static_cast<std::size_t>(layer)];
  return "other work";
}

// One event to write: a run of intervals of one resource.
struct busy_event {
  long long start_ps = 0;
  long long end_ps = 0;
  long long busy_ps = 0;
  int layer = -1;  // -3: several layers
  std::size_t intervals = 0;
};

constexpr int several_layers = -3;

// Groups a track's intervals into at most about `cap` events: intervals whose
// starts fall in the same slice of the track's time span share an event.
// Weight programming never shares an event with inference work, so busy time
// per phase stays exact.
std::vector<busy_event> coalesce(const std::vector<busy_interval>& intervals, std::size_t cap) {
  std::vector<busy_event> events;
  if (intervals.empty()) return events;
  const bool merge = intervals.size() > cap;
  const double t0 = intervals.front().start_s;
  const double span = intervals.back().end_s - t0;
  const double slice = merge && cap > 0 ? span / static_cast<double>(cap) : 0.0;
  long long current_slice = -1;
  for (const auto& iv : intervals) {
    const long long s = slice > 0 ? static_cast<long long>((iv.start_s - t0) / slice) : 0;
    const long long start = picoseconds(iv.start_s), end = picoseconds(iv.end_s);
    const bool programming = iv.layer == programming_layer;
    const bool joins = merge && !events.empty() && s == current_slice &&
                       (events.back().layer == programming_layer) == programming;
    if (joins) {
      busy_event& e = events.back();
      e.end_ps = end;
      e.busy_ps += end - start;
      if (e.layer != iv.layer) e.layer = several_layers;
      ++e.intervals;
    } else {
      events.push_back({start, end, end - start, iv.layer, 1});
      current_slice = s;
    }
  }
  return events;
}

// How many events each track may write: the budget shared out so that small
// tracks keep every interval and the rest split what is left evenly.
std::vector<std::size_t> caps_for(const run_trace& t, std::size_t budget) {
  std::vector<std::size_t> order(t.tracks.size()), caps(t.tracks.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return t.tracks[a].intervals.size() < t.tracks[b].intervals.size(); });
  std::size_t left = budget, tracks_left = order.size();
  for (std::size_t i : order) {
    const std::size_t share = std::max<std::size_t>(1, left / tracks_left);
    caps[i] = std::min(t.tracks[i].intervals.size(), share);
    left -= std::min(left, caps[i]);
    --tracks_left;
  }
  return caps;
}

ordered_json metadata(const char* what, int pid, int tid, const ordered_json& args) {
  ordered_json e;
  e["name"] = what;
  e["ph"] = "M";
  e["pid"] = pid;
  e["tid"] = tid;
  e["args"] = args;
  return e;
}

// A complete event ("ph": "X"); `name` already a JSON string.
std::string complete(const std::string& name, const char* category, int pid, int tid, long long start_ps,
                     long long end_ps) {
  std::string e = "{\"name\":" + name + ",\"cat\":\"" + category + "\",\"ph\":\"X\",\"ts\":";
  append_microseconds(e, start_ps);
  e += ",\"dur\":";
  append_microseconds(e, end_ps - start_ps);
  e += ",\"pid\":" + std::to_string(pid) + ",\"tid\":" + std::to_string(tid);
  return e;  // without its closing brace, so that args can follow
}

}  // namespace

std::string to_trace_json(const run_result& r, std::size_t event_budget) {
  const run_trace& t = r.trace;
  std::string out = "{\"traceEvents\":[\n";
  bool first = true;
  const auto emit_text = [&](const std::string& e) {
    if (!first) out += ",\n";
    first = false;
    out += e;
  };
  const auto emit = [&](const ordered_json& e) { emit_text(dump(e)); };

  // Process 0: the schedule, one thread per layer (stages of a pipeline overlap).
  emit(metadata("process_name", 0, 0, {{"name", "schedule (" + r.schedule + ")"}}));
  emit(metadata("process_sort_index", 0, 0, {{"sort_index", 0}}));
  std::vector<bool> named(t.layer_names.size() + 1, false);
  for (const auto& s : t.stages) {
    const int tid = s.layer == programming_layer ? 0 : s.layer + 1;
    if (tid < 0) continue;
    if (static_cast<std::size_t>(tid) < named.size() && !named[static_cast<std::size_t>(tid)]) {
      named[static_cast<std::size_t>(tid)] = true;
      emit(metadata("thread_name", 0, tid, {{"name", layer_name(t, s.layer)}}));
      emit(metadata("thread_sort_index", 0, tid, {{"sort_index", tid}}));
    }
    emit_text(complete(dump(layer_name(t, s.layer)), "stage", 0, tid, picoseconds(s.start_s),
                       picoseconds(s.end_s)) +
              "}");
  }

  // One process per component, one thread per resource. Layer names are
  // user text: escaped once, as JSON strings.
  std::vector<std::string> quoted_names;
  for (std::size_t l = 0; l < t.layer_names.size(); ++l)
    quoted_names.push_back(dump(t.layer_names[l]));
  const auto quoted_layer = [&](int layer) {
    return layer >= 0 && static_cast<std::size_t>(layer) < quoted_names.size()
               ? quoted_names[static_cast<std::size_t>(layer)]
               : dump(layer_name(t, layer));
  };
  const auto caps = caps_for(t, event_budget);
  std::size_t recorded = 0, written = 0, merged_tracks = 0;
  int pid = 0;
  std::string previous;
  int tid = 0;
  for (std::size_t i = 0; i < t.tracks.size(); ++i) {
    const trace_track& track = t.tracks[i];
    if (track.component != previous || i == 0) {
      previous = track.component;
      ++pid;
      tid = 0;
      emit(metadata("process_name", pid, 0, {{"name", track.component + " (" + track.type + ")"}}));
      emit(metadata("process_sort_index", pid, 0, {{"sort_index", pid}}));
    }
    ++tid;
    emit(metadata("thread_name", pid, tid, {{"name", track.label}}));
    emit(metadata("thread_sort_index", pid, tid, {{"sort_index", tid}}));
    const auto events = coalesce(track.intervals, caps[i]);
    recorded += track.intervals.size();
    written += events.size();
    if (events.size() < track.intervals.size()) ++merged_tracks;
    for (const auto& e : events) {
      const bool programming = e.layer == programming_layer;
      std::string x = complete(e.layer == several_layers ? std::string("\"several layers\"") : quoted_layer(e.layer),
                               programming ? "programming" : "busy", pid, tid, e.start_ps, e.end_ps);
      if (e.intervals > 1) {
        x += ",\"args\":{\"busy_us\":";
        append_microseconds(x, e.busy_ps);
        x += ",\"intervals\":" + std::to_string(e.intervals) + "}";
      }
      emit_text(x + "}");
    }
  }

  ordered_json other;
  other["generator"] = "mottsim " + r.provenance.version;
  other["architecture"] = r.architecture;
  other["workload"] = r.workload;
  other["config_hash"] = r.provenance.config_hash;
  other["time"] = "simulated time; weight programming (category 'programming') comes before the inference";
  if (r.pipeline.inferences > 0) {
    // The pipeline schedule simulates K inferences; report.json gives busy
    // times per inference.
    other["inferences"] = r.pipeline.inferences;
    other["time"] = "simulated time; weight programming (category 'programming') comes before the " +
                    std::to_string(r.pipeline.inferences) +
                    " inferences of the pipeline, whose busy periods are all here (report.json's busy_s is per "
                    "inference)";
  }
  other["recorded_busy_intervals"] = recorded;
  other["busy_events"] = written;
  other["event_budget"] = event_budget;
  other["note"] = merged_tracks == 0
                      ? std::string("every busy event is one busy period of its resource (back-to-back work of the "
                                    "same layer recorded as one period)")
                      : std::to_string(merged_tracks) + " resources recorded more busy periods than their share of the " +
                            std::to_string(event_budget) +
                            "-event budget: their neighbouring periods were merged into events that span them; such "
                            "an event's args.busy_us is the busy time inside it and args.intervals how many periods "
                            "it merged";
  out += "\n],\n\"displayTimeUnit\":\"ns\",\n\"otherData\":" + dump(other) + "}\n";
  return out;
}

}  // namespace mottsim::reports
