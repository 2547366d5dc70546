#pragma once
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "reports/run_trace.hpp"

// Everything a run reports, as plain data: the simulator fills it, the report
// writers (JSON, Markdown, ...) print it. No SystemC here.
namespace mottsim::reports {

struct action_result {
  double count = 0;
  double energy_j = 0;
  double price_j = 0;  // energy of one action
  std::string category;
  std::string source;  // where the price came from
};

// One directed link of a network (a mesh, an H-tree, an off-chip link).
struct link_result {
  std::string name;
  double bytes = 0;        // moved during the inference
  double busy_s = 0;
  double utilization = 0;  // busy / latency
};

struct component_result {
  std::string name;
  std::string type;
  long long count = 1;
  double area_mm2 = 0;
  std::string area_source;
  double dynamic_j = 0;
  double leakage_w = 0;
  double leakage_j = 0;
  std::string leakage_source;
  double energy_j = 0;     // dynamic + leakage
  double busy_s = 0;       // summed over instances
  double utilization = 0;  // busy / (instances x latency)
  std::map<std::string, action_result> actions;
  std::vector<link_result> links;  // a network's links that carried data, busiest first
};

struct layer_result {
  std::string name;
  std::string kind;
  long long macs = 0;
  long long crossbars = 0;
  double utilization = 0;  // cells used / cells of the crossbars used
  long long tiles = 0;
  bool resident = true;
  long long chunks = 0;
  long long replicas = 1;
  std::string readout_path;
  // Where it ran: crossbars (and which of its work went to a digital unit), a
  // digital unit, or a baseline's datapath.
  std::string ran_on;
  // Layers on crossbars: the data statistics their reads were priced with
  // (fraction of input bits that are 1, mean weight conductance relative to
  // g_min..g_max) and where each came from.
  bool has_density = false;
  double input_density = 0;
  std::string input_density_source;
  double weight_density = 0;
  std::string weight_density_source;
  double start_s = 0;
  double latency_s = 0;
  double energy_j = 0;     // dynamic energy of the layer's actions + its share of leakage
  std::map<std::string, double> energy_by_category_j;
};

// One functional figure over independent chips: each chip is its own draw of
// programming variation, stuck cells and neuron Tc and threshold.
struct chip_metric {
  double mean = NAN;
  double sd = NAN;        // sample standard deviation (n - 1); NaN for one chip
  double ci_low = NAN;    // Student t interval of the mean at `confidence`
  double ci_high = NAN;
  bool clipped = false;   // the interval was cut to the figure's possible values
  double confidence = 0.95;
  std::vector<double> per_chip;
};

// Whether a functional figure (a key of accuracy or of chip_metrics) is a
// rate from 0 to 1, which reports show as a percentage: the top-1 accuracies
// and agreement are; reference_class, a class index, and the quality
// figures (psnr_db, ssim) are not.
inline bool is_rate_figure(const std::string& key) { return key.find("top1") != std::string::npos; }

// The gains one layer group was calibrated to (value domain; NaN where the
// layer's readout path has no such gain).
struct calibrated_layer {
  std::string layer;
  long long group = 0;
  std::string path;                // "neuron", "analog_adc" or "adc"
  double input_full_scale = NAN;   // activation mapped to the full read pulse
  double analog_full_scale = NAN;  // pre-activation mapped to the neuron's or bipolar ADC's full scale
  double adc_range = NAN;          // ADC path: column current (in conductance steps) at the top code
};

// What the chip was calibrated on and to. Never the scored inputs.
struct calibration_record {
  std::string source;              // "mnist_train", "images", "random" or "none"
  long long samples = 0;
  std::vector<std::string> files;  // calibration images
  double quantile = NAN;           // of the calibration sums mapped to full scale
  std::string range;               // "calibrated" or "worst_case"
  std::string bias_trim;           // the neurons' trim: none, measured or oracle
  long long trim_reads = 0;        // measured trim: reads averaged per comparison
  std::vector<calibrated_layer> layers;
  std::string note;
};

// A resource's (or a pipeline stage's) work per inference against the
// pipeline's period.
struct busy_share {
  std::string name;        // "bus", "global_buffer[1]", "tile[37]", or a stage's layer name
  std::string kind;        // the component's type ("bus", "sram", "cim_tile", ...), or "stage"
  std::string layer;       // the layer it worked for most ("" when none)
  double busy_s = 0;       // per inference (a stage: its mean run)
  double utilization = 0;  // busy_s / period, unclamped
};

// The pipeline schedule's steady state, measured over `inferences` inferences
// streamed through per-layer stages.
struct pipeline_result {
  long long inferences = 0;
  double period_s = 0;
  double period_error_s = 0;        // standard error of the period (its batches' spread)
  double fill_s = 0;
  bool steady = false;              // measured with every stage busy, past the warm-up
  long long measured_from = 0;      // the completions the period is the mean spacing of
  long long measured_to = 0;
  std::string period_method;
  std::vector<double> completions_s;  // every inference's completion, after weight programming
  busy_share bottleneck;
  std::string bottleneck_reason;
  std::vector<busy_share> busiest;    // resources and stages, busiest first
};

// How many of pipeline_result::busiest the reports list.
constexpr std::size_t pipeline_busiest_shown = 12;

struct run_result {
  std::string schema = "mottsim.report/1";
  std::string architecture;
  std::string workload;
  std::string mode = "perf";
  std::string schedule = "layer";

  double latency_s = 0;
  double throughput_ips = 0;
  double energy_j = 0;
  double area_mm2 = 0;
  long long macs = 0;
  double tops = 0;  // 2 operations per MAC
  double tops_per_w = 0;
  double tops_per_mm2 = 0;
  double edp_js = 0;
  std::map<std::string, double> energy_by_category_j;
  std::string latency_method;
  std::string throughput_method;
  double pipeline_fill_s = 0;
  pipeline_result pipeline;  // the pipeline schedule only (inferences > 0)

  // Weights programmed once before inferences start; not part of an inference.
  double programming_energy_j = 0;
  double programming_time_s = 0;
  // Its parts, "component.action" -> J (cell writes, the weights' DRAM reads,
  // their bus transfers ...), summing to programming_energy_j.
  std::map<std::string, double> programming_energy_by_action_j;
  long long crossbars_needed = 0;
  long long crossbars_available = 0;
  long long tiles_needed = 0;  // as placed: whole tiles all layers take at once
  long long tiles_available = 0;
  bool weights_resident = true;

  std::vector<layer_result> layers;
  std::vector<component_result> components;

  struct provenance_t {
    std::string version;
    std::string revision;  // the source revision mottsim was built from
    std::string config_hash;
    unsigned long long seed = 0;
    std::string schedule;
    double quantum_s = 0;
    std::vector<std::string> architecture_files;
    std::vector<std::string> tech_files;
    std::string workload_file;
    std::string image_file;  // --image: the input scored instead of the workload's; "" without
    std::vector<std::string> overrides;
  } provenance;

  long long transactions = 0;
  // Every file the run read (architecture, what it extends, its technology
  // libraries; workload, weights, images), so the command writes none of them.
  std::vector<std::string> files_read;
  // What the figures rest on that the user must know, whatever the mode (an
  // input the run did without, and what it used instead).
  std::vector<std::string> notes;

  // Functional mode: output quality against the ideal float network.
  std::map<std::string, double> quality;   // psnr_db, ssim
  std::map<std::string, double> accuracy;  // top1, reference_top1, ...; reference_class (an index)
  long long functional_samples = 0;
  std::vector<std::string> functional_notes;
  std::string scored_image;  // the image file the run scored, when it scored one
  // Independent chips: their seeds and, per figure (top1, psnr_db, ssim), the
  // mean, spread and interval. quality and accuracy hold the means.
  std::vector<unsigned long long> chip_seeds;
  std::map<std::string, chip_metric> chip_metrics;
  calibration_record calibration;

  // Busy intervals of every resource, for trace.json and report.html (not
  // part of report.json).
  run_trace trace;
};

}  // namespace mottsim::reports
