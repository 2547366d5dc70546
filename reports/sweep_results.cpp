#include "reports/sweep_results.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "reports/pareto.hpp"
#include "reports/text_escape.hpp"

namespace mottsim::reports {

using nlohmann::ordered_json;

std::map<std::string, double> metrics_from_report(const std::string& report_json, std::string& config_hash) {
  const auto j = nlohmann::json::parse(report_json, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("totals") || !j.contains("provenance"))
    throw std::runtime_error("not a mottsim report");
  const auto& t = j.at("totals");
  std::map<std::string, double> m;
  for (const char* key : {"latency_s", "energy_j", "area_mm2", "throughput_ips", "edp_js", "tops_per_w"})
    m[key] = t.at(key).get<double>();
  const double macs = t.at("macs").get<double>();
  m["energy_per_mac_j"] = macs > 0 ? m["energy_j"] / macs : NAN;
  if (const auto a = j.find("accuracy"); a != j.end() && a->contains("top1"))
    m["accuracy_top1"] = a->at("top1").get<double>();
  if (const auto q = j.find("quality"); q != j.end()) {
    if (q->contains("psnr_db")) m["psnr_db"] = q->at("psnr_db").get<double>();
    if (q->contains("ssim")) m["ssim"] = q->at("ssim").get<double>();
  }
  // The interval over the run's chips, where it has two or more.
  if (const auto c = j.find("chips"); c != j.end() && c->is_object() && c->contains("metrics"))
    for (const auto& [figure, name] : {std::pair<const char*, const char*>{"top1", "accuracy_top1"},
                                       {"psnr_db", "psnr_db"}, {"ssim", "ssim"}}) {
      const auto f = c->at("metrics").find(figure);
      if (f == c->at("metrics").end()) continue;
      for (const char* end : {"ci95_low", "ci95_high"})
        if (f->contains(end) && f->at(end).is_number()) m[std::string(name) + "_" + end] = f->at(end).get<double>();
    }
  config_hash = j.at("provenance").value("config_hash", "");
  return m;
}

namespace {

ordered_json param_value(const std::string& text) {
  double v = 0;
  const char* end = text.data() + text.size();
  const auto r = std::from_chars(text.data(), end, v);
  if (!text.empty() && r.ec == std::errc() && r.ptr == end && std::isfinite(v)) {
    // Whole numbers stay integers in JSON ("64", not "64.0").
    long long i = 0;
    const auto ri = std::from_chars(text.data(), end, i);
    if (ri.ec == std::errc() && ri.ptr == end) return i;
    return v;
  }
  return text;
}

ordered_json params_json(const sweep_row& r) {
  ordered_json p = ordered_json::object();
  for (const auto& [k, v] : r.params) p[k] = param_value(v);
  return p;
}

std::string value_text(const ordered_json& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

// NaN and infinities are not JSON: written as null.
ordered_json number(double v) { return std::isfinite(v) ? ordered_json(v) : ordered_json(nullptr); }

ordered_json row_json(const sweep_row& r) {
  ordered_json o;
  o["id"] = r.id;
  o["index"] = r.index;
  o["architecture"] = r.architecture;
  o["workload"] = r.workload;
  o["params"] = params_json(r);
  o["status"] = r.status;
  o["error"] = r.error;
  ordered_json m = ordered_json::object();
  for (const auto& [k, v] : r.metrics) m[k] = number(v);
  o["metrics"] = m;
  o["config_hash"] = r.config_hash;
  return o;
}

std::string csv_number(double v) {
  if (!std::isfinite(v)) return "";
  std::ostringstream o;
  o.precision(17);
  o << v;
  return o.str();
}

}  // namespace

std::string row_to_json_line(const sweep_row& row) { return row_json(row).dump(); }

sweep_row row_from_json_line(const std::string& line) {
  const auto j = ordered_json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw std::runtime_error("not a JSON object");
  sweep_row r;
  try {
    r.id = j.at("id").get<std::string>();
    r.index = j.at("index").get<std::size_t>();
    r.architecture = j.at("architecture").get<std::string>();
    r.workload = j.at("workload").get<std::string>();
    for (const auto& [k, v] : j.at("params").items()) r.params.emplace_back(k, value_text(v));
    r.status = j.at("status").get<std::string>();
    r.error = j.at("error").get<std::string>();
    for (const auto& [k, v] : j.at("metrics").items()) r.metrics[k] = v.is_null() ? NAN : v.get<double>();
    r.config_hash = j.at("config_hash").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("not a sweep row: ") + e.what());
  }
  // A row's status is one the sweep writes, and a point that ran has its
  // figures: a hand-edited row would otherwise count, or sit on a front,
  // with nothing behind it.
  static const std::set<std::string> statuses = {"ok", "dropped", "failed", "timeout", retry_status};
  if (!statuses.count(r.status))
    throw std::runtime_error("status '" + r.status + "' is none a sweep writes (ok, dropped, failed, timeout, retry)");
  if ((r.status == "ok" || r.status == "dropped") && r.metrics.empty())
    throw std::runtime_error("a point recorded as " + r.status + " has no metrics");
  return r;
}

bool same_point(const sweep_row& a, const sweep_row& b) {
  // nlohmann's ordered_json reads keys back in file order, so order matters
  // as it should: the sweep writes parameters in its own order.
  return a.id == b.id && a.index == b.index && a.architecture == b.architecture && a.workload == b.workload &&
         params_json(a) == params_json(b);
}

std::vector<std::string> pareto_ids(const sweep_table& t) {
  std::vector<std::string> ids;
  if (t.objectives.empty()) return ids;
  std::vector<bool> maximize;
  for (const auto& o : t.objectives) maximize.push_back(o.maximize);
  // One front per workload: a point of a small network beats every point of
  // a large one on energy and latency alike, which says nothing about which
  // design is better for either network.
  std::map<std::string, std::vector<const sweep_row*>> by_workload;
  for (const auto& r : t.rows)
    if (r.status == "ok") by_workload[r.workload].push_back(&r);
  std::vector<const sweep_row*> front;
  for (const auto& [workload, candidates] : by_workload) {
    std::vector<std::vector<double>> points;
    for (const sweep_row* r : candidates) {
      std::vector<double> p;
      for (const auto& o : t.objectives) {
        const auto it = r->metrics.find(o.metric);
        p.push_back(it == r->metrics.end() ? NAN : it->second);
      }
      points.push_back(std::move(p));
    }
    for (const std::size_t i : pareto_front(points, maximize)) front.push_back(candidates[i]);
  }
  // In the rows' order (these point into t.rows), the workloads' fronts interleaved.
  std::sort(front.begin(), front.end());
  for (const sweep_row* r : front) ids.push_back(r->id);
  return ids;
}

std::string rows_to_csv(const sweep_table& t, const std::vector<sweep_row>& rows) {
  std::string out = "id,index,architecture,workload";
  for (const auto& p : t.parameters) out += "," + csv_cell(p);
  out += ",status,error";
  for (const auto& m : t.metrics) out += "," + m;
  out += ",config_hash\n";
  for (const auto& r : rows) {
    out += csv_cell(r.id) + "," + std::to_string(r.index) + "," + csv_cell(r.architecture) + "," +
           csv_cell(r.workload);
    for (const auto& p : t.parameters) {
      std::string v;
      for (const auto& [k, x] : r.params)
        if (k == p) v = x;
      out += "," + csv_cell(v);
    }
    out += "," + csv_cell(r.status) + "," + csv_cell(r.error);
    for (const auto& m : t.metrics) {
      const auto it = r.metrics.find(m);
      out += "," + (it == r.metrics.end() ? std::string() : csv_number(it->second));
    }
    out += "," + csv_cell(r.config_hash) + "\n";
  }
  return out;
}

ordered_json sweep_to_json(const sweep_table& t, const std::vector<std::string>& pareto) {
  ordered_json j;
  j["schema"] = "mottsim.sweep/1";
  j["name"] = t.name;
  j["mode"] = t.mode;
  ordered_json objectives = ordered_json::array();
  for (const auto& o : t.objectives)
    objectives.push_back({{"metric", o.metric}, {"goal", o.maximize ? "maximize" : "minimize"}});
  j["objectives"] = objectives;
  j["parameters"] = t.parameters;
  ordered_json rows = ordered_json::array();
  for (const auto& r : t.rows) rows.push_back(row_json(r));
  j["rows"] = rows;
  // How pareto_ids was taken: each workload's points among themselves.
  j["pareto_per"] = "workload";
  j["pareto_ids"] = pareto;
  return j;
}

}  // namespace mottsim::reports
