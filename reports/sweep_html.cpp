// render_sweep_html (declared in html_report.hpp): the sweep's report.html.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "reports/html_page.hpp"
#include "reports/html_report.hpp"
#include "reports/markdown_summary.hpp"

namespace mottsim::reports {

namespace {

using nlohmann::json;

// The sweep document is written by another mottsim command and may be cut
// short (a point failed, a metric is absent): every lookup has a fallback.
std::string text_of(const json& j, const char* key) {
  if (!j.is_object()) return {};
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool number_of(const json& j, const std::string& key, double& out) {
  if (!j.is_object()) return false;
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return false;
  out = it->get<double>();
  return std::isfinite(out);
}

// A parameter value as a person reads it.
std::string value_text(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// A row's value of each parameter, "-" where it has none.
std::vector<std::string> parameter_values(const json& row, const std::vector<std::string>& parameters) {
  const json params = row.contains("params") ? row["params"] : json::object();
  std::vector<std::string> values;
  for (const auto& p : parameters)
    values.push_back(params.is_object() && params.contains(p) ? value_text(params[p]) : std::string("-"));
  return values;
}

// "energy_j" -> unit "J" (for SI formatting) and title "energy (J)".
struct metric_info {
  std::string key;
  std::string title;
  std::string unit;  // empty: a plain number
};

metric_info describe(const std::string& key) {
  static const std::vector<std::pair<std::string, std::string>> suffixes{
      {"_j", "J"}, {"_s", "s"}, {"_mm2", "mm²"}, {"_ips", "inferences/s"}, {"_db", "dB"}};
  for (const auto& [suffix, unit] : suffixes)
    if (key.size() > suffix.size() && key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0) {
      std::string name = key.substr(0, key.size() - suffix.size());
      std::replace(name.begin(), name.end(), '_', ' ');
      return {key, name + " (" + unit + ")", unit == "J" || unit == "s" ? unit : std::string()};
    }
  std::string name = key;
  std::replace(name.begin(), name.end(), '_', ' ');
  return {key, name, {}};
}

std::string format_metric(const metric_info& m, double v) {
  if (!m.unit.empty()) return si(v, m.unit.c_str());
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

// The two metrics the scatter plots: the first two objectives, or the one
// objective against latency or energy.
std::pair<std::string, std::string> plotted_metrics(const json& doc) {
  std::vector<std::string> keys;
  if (doc.contains("objectives") && doc["objectives"].is_array())
    for (const auto& o : doc["objectives"]) {
      const std::string k = text_of(o, "metric");
      if (!k.empty() && std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
    }
  if (keys.empty()) keys.push_back("energy_j");
  if (keys.size() == 1) keys.push_back(keys.front() == "latency_s" ? "energy_j" : "latency_s");
  return {keys[0], keys[1]};
}

// A log scale when the values are positive and span more than a decade and a half.
json scale_for(const std::vector<double>& values) {
  if (values.empty()) return {{"zero", false}};
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  if (*lo > 0 && *hi / *lo > 30.0) return {{"type", "log"}};
  return {{"zero", false}};
}

}  // namespace

std::string render_sweep_html(const json& doc) {
  html_page page;
  const std::string name = text_of(doc, "name");
  page.title = "Sweep " + (name.empty() ? std::string("(unnamed)") : name);
  page.subtitle = "mottsim sweep, " + (text_of(doc, "mode").empty() ? "perf" : text_of(doc, "mode")) + " mode";

  std::vector<std::string> parameters;
  if (doc.contains("parameters") && doc["parameters"].is_array())
    for (const auto& p : doc["parameters"])
      if (p.is_string()) parameters.push_back(p.get<std::string>());
  std::set<std::string> pareto;
  if (doc.contains("pareto_ids") && doc["pareto_ids"].is_array())
    for (const auto& id : doc["pareto_ids"])
      if (id.is_string()) pareto.insert(id.get<std::string>());
  const json rows = doc.contains("rows") && doc["rows"].is_array() ? doc["rows"] : json::array();
  // The sweep takes one front per workload; the page says so when there are
  // several, and draws and lists each workload's front apart.
  std::set<std::string> finished_workloads;
  for (const auto& row : rows)
    if (text_of(row, "status") == "ok") finished_workloads.insert(text_of(row, "workload"));
  const bool per_workload = text_of(doc, "pareto_per") == "workload";
  const bool several_fronts = per_workload && finished_workloads.size() > 1;

  const auto [x_key, y_key] = plotted_metrics(doc);
  const metric_info x_metric = describe(x_key), y_metric = describe(y_key);

  // Parameter paths hold dots, which Vega-Lite reads as nested fields: the
  // points carry them as p0, p1, ... titled with the path.
  std::map<std::string, long> by_status;
  std::set<std::string> workloads;
  json points = json::array();
  std::vector<double> xs, ys;
  std::vector<std::pair<double, const json*>> pareto_rows;  // x, row
  for (const auto& row : rows) {
    const std::string status = text_of(row, "status");
    ++by_status[status.empty() ? "unknown" : status];
    if (status != "ok") continue;
    const json metrics = row.contains("metrics") ? row["metrics"] : json::object();
    double x = 0, y = 0;
    if (!number_of(metrics, x_key, x) || !number_of(metrics, y_key, y)) continue;
    json p = {{"id", text_of(row, "id")},
              {"architecture", text_of(row, "architecture")},
              {"workload", text_of(row, "workload")},
              {"x", x},
              {"y", y},
              {"pareto", pareto.count(text_of(row, "id")) > 0}};
    const auto values = parameter_values(row, parameters);
    for (std::size_t i = 0; i < values.size(); ++i) p["p" + std::to_string(i)] = values[i];
    workloads.insert(text_of(row, "workload"));
    xs.push_back(x);
    ys.push_back(y);
    if (p["pareto"].get<bool>()) pareto_rows.emplace_back(x, &row);
    points.push_back(std::move(p));
  }

  page.headline.emplace_back("points", std::to_string(rows.size()));
  for (const auto& [status, n] : by_status) page.headline.emplace_back(status, std::to_string(n));
  page.headline.emplace_back(several_fronts ? "on the Pareto fronts (one per workload)" : "on the Pareto front",
                             std::to_string(pareto.size()));
  std::string goals;
  if (doc.contains("objectives") && doc["objectives"].is_array())
    for (const auto& o : doc["objectives"])
      goals += (goals.empty() ? "" : ", ") + text_of(o, "goal") + " " + text_of(o, "metric");
  if (!goals.empty()) page.headline.emplace_back("objectives", goals);

  if (!points.empty()) {
    const std::string colour = workloads.size() > 1 ? "workload" : "architecture";
    json tooltip = json::array({{{"field", "id"}, {"type", "nominal"}},
                                {{"field", "architecture"}, {"type", "nominal"}},
                                {{"field", "workload"}, {"type", "nominal"}},
                                {{"field", "x"}, {"type", "quantitative"}, {"title", x_metric.title}, {"format", ".4~s"}},
                                {{"field", "y"}, {"type", "quantitative"}, {"title", y_metric.title}, {"format", ".4~s"}},
                                {{"field", "pareto"}, {"type", "nominal"}, {"title", "on the Pareto front"}}});
    for (std::size_t i = 0; i < parameters.size(); ++i)
      tooltip.push_back({{"field", "p" + std::to_string(i)}, {"type", "nominal"}, {"title", parameters[i]}});
    const json x = {{"field", "x"},
                    {"type", "quantitative"},
                    {"title", x_metric.title},
                    {"scale", scale_for(xs)},
                    {"axis", {{"format", "~s"}}}};
    const json y = {{"field", "y"},
                    {"type", "quantitative"},
                    {"title", y_metric.title},
                    {"scale", scale_for(ys)},
                    {"axis", {{"format", "~s"}}}};
    const json on_front = {{"filter", "datum.pareto"}};
    json all_points = {{"mark", {{"type", "point"}, {"filled", true}, {"size", 50}, {"opacity", 0.55}}},
                       {"encoding",
                        {{"x", x},
                         {"y", y},
                         {"color", {{"field", colour}, {"type", "nominal"}}},
                         {"tooltip", tooltip}}}};
    json front_line = {{"transform", json::array({on_front})},
                       {"mark", {{"type", "line"}, {"color", "#222"}, {"strokeWidth", 1.5}}},
                       {"encoding", {{"x", x}, {"y", y}, {"order", {{"field", "x"}, {"type", "quantitative"}}}}}};
    // One line per front: never one joining the fronts of two workloads.
    if (per_workload) front_line["encoding"]["detail"] = {{"field", "workload"}, {"type", "nominal"}};
    json front_points = {
        {"transform", json::array({on_front})},
        {"mark", {{"type", "point"}, {"shape", "diamond"}, {"size", 140}, {"color", "#222"}, {"strokeWidth", 2}}},
        {"encoding", {{"x", x}, {"y", y}, {"tooltip", tooltip}}}};
    json layers = json::array({all_points});
    if (!pareto_rows.empty()) {
      layers.push_back(front_line);
      layers.push_back(front_points);
    }
    json chart = {{"data", {{"values", points}}}, {"width", 640}, {"height", 420}, {"layer", layers}};
    const std::string front_text =
        several_fronts ? "; each workload has its own Pareto front (black diamonds, connected): the points no other "
                         "point of the same workload beats on every objective (points of different workloads are "
                         "never compared)"
                       : "; the Pareto front (black diamonds, connected) is the set no other point beats on every "
                         "objective";
    page.sections.push_back({x_metric.title + " against " + y_metric.title,
                             "Every point that finished, coloured by " + colour + front_text +
                                 ". Hover a point for its parameters.",
                             chart, {}});
  } else {
    page.sections.push_back({"No points to plot",
                             "No point of the sweep finished with both " + x_key + " and " + y_key + ".", nullptr, {}});
  }

  html_table front;
  front.header = {"id", "architecture", "workload"};
  for (const auto& p : parameters) front.header.push_back(p);
  const std::vector<std::string> metric_keys{"latency_s",        "energy_j",    "area_mm2", "throughput_ips",
                                             "energy_per_mac_j", "accuracy_top1", "psnr_db"};
  std::vector<std::string> shown;
  for (const auto& k : metric_keys)
    for (const auto& on_front : pareto_rows) {
      const json* row = on_front.second;
      double v = 0;
      if (row->contains("metrics") && number_of((*row)["metrics"], k, v)) {
        shown.push_back(k);
        break;
      }
    }
  for (const auto& k : shown) front.header.push_back(describe(k).title);
  // Each workload's front together (workloads in name order), along x.
  std::sort(pareto_rows.begin(), pareto_rows.end(), [&](const auto& a, const auto& b) {
    const std::string wa = several_fronts ? text_of(*a.second, "workload") : std::string();
    const std::string wb = several_fronts ? text_of(*b.second, "workload") : std::string();
    return wa != wb ? wa < wb : a.first < b.first;
  });
  for (const auto& on_front : pareto_rows) {
    const json* row = on_front.second;
    std::vector<std::string> cells{text_of(*row, "id"), text_of(*row, "architecture"), text_of(*row, "workload")};
    for (auto& v : parameter_values(*row, parameters)) cells.push_back(std::move(v));
    for (const auto& k : shown) {
      double v = 0;
      cells.push_back(number_of((*row)["metrics"], k, v) ? format_metric(describe(k), v) : std::string("-"));
    }
    front.rows.push_back(std::move(cells));
  }
  page.sections.push_back({several_fronts ? "Pareto points, per workload" : "Pareto points",
                           pareto_rows.empty() ? "No finished point is on the Pareto front."
                           : several_fronts    ? "One front per workload: a point is compared only with points of "
                                                 "its own workload."
                                               : "",
                           nullptr, front});
  page.footnotes.push_back("Schema " + text_of(doc, "schema") + ".");
  return render_html_page(page);
}

}  // namespace mottsim::reports
