#include "reports/json_report.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

namespace mottsim::reports {

using nlohmann::ordered_json;

namespace {

// NaN and infinities are not JSON.
ordered_json finite_or_null(double v) { return std::isfinite(v) ? ordered_json(v) : ordered_json(nullptr); }

}  // namespace

std::string to_json(const run_result& r) {
  ordered_json j;
  j["schema"] = r.schema;
  j["architecture"] = r.architecture;
  j["workload"] = r.workload;
  j["mode"] = r.mode;
  j["schedule"] = r.schedule;
  j["notes"] = r.notes;
  ordered_json t;
  t["latency_s"] = r.latency_s;
  t["throughput_ips"] = r.throughput_ips;
  t["energy_j"] = r.energy_j;
  t["area_mm2"] = r.area_mm2;
  t["macs"] = r.macs;
  t["tops"] = r.tops;
  t["tops_per_w"] = r.tops_per_w;
  t["tops_per_mm2"] = r.tops_per_mm2;
  t["edp_js"] = r.edp_js;
  t["pipeline_fill_s"] = r.pipeline_fill_s;
  t["latency_method"] = r.latency_method;
  t["throughput_method"] = r.throughput_method;
  j["totals"] = t;
  if (r.pipeline.inferences > 0) {
    const pipeline_result& pr = r.pipeline;
    const auto share = [](const busy_share& b) {
      ordered_json o;
      o["name"] = b.name;
      o["kind"] = b.kind;
      o["layer"] = b.layer;
      o["busy_s"] = b.busy_s;
      o["utilization"] = b.utilization;
      return o;
    };
    ordered_json p;
    p["inferences_in_flight"] = pr.inferences;
    p["period_s"] = pr.period_s;
    p["period_error_s"] = pr.period_error_s;
    p["fill_s"] = pr.fill_s;
    p["throughput_ips"] = r.throughput_ips;
    p["steady"] = pr.steady;
    p["measured_from"] = pr.measured_from;
    p["measured_to"] = pr.measured_to;
    p["period_method"] = pr.period_method;
    p["bottleneck"] = share(pr.bottleneck);
    p["bottleneck_reason"] = pr.bottleneck_reason;
    ordered_json busiest = ordered_json::array();
    for (std::size_t i = 0; i < pr.busiest.size() && i < pipeline_busiest_shown; ++i) busiest.push_back(share(pr.busiest[i]));
    p["busiest"] = busiest;
    p["completions_s"] = pr.completions_s;
    j["pipeline"] = p;
  }
  ordered_json cat = ordered_json::object();
  for (const auto& [k, v] : r.energy_by_category_j) cat[k + "_j"] = v;
  j["energy_by_category"] = cat;
  ordered_json m;
  m["crossbars_needed"] = r.crossbars_needed;
  m["crossbars_available"] = r.crossbars_available;
  m["tiles_needed"] = r.tiles_needed;
  m["tiles_available"] = r.tiles_available;
  m["weights_resident"] = r.weights_resident;
  m["programming_energy_j"] = r.programming_energy_j;
  m["programming_time_s"] = r.programming_time_s;
  ordered_json parts = ordered_json::object();
  for (const auto& [part, energy] : r.programming_energy_by_action_j) parts[part] = energy;
  m["programming_energy_by_action_j"] = parts;
  j["mapping"] = m;
  ordered_json layers = ordered_json::array();
  for (const auto& l : r.layers) {
    ordered_json o;
    o["name"] = l.name;
    o["kind"] = l.kind;
    o["macs"] = l.macs;
    o["crossbars"] = l.crossbars;
    o["utilization"] = l.utilization;
    o["tiles"] = l.tiles;
    o["resident"] = l.resident;
    o["chunks"] = l.chunks;
    o["replicas"] = l.replicas;
    o["readout_path"] = l.readout_path;
    o["ran_on"] = l.ran_on;
    if (l.has_density) {
      o["input_density"] = l.input_density;
      o["input_density_source"] = l.input_density_source;
      o["weight_density"] = l.weight_density;
      o["weight_density_source"] = l.weight_density_source;
    }
    o["start_s"] = l.start_s;
    o["latency_s"] = l.latency_s;
    o["energy_j"] = l.energy_j;
    ordered_json c = ordered_json::object();
    for (const auto& [k, v] : l.energy_by_category_j) c[k + "_j"] = v;
    o["energy_by_category"] = c;
    layers.push_back(o);
  }
  if (r.mode == "functional") {
    ordered_json q = ordered_json::object();
    for (const auto& [k, v] : r.quality) q[k] = v;
    j["quality"] = q;
    ordered_json a = ordered_json::object();
    for (const auto& [k, v] : r.accuracy) a[k] = v;
    j["accuracy"] = a;
    j["functional"] = {{"samples", r.functional_samples}, {"notes", r.functional_notes}};
    ordered_json chips;
    chips["count"] = r.chip_seeds.size();
    chips["seeds"] = r.chip_seeds;
    chips["interval"] = "95 % Student t interval of the mean over the chips: mean +- t(0.975, n - 1) sd / sqrt(n), "
                        "sd the sample standard deviation (null for one chip), cut to the figure's possible values "
                        "(top1 and top1_agreement [0, 1], ssim [-1, 1]; ci95_clipped says when)";
    ordered_json metrics = ordered_json::object();
    for (const auto& [k, figure] : r.chip_metrics) {
      ordered_json o;
      o["mean"] = finite_or_null(figure.mean);
      o["sd"] = finite_or_null(figure.sd);
      o["ci95_low"] = finite_or_null(figure.ci_low);
      o["ci95_high"] = finite_or_null(figure.ci_high);
      o["ci95_clipped"] = figure.clipped;
      o["per_chip"] = figure.per_chip;
      metrics[k] = o;
    }
    chips["metrics"] = metrics;
    j["chips"] = chips;
    const calibration_record& c = r.calibration;
    ordered_json cal;
    cal["source"] = c.source;
    cal["samples"] = c.samples;
    cal["files"] = c.files;
    cal["quantile"] = finite_or_null(c.quantile);
    cal["range"] = c.range;
    cal["bias_trim"] = c.bias_trim;
    cal["trim_reads"] = c.trim_reads;
    ordered_json cl = ordered_json::array();
    for (const auto& l : c.layers) {
      ordered_json o;
      o["layer"] = l.layer;
      o["group"] = l.group;
      o["path"] = l.path;
      o["input_full_scale"] = finite_or_null(l.input_full_scale);
      o["analog_full_scale"] = finite_or_null(l.analog_full_scale);
      o["adc_range"] = finite_or_null(l.adc_range);
      cl.push_back(o);
    }
    cal["layers"] = cl;
    if (!c.note.empty()) cal["note"] = c.note;
    j["calibration"] = cal;
  }
  j["layers"] = layers;
  ordered_json comps = ordered_json::array();
  for (const auto& c : r.components) {
    ordered_json o;
    o["name"] = c.name;
    o["type"] = c.type;
    o["count"] = c.count;
    o["area_mm2"] = c.area_mm2;
    o["area_source"] = c.area_source;
    o["energy_j"] = c.energy_j;
    o["dynamic_j"] = c.dynamic_j;
    o["leakage_j"] = c.leakage_j;
    o["leakage_w"] = c.leakage_w;
    o["leakage_source"] = c.leakage_source;
    o["busy_s"] = c.busy_s;
    o["utilization"] = c.utilization;
    ordered_json a = ordered_json::object();
    for (const auto& [name, act] : c.actions) {
      ordered_json x;
      x["count"] = act.count;
      x["energy_j"] = act.energy_j;
      x["energy_per_action_j"] = act.price_j;
      x["category"] = act.category;
      x["source"] = act.source;
      a[name] = x;
    }
    o["actions"] = a;
    if (!c.links.empty()) {
      ordered_json links = ordered_json::array();
      for (const auto& l : c.links) {
        ordered_json x;
        x["name"] = l.name;
        x["bytes"] = l.bytes;
        x["busy_s"] = l.busy_s;
        x["utilization"] = l.utilization;
        links.push_back(x);
      }
      o["links"] = links;
    }
    comps.push_back(o);
  }
  j["components"] = comps;
  ordered_json p;
  p["version"] = r.provenance.version;
  p["revision"] = r.provenance.revision;
  p["config_hash"] = r.provenance.config_hash;
  p["seed"] = r.provenance.seed;
  p["schedule"] = r.provenance.schedule;
  p["quantum_s"] = r.provenance.quantum_s;
  p["architecture_files"] = r.provenance.architecture_files;
  p["tech_files"] = r.provenance.tech_files;
  p["workload_file"] = r.provenance.workload_file;
  if (!r.provenance.image_file.empty()) p["image_file"] = r.provenance.image_file;
  p["overrides"] = r.provenance.overrides;
  p["tlm_transactions"] = r.transactions;
  j["provenance"] = p;
  return j.dump(2) + "\n";
}

}  // namespace mottsim::reports
