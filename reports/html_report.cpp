#include "reports/html_report.hpp"

#include <cmath>
#include <cstdio>
#include <functional>

#include "reports/busy_timeline.hpp"
#include "reports/html_page.hpp"
#include "reports/markdown_summary.hpp"
#include "reports/vega_charts.hpp"

namespace mottsim::reports {

namespace {

using nlohmann::json;

std::string percent(double fraction) { return num(100.0 * fraction, "%.3g") + " %"; }

// Slices of the utilization plot: fine enough to show layers, small enough
// to keep the page light.
constexpr int utilization_slices = 120;

// Energy of every component by category (its actions' categories, plus leakage).
json component_energy_rows(const run_result& r) {
  json rows = json::array();
  for (const auto& c : r.components) {
    std::map<std::string, double> by_category;
    for (const auto& [action, a] : c.actions) by_category[a.category] += a.energy_j;
    if (c.leakage_j > 0) by_category["leakage"] += c.leakage_j;
    for (const auto& [category, joules] : by_category)
      if (joules > 0) rows.push_back({{"component", c.name}, {"category", category}, {"energy_j", joules}});
  }
  return rows;
}

std::vector<std::pair<std::string, std::string>> run_headline(const run_result& r) {
  std::vector<std::pair<std::string, std::string>> h{
      {"latency", si(r.latency_s, "s")},
      {"throughput", num(r.throughput_ips, "%.4g") + " inferences/s"},
      {"energy per inference", si(r.energy_j, "J")},
      {"area", num(r.area_mm2, "%.4g") + " mm²"},
      {"MACs", num(static_cast<double>(r.macs), "%.4g")},
      {"efficiency", num(r.tops_per_w, "%.4g") + " TOPS/W"},
  };
  if (r.pipeline.inferences > 0) {
    h.front().first = "latency (pipeline fill)";
    h.insert(h.begin() + 1, {"period", si(r.pipeline.period_s, "s") + " over " +
                                           std::to_string(r.pipeline.inferences) + " inferences in flight"});
    h.insert(h.begin() + 2, {"bottleneck", r.pipeline.bottleneck.name + " (" +
                                               percent(r.pipeline.bottleneck.utilization) + " of the period)"});
  }
  if (r.mode == "functional") {
    // Over several chips a figure carries its 95 % interval.
    const auto interval = [&](const std::string& name, const std::function<std::string(double)>& show) {
      const auto m = r.chip_metrics.find(name);
      if (m == r.chip_metrics.end() || !std::isfinite(m->second.ci_low)) return std::string();
      return " [" + show(m->second.ci_low) + ", " + show(m->second.ci_high) + "] over " +
             std::to_string(m->second.per_chip.size()) + " chips";
    };
    const auto pct = [](double v) { return percent(v); };
    const auto db = [](double v) { return num(v, "%.3g") + " dB"; };
    const auto plain = [](double v) { return num(v, "%.4g"); };
    for (const auto& [name, value] : r.accuracy)
      h.emplace_back(name == "top1" ? "accuracy (top-1)" : name == "reference_top1" ? "float reference (top-1)" : name,
                     is_rate_figure(name) ? percent(value) + interval(name, pct) : plain(value) + interval(name, plain));
    for (const auto& [name, value] : r.quality)
      h.emplace_back(name == "psnr_db" ? "PSNR" : name,
                     name == "psnr_db" ? db(value) + interval(name, db) : plain(value) + interval(name, plain));
  }
  return h;
}

}  // namespace

std::string render_run_html(const run_result& r) {
  html_page page;
  page.title = r.workload + " on " + r.architecture;
  page.subtitle = "mottsim run, " + r.mode + " mode, " + r.schedule + " schedule";
  page.headline = run_headline(r);

  const json energy_rows = component_energy_rows(r);
  if (!energy_rows.empty()) {
    page.sections.push_back({"Energy per inference by component",
                             "Dynamic energy of each component's actions, by category, plus its leakage over one "
                             "inference.",
                             stacked_bar_chart(energy_rows, "component", "category", "energy_j", "energy (J)"),
                             {}});
    page.sections.push_back({"Energy per inference by category", "The same energy, gathered by category.",
                             stacked_bar_chart(energy_rows, "category", "component", "energy_j", "energy (J)"),
                             {}});
  }

  json latency_rows = json::array(), layer_energy_rows = json::array();
  for (std::size_t i = 0; i < r.layers.size(); ++i) {
    const auto& l = r.layers[i];
    const std::string name = std::to_string(i + 1) + " " + l.name;
    latency_rows.push_back({{"layer", name}, {"kind", l.kind}, {"latency_s", l.latency_s}});
    for (const auto& [category, joules] : l.energy_by_category_j)
      if (joules > 0) layer_energy_rows.push_back({{"layer", name}, {"category", category}, {"energy_j", joules}});
  }
  if (!latency_rows.empty()) {
    page.sections.push_back({"Latency per layer", r.latency_method,
                             stacked_bar_chart(latency_rows, "layer", "kind", "latency_s", "latency (s)", true), {}});
  }
  if (!layer_energy_rows.empty()) {
    page.sections.push_back({"Energy per layer", "Each layer's dynamic energy by category, and its share of leakage.",
                             stacked_bar_chart(layer_energy_rows, "layer", "category", "energy_j", "energy (J)", true),
                             {}});
  }

  json utilization_rows = json::array();
  for (const auto& s : utilization_over_time(r.trace, utilization_slices))
    utilization_rows.push_back(
        {{"component", s.component}, {"start_s", s.start_s}, {"end_s", s.end_s}, {"utilization", s.utilization}});
  if (!utilization_rows.empty()) {
    page.sections.push_back({"Component utilization over the inference",
                             "Busy time of each component's resources in each of " +
                                 std::to_string(utilization_slices) +
                                 " slices of " +
                                 (r.pipeline.inferences > 0
                                      ? "the " + std::to_string(r.pipeline.inferences) + " pipelined inferences"
                                      : std::string("the inference")) +
                                 ", over the slice's length times the resources (weight "
                                 "programming left out). trace.json has every busy interval.",
                             utilization_heatmap(utilization_rows), {}});
  }

  if (r.pipeline.inferences > 0) {
    html_table busiest;
    busiest.header = {"resource or stage", "kind", "mostly for", "busy per inference", "share of the period"};
    for (std::size_t i = 0; i < r.pipeline.busiest.size() && i < pipeline_busiest_shown; ++i) {
      const busy_share& b = r.pipeline.busiest[i];
      busiest.rows.push_back({b.name, b.kind, b.layer.empty() ? "-" : b.layer, si(b.busy_s, "s"), percent(b.utilization)});
    }
    page.sections.push_back({"Pipeline steady state",
                             "Period " + si(r.pipeline.period_s, "s") + ": " + r.pipeline.period_method +
                                 ". Bottleneck: " + r.pipeline.bottleneck_reason + ".",
                             nullptr, busiest});
  }

  html_table components;
  components.header = {"component", "type", "count", "energy", "busy", "utilization", "area (mm²)"};
  for (const auto& c : r.components)
    components.rows.push_back({c.name, c.type, std::to_string(c.count), si(c.energy_j, "J"), si(c.busy_s, "s"),
                               percent(c.utilization), num(c.area_mm2, "%.4g")});
  page.sections.push_back({"Components", "", nullptr, components});

  page.footnotes.push_back("mottsim " + r.provenance.version + ", configuration hash " + r.provenance.config_hash +
                           ", seed " + std::to_string(r.provenance.seed) + ".");
  if (r.programming_energy_j > 0)
    page.footnotes.push_back("Weight programming before inferences: " + si(r.programming_energy_j, "J") + " in " +
                             si(r.programming_time_s, "s") + " (not in the figures above).");
  for (const auto& note : r.functional_notes) page.footnotes.push_back(note);
  for (const auto& note : r.notes) page.footnotes.push_back(note);
  return render_html_page(page);
}

std::string render_compare_html(const compare_result& r) {
  html_page page;
  page.title = r.workload + ": " + std::to_string(r.entries.size()) + " architectures compared";
  page.subtitle = "mottsim compare, workload " + r.workload_file;
  if (r.entries.empty()) return render_html_page(page);
  const compare_entry& ref = r.entries.front();
  page.headline.emplace_back("reference", ref.name);

  // The comparison's own figures, those whose ratios a chart reads well.
  std::vector<compare_metric> shown;
  for (const auto& m : compare_metrics())
    for (const char* key : {"latency_s", "energy_j", "area_mm2", "energy_per_mac_j"})
      if (std::string(m.key) == key) shown.push_back(m);
  json ratio_rows = json::array();
  html_table ratios;
  ratios.header = {"architecture"};
  for (const auto& m : shown) ratios.header.push_back(std::string(m.label) + " / " + ref.name);
  for (const auto& e : r.entries) {
    std::vector<std::string> row{e.name};
    for (const auto& m : shown) {
      const double q = ratio(m.get(e), m.get(ref));
      row.push_back(ratio_text(q));
      if (std::isfinite(q) && q > 0) ratio_rows.push_back({{"architecture", e.name}, {"metric", m.label}, {"ratio", q}});
    }
    ratios.rows.push_back(row);
  }
  page.sections.push_back({"Ratios to " + ref.name,
                           "Each architecture's latency, energy, area and energy per MAC over the reference's (below 1: "
                           "smaller than the reference). Log scale.",
                           ratio_rows.empty() ? json(nullptr) : ratio_chart(ratio_rows), ratios});

  json energy_rows = json::array();
  html_table totals;
  totals.header = {"architecture", "latency", "energy", "area (mm²)", "energy per MAC", "TOPS/W"};
  for (const auto& e : r.entries) {
    for (const auto& [group, joules] : grouped_energy(e))
      if (joules > 0) energy_rows.push_back({{"architecture", e.name}, {"group", group}, {"energy_j", joules}});
    totals.rows.push_back({e.name, si(e.latency_s, "s"), si(e.energy_j, "J"), num(e.area_mm2, "%.4g"),
                           si(e.macs > 0 ? e.energy_j / static_cast<double>(e.macs) : 0.0, "J"),
                           num(e.tops_per_w, "%.4g")});
  }
  page.sections.push_back({"Energy per inference",
                           "Energy by group (categories gathered so that CIM chips and processors line up).",
                           energy_rows.empty() ? json(nullptr)
                                               : stacked_bar_chart(energy_rows, "architecture", "group", "energy_j",
                                                                   "energy (J)"),
                           totals});
  page.footnotes.push_back("Each architecture's own report.html is in its directory.");
  return render_html_page(page);
}

}  // namespace mottsim::reports
