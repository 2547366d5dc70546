#include "reports/compare_report.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include "reports/markdown_summary.hpp"
#include "reports/text_escape.hpp"

namespace mottsim::reports {

using nlohmann::ordered_json;

compare_entry entry_from_report(const std::string& report_json) {
  const auto j = nlohmann::json::parse(report_json, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("totals") || !j.contains("energy_by_category"))
    throw std::runtime_error("not a mottsim report");
  compare_entry e;
  if (const auto it = j.find("architecture"); it != j.end())
    if (const auto* name = it->get_ptr<const std::string*>()) e.architecture = *name;
  if (const auto it = j.find("schedule"); it != j.end())
    if (const auto* schedule = it->get_ptr<const std::string*>()) e.schedule = *schedule;
  const auto& t = j.at("totals");
  e.latency_s = t.at("latency_s").get<double>();
  e.throughput_ips = t.at("throughput_ips").get<double>();
  e.energy_j = t.at("energy_j").get<double>();
  e.area_mm2 = t.at("area_mm2").get<double>();
  e.edp_js = t.at("edp_js").get<double>();
  e.tops = t.at("tops").get<double>();
  e.tops_per_w = t.at("tops_per_w").get<double>();
  e.tops_per_mm2 = t.at("tops_per_mm2").get<double>();
  e.macs = t.at("macs").get<long long>();
  for (const auto& [key, value] : j.at("energy_by_category").items()) {
    std::string category = key;
    if (category.size() > 2 && category.compare(category.size() - 2, 2, "_j") == 0)
      category.resize(category.size() - 2);
    e.energy_by_category_j[category] = value.get<double>();
  }
  // Functional figures: the means, and the intervals of the chips.
  const auto number = [](const nlohmann::json& v) { return v.is_number() ? v.get<double>() : NAN; };
  for (const char* block : {"accuracy", "quality"})
    if (const auto it = j.find(block); it != j.end() && it->is_object())
      for (const auto& [key, value] : it->items()) e.functional[key].mean = number(value);
  if (const auto chips = j.find("chips"); chips != j.end() && chips->is_object()) {
    e.chips = chips->value("count", 0LL);
    if (const auto m = chips->find("metrics"); m != chips->end() && m->is_object())
      for (const auto& [key, value] : m->items()) {
        auto& f = e.functional[key];
        f.ci_low = number(value.value("ci95_low", nlohmann::json()));
        f.ci_high = number(value.value("ci95_high", nlohmann::json()));
      }
  }
  return e;
}

const std::vector<std::pair<std::string, std::vector<std::string>>>& energy_groups() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> groups{
      {"compute_crossbar", {"compute", "crossbar"}},
      {"converters", {"adc", "input_drivers"}},
      {"activation_neurons", {"neurons", "accumulation"}},
      {"on_chip_memory", {"buffers"}},
      {"bus", {"bus"}},
      {"dram", {"dram"}},
      {"leakage", {"leakage"}},
  };
  return groups;
}

std::map<std::string, double> grouped_energy(const compare_entry& e) {
  std::map<std::string, double> out;
  for (const auto& [group, categories] : energy_groups()) out[group] = 0.0;
  for (const auto& [category, joules] : e.energy_by_category_j) {
    std::string home = "other";
    for (const auto& [group, categories] : energy_groups())
      for (const auto& c : categories)
        if (c == category) home = group;
    out[home] += joules;
  }
  return out;
}

double ratio(double value, double reference) { return reference != 0.0 ? value / reference : std::nan(""); }

std::string ratio_text(double r) { return std::isnan(r) ? "-" : num(r) + " x"; }

namespace {

const compare_metric metric_table[] = {
    {"latency_s", "latency", "latency", "s", [](const compare_entry& e) { return e.latency_s; }},
    {"throughput_ips", "throughput", "throughput (inferences/s)", "", [](const compare_entry& e) { return e.throughput_ips; }},
    {"energy_j", "energy", "energy per inference", "J", [](const compare_entry& e) { return e.energy_j; }},
    {"energy_per_mac_j", "energy_per_mac", "energy per MAC", "J",
     [](const compare_entry& e) { return e.macs > 0 ? e.energy_j / static_cast<double>(e.macs) : 0.0; }},
    {"area_mm2", "area", "area (mm^2)", "", [](const compare_entry& e) { return e.area_mm2; }},
    {"edp_js", "edp", "energy-delay product", "Js", [](const compare_entry& e) { return e.edp_js; }},
    {"tops", "tops", "throughput (TOPS)", "", [](const compare_entry& e) { return e.tops; }},
    {"tops_per_w", "tops_per_w", "TOPS/W", "", [](const compare_entry& e) { return e.tops_per_w; }},
    {"tops_per_mm2", "tops_per_mm2", "TOPS/mm^2", "", [](const compare_entry& e) { return e.tops_per_mm2; }},
};

}  // namespace

const std::vector<compare_metric>& compare_metrics() {
  static const std::vector<compare_metric> all(std::begin(metric_table), std::end(metric_table));
  return all;
}

namespace {

const char* group_label(const std::string& g) {
  if (g == "compute_crossbar") return "energy: compute / crossbar";
  if (g == "converters") return "energy: converters (ADC, DAC)";
  if (g == "activation_neurons") return "energy: activation / neurons / accumulation";
  if (g == "on_chip_memory") return "energy: on-chip memory";
  if (g == "bus") return "energy: bus";
  if (g == "dram") return "energy: DRAM";
  if (g == "leakage") return "energy: leakage";
  return "energy: other";
}


// Every row of the table: its keys, label and unit, and one value per entry.
struct row {
  std::string key;
  std::string name;
  std::string label;
  std::string unit;
  std::vector<double> values;
};

std::vector<row> rows_of(const compare_result& r) {
  std::vector<row> rows;
  for (const auto& m : compare_metrics()) {
    row x{m.key, m.name, m.label, m.unit, {}};
    for (const auto& e : r.entries) x.values.push_back(m.get(e));
    rows.push_back(std::move(x));
  }
  std::vector<std::map<std::string, double>> grouped;
  for (const auto& e : r.entries) grouped.push_back(grouped_energy(e));
  std::vector<std::string> groups;
  for (const auto& [g, c] : energy_groups()) groups.push_back(g);
  bool other = false;
  for (const auto& g : grouped) other |= g.count("other") && g.at("other") != 0.0;
  if (other) groups.push_back("other");
  for (const auto& g : groups) {
    row x{g + "_j", g, group_label(g), "J", {}};
    for (const auto& m : grouped) x.values.push_back(m.count(g) ? m.at(g) : 0.0);
    rows.push_back(std::move(x));
  }
  return rows;
}

}  // namespace

std::string compare_to_json(const compare_result& r) {
  ordered_json j;
  j["schema"] = r.schema;
  j["workload"] = r.workload;
  j["workload_file"] = r.workload_file;
  j["reference"] = r.entries.empty() ? "" : r.entries.front().name;
  const auto rows = rows_of(r);
  ordered_json archs = ordered_json::array();
  for (std::size_t i = 0; i < r.entries.size(); ++i) {
    const auto& e = r.entries[i];
    ordered_json a;
    a["name"] = e.name;
    a["architecture"] = e.architecture;
    a["file"] = e.file;
    a["schedule"] = e.schedule;
    a["report"] = e.name + "/report.json";
    a["macs"] = e.macs;
    ordered_json values = ordered_json::object(), ratios = ordered_json::object();
    for (const auto& x : rows) {
      values[x.key] = x.values[i];
      const double q = ratio(x.values[i], x.values.front());
      ratios[x.name] = std::isnan(q) ? ordered_json(nullptr) : ordered_json(q);
    }
    a["metrics"] = values;
    a["ratios_to_reference"] = ratios;
    if (!e.functional.empty()) {
      ordered_json f = ordered_json::object();
      const auto number = [](double v) { return std::isfinite(v) ? ordered_json(v) : ordered_json(nullptr); };
      for (const auto& [key, figure] : e.functional)
        f[key] = {{"mean", number(figure.mean)}, {"ci95_low", number(figure.ci_low)}, {"ci95_high", number(figure.ci_high)}};
      a["chips"] = e.chips;
      a["functional"] = f;
    }
    archs.push_back(a);
  }
  j["architectures"] = archs;
  ordered_json groups = ordered_json::object();
  for (const auto& [g, categories] : energy_groups()) groups[g] = categories;
  j["energy_groups"] = groups;
  return j.dump(2) + "\n";
}

std::string compare_to_markdown(const compare_result& r, text_target target) {
  std::ostringstream o;
  // Names come from user files: in compare.md, markdown_text keeps them from
  // adding markup.
  const auto md = [target](const std::string& text) { return shown_text(text, target); };
  o << "# " << md(r.workload) << ": " << r.entries.size() << " architectures compared\n\n";
  if (r.entries.empty()) return o.str();
  const std::string ref = md(r.entries.front().name);
  o << "| metric |";
  for (const auto& e : r.entries) o << ' ' << md(e.name) << " |";
  for (std::size_t i = 1; i < r.entries.size(); ++i) o << ' ' << md(r.entries[i].name) << " / " << ref << " |";
  o << "\n|---|";
  for (std::size_t i = 0; i < 2 * r.entries.size() - 1; ++i) o << "---|";
  o << '\n';
  for (const auto& x : rows_of(r)) {
    o << "| " << x.label << " |";
    for (double v : x.values) o << ' ' << (x.unit.empty() ? num(v) : si(v, x.unit.c_str())) << " |";
    for (std::size_t i = 1; i < x.values.size(); ++i) o << ' ' << ratio_text(ratio(x.values[i], x.values.front())) << " |";
    o << '\n';
  }
  // Functional runs: what each chip computed, with the interval over its chips.
  std::vector<std::string> figures;
  for (const auto& e : r.entries)
    for (const auto& [key, f] : e.functional)
      if (std::find(figures.begin(), figures.end(), key) == figures.end()) figures.push_back(key);
  if (!figures.empty()) {
    o << "\n| functional (mean over chips, [95 % interval]) |";
    for (const auto& e : r.entries) o << ' ' << md(e.name) << " (" << e.chips << " chip" << (e.chips == 1 ? "" : "s") << ") |";
    o << "\n|---|";
    for (std::size_t i = 0; i < r.entries.size(); ++i) o << "---|";
    o << '\n';
    for (const auto& key : figures) {
      const bool percent = is_rate_figure(key);
      const auto show = [&](double v) { return percent ? num(100 * v, "%.2f") + " %" : num(v, "%.4g"); };
      o << "| " << key << " |";
      for (const auto& e : r.entries) {
        const auto it = e.functional.find(key);
        if (it == e.functional.end() || !std::isfinite(it->second.mean)) {
          o << " - |";
          continue;
        }
        o << ' ' << show(it->second.mean);
        if (std::isfinite(it->second.ci_low)) o << " [" << show(it->second.ci_low) << ", " << show(it->second.ci_high) << "]";
        o << " |";
      }
      o << '\n';
    }
  }
  o << "\nRatios divide each architecture's figure by " << ref
    << "'s (below 1: less latency, energy or area than " << ref << "). Energy groups gather report categories: "
    << "compute/crossbar = compute + crossbar; converters = adc + input_drivers; activation/neurons/accumulation = "
       "neurons + accumulation; on-chip memory = buffers. Each architecture's full report is in its directory.\n";
  // Which schedule each ran, when not all one inference at a time.
  std::string pipelined, layered;
  for (const auto& e : r.entries) {
    std::string& names = e.schedule == "pipeline" ? pipelined : layered;
    names += (names.empty() ? "" : ", ") + md(e.name);
  }
  if (!pipelined.empty())
    o << "\nSchedule: pipeline for " << pipelined
      << " (inferences streamed through the layer stages: throughput is the steady state's, latency one "
         "inference's fill)"
      << (layered.empty() ? std::string(".")
                          : "; layer for " + layered + " (one inference at a time: a processor or a digital array "
                                                       "runs every layer itself, so there are no stages to stream "
                                                       "through).")
      << '\n';
  return o.str();
}

}  // namespace mottsim::reports
