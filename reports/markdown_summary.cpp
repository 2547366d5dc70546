#include "reports/markdown_summary.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <cstdio>
#include <sstream>

#include "reports/text_escape.hpp"

namespace mottsim::reports {

std::string si(double value, const char* unit) {
  static const struct {
    double scale;
    const char* prefix;
  } prefixes[] = {{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}, {1, ""}, {1e-3, "m"},
                  {1e-6, "u"}, {1e-9, "n"}, {1e-12, "p"}, {1e-15, "f"}};
  char buf[64];
  if (value == 0 || !std::isfinite(value)) {
    std::snprintf(buf, sizeof buf, "%g %s", value, unit);
    return buf;
  }
  for (const auto& p : prefixes) {
    if (std::fabs(value) >= p.scale * 0.9995) {
      std::snprintf(buf, sizeof buf, "%.3g %s%s", value / p.scale, p.prefix, unit);
      return buf;
    }
  }
  std::snprintf(buf, sizeof buf, "%.3g %s", value, unit);
  return buf;
}

std::string num(double v, const char* fmt) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

std::string to_markdown(const run_result& r, text_target target) {
  std::ostringstream o;
  // Names come from user files: in summary.md, markdown_text keeps them from
  // adding markup.
  const auto md = [target](const std::string& text) { return shown_text(text, target); };
  o << "# " << md(r.workload) << " on " << md(r.architecture) << "\n\n";
  o << "Mode " << md(r.mode) << ", schedule " << md(r.schedule) << ", seed " << r.provenance.seed << ", mottsim "
    << r.provenance.version << ", config " << md(r.provenance.config_hash) << ".\n\n";
  o << "| metric | value |\n|---|---|\n";
  o << (r.pipeline.inferences > 0 ? "| latency (pipeline fill) | " : "| latency (one inference) | ") << si(r.latency_s, "s")
    << " |\n";
  o << "| throughput | " << num(r.throughput_ips) << " inferences/s"
    << (r.pipeline.inferences > 0 && !r.pipeline.steady ? " (not steady: optimistic, see Throughput below)" : "")
    << " |\n";
  o << "| energy per inference | " << si(r.energy_j, "J") << " |\n";
  o << "| chip area | " << num(r.area_mm2) << " mm^2 |\n";
  o << "| MACs | " << r.macs << " |\n";
  o << "| throughput (ops) | " << num(r.tops) << " TOPS |\n";
  o << "| efficiency | " << num(r.tops_per_w) << " TOPS/W, " << num(r.tops_per_mm2) << " TOPS/mm^2 |\n";
  o << "| energy-delay product | " << si(r.edp_js, "Js") << " |\n";
  // Crossbar rows only for chips that have crossbars (not the processor or systolic baselines).
  if (r.crossbars_available > 0) {
    o << "| crossbars needed / on chip | " << r.crossbars_needed << " / " << r.crossbars_available << " |\n";
    o << "| tiles needed as placed / on chip | " << r.tiles_needed << " / " << r.tiles_available
      << (r.weights_resident ? " (all weights resident)" : " (weights reprogrammed each inference)") << " |\n";
    o << "| one-time weight programming | " << si(r.programming_energy_j, "J") << ", " << si(r.programming_time_s, "s");
    // Its largest parts, so the figure is not a bare total.
    std::vector<std::pair<double, std::string>> parts;
    for (const auto& [part, energy] : r.programming_energy_by_action_j)
      if (energy > 0) parts.emplace_back(energy, part);
    std::sort(parts.begin(), parts.end(), std::greater<>());
    for (std::size_t i = 0; i < parts.size() && i < 3; ++i)
      o << (i ? ", " : " (") << md(parts[i].second) << " " << si(parts[i].first, "J");
    if (!parts.empty()) o << (parts.size() > 3 ? ", ...)" : ")");
    o << " |\n";
  }
  o << "\n";
  if (r.mode == "functional") {
    o << "Functional mode, " << r.functional_samples << " input(s) through the device models:\n\n";
    o << "| quality | value |\n|---|---|\n";
    for (const auto& [k, v] : r.quality) o << "| " << k << " | " << num(v, "%.4g") << " |\n";
    for (const auto& [k, v] : r.accuracy)
      o << "| accuracy." << k << " | " << (is_rate_figure(k) ? num(100 * v, "%.2f") + " %" : num(v, "%.4g")) << " |\n";
    if (!r.chip_metrics.empty()) {
      o << "\nOver " << r.chip_seeds.size() << " chip(s) (95 % interval: Student t over the chips):\n\n"
        << "| figure | mean | sd | 95 % interval | per chip |\n|---|---|---|---|---|\n";
      for (const auto& [k, m] : r.chip_metrics) {
        const bool rate = is_rate_figure(k);
        const double scale = rate ? 100.0 : 1.0;
        const char* fmt = rate ? "%.2f" : "%.4g";
        const auto value = [&](double v) { return std::isfinite(v) ? num(scale * v, fmt) : std::string("-"); };
        o << "| " << (rate ? k + " (%)" : k) << " | " << value(m.mean) << " | " << value(m.sd) << " | ";
        if (std::isfinite(m.ci_low))
          o << "[" << value(m.ci_low) << ", " << value(m.ci_high) << "]" << (m.clipped ? " (cut to the possible values)" : "");
        else o << "- (one chip)";
        o << " |";
        for (std::size_t i = 0; i < m.per_chip.size(); ++i) o << (i ? ", " : " ") << value(m.per_chip[i]);
        o << " |\n";
      }
    }
    const calibration_record& c = r.calibration;
    o << "\nCalibration: ";
    if (c.source == "none") o << "none (" << c.note << ")";
    else
      o << c.samples << " sample(s) of " << c.source << ", never the scored inputs; gains "
        << (c.range == "calibrated" ? "at the " + num(100 * c.quantile, "%.4g") + "th percentile" : "at the worst case");
    o << "; neuron bias trim: " << c.bias_trim;
    if (c.bias_trim == "measured") o << " (" << c.trim_reads << " reads averaged)";
    o << ".\n";
    for (const auto& n : r.functional_notes) o << "\n" << n << "\n";
    o << "\n";
  }
  o << "Latency: " << r.latency_method << "\nThroughput: " << r.throughput_method << "\n\n";
  for (const auto& n : r.notes) o << "Note: " << n << "\n\n";
  if (r.pipeline.inferences > 0) {
    const pipeline_result& p = r.pipeline;
    o << "## Pipeline\n\n| figure | value |\n|---|---|\n";
    o << "| inferences in flight | " << p.inferences << " |\n";
    o << "| period | " << si(p.period_s, "s") << " +- " << si(p.period_error_s, "s")
      << (p.steady ? "" : " (not steady: see below)") << " |\n";
    o << "| throughput (1 / period) | " << num(r.throughput_ips) << " inferences/s |\n";
    o << "| fill (first completion) | " << si(p.fill_s, "s") << " |\n";
    o << "| bottleneck | " << md(p.bottleneck.name) << " (" << md(p.bottleneck.kind)
      << (p.bottleneck.layer.empty() || p.bottleneck.layer == p.bottleneck.name ? "" : ", " + md(p.bottleneck.layer))
      << "), " << num(100 * p.bottleneck.utilization, "%.1f") << " % of the period |\n\n";
    o << "Period: " << md(p.period_method) << ".\nBottleneck: " << md(p.bottleneck_reason) << ".\n\n";
    o << "| resource or stage | kind | mostly for | busy per inference | share of the period |\n|---|---|---|---|---|\n";
    for (std::size_t i = 0; i < p.busiest.size() && i < pipeline_busiest_shown; ++i) {
      const busy_share& b = p.busiest[i];
      o << "| " << md(b.name) << " | " << md(b.kind) << " | " << (b.layer.empty() ? "-" : md(b.layer)) << " | "
        << si(b.busy_s, "s") << " | " << num(100 * b.utilization, "%.1f") << " % |\n";
    }
    o << "\n";
  }
  o << "## Energy by category\n\n| category | energy | share |\n|---|---|---|\n";
  for (const auto& [k, v] : r.energy_by_category_j)
    o << "| " << k << " | " << si(v, "J") << " | " << num(r.energy_j > 0 ? 100.0 * v / r.energy_j : 0, "%.1f")
      << " % |\n";
  o << "\n## Layers\n\n| layer | kind | MACs | crossbars | util. | readout | ran on | latency | energy |\n"
       "|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& l : r.layers)
    o << "| " << md(l.name) << " | " << l.kind << " | " << l.macs << " | " << l.crossbars << " | "
      << (l.crossbars || l.utilization > 0 ? num(100 * l.utilization, "%.3g") + " %" : std::string("-")) << " | "
      << (l.readout_path.empty() ? "-" : md(l.readout_path)) << (l.resident ? "" : " (reprogrammed)")
      << (l.replicas > 1 ? " x" + std::to_string(l.replicas) + " copies" : std::string()) << " | "
      << (l.ran_on.empty() ? "-" : md(l.ran_on)) << " | " << si(l.latency_s, "s") << " | " << si(l.energy_j, "J") << " |\n";
  o << "\n## Components\n\n| component | type | count | area | energy | leakage | busy |\n"
       "|---|---|---|---|---|---|---|\n";
  for (const auto& c : r.components)
    o << "| " << md(c.name) << " | " << md(c.type) << " | " << c.count << " | " << num(c.area_mm2) << " mm^2 | "
      << si(c.energy_j, "J") << " | " << si(c.leakage_j, "J") << " | " << num(100 * c.utilization, "%.1f")
      << " % |\n";
  // The busiest links of each network: where the traffic queues.
  for (const auto& c : r.components) {
    if (c.links.empty()) continue;
    constexpr std::size_t shown = 8;
    o << "\n## Links of " << md(c.name) << " (" << c.links.size() << " carried data"
      << (c.links.size() > shown ? ", the " + std::to_string(shown) + " busiest" : std::string()) << ")\n\n"
      << "| link | bytes | busy |\n|---|---|---|\n";
    for (std::size_t i = 0; i < c.links.size() && i < shown; ++i)
      o << "| " << md(c.links[i].name) << " | " << si(c.links[i].bytes, "B") << " | "
        << num(100 * c.links[i].utilization, "%.1f") << " % |\n";
  }
  return o.str();
}

}  // namespace mottsim::reports
