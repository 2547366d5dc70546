#include "platform/functional/functional_run.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include "dsl/diagnostics.hpp"
#include "dsl/path_component.hpp"
#include "models/functional_crossbar.hpp"
#include "platform/functional/analog_functional.hpp"
#include "platform/functional/chip_statistics.hpp"
#include "platform/data/image_fit.hpp"
#include "platform/data/image_io.hpp"
#include "platform/data/image_metrics.hpp"
#include "platform/data/mnist_dataset.hpp"
#include "dsl/parallel_jobs.hpp"
#include "platform/data/reference_forward.hpp"

namespace mottsim::platform {

unsigned long long chip_seed(unsigned long long run_seed, long long index) {
  return models::seed_stream(run_seed, 0x636869700000ULL + static_cast<std::uint64_t>(index));  // "chip"
}

namespace {

std::uint64_t mix(std::uint64_t seed, std::uint64_t a, std::uint64_t b) {
  // SplitMix64 steps: independent device draws per (layer, group).
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (a + 1) + 0xBF58476D1CE4E5B9ULL * (b + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// The tile with every device non-ideality switched off: no programming
// variation, read noise or stuck cells, and readout stages without theirs (a
// Mott neuron's device variation, cycle noise and gain-stage noise and offset;
// a CMOS activation's offset and noise: each stage type says, through its
// registered `idealize`). The activation keeps its transfer curve and the
// converters their resolution, so what remains is the cost of the curve and
// of quantization.
dsl::block_value ideal_devices(const dsl::block_value& tile, const models::cim_tile_params& tile_params) {
  dsl::block_value t = tile;
  auto zero = [](dsl::block_value& b, const char* name) {
    if (b.has(name)) b.params.at(name).number = 0.0;
  };
  auto xbar = std::make_shared<dsl::block_value>(*t.params.at("crossbar").block);
  auto cell = std::make_shared<dsl::block_value>(*xbar->params.at("cell").block);
  for (const char* name : {"programming_sigma", "read_noise_sigma", "stuck_on_rate", "stuck_off_rate"}) zero(*cell, name);
  xbar->params.at("cell").block = cell;
  t.params.at("crossbar").block = xbar;
  auto& chain = t.params.at("readout").blocks;
  for (std::size_t i = 0; i < chain.size() && i < tile_params.readout.size(); ++i)
    if (tile_params.readout[i]->idealize) tile_params.readout[i]->idealize(chain[i]);
  return t;
}

// An analog sum's full scale (the neuron's input, a bipolar ADC's) and a
// column ADC's range sit at this quantile of what the layer carries on the
// calibration data: the rare larger ones clip, the rest get the converter's
// resolution.
constexpr double calibration_quantile = 0.999;
// Calibration columns kept per layer group (evenly spaced over the calibration
// set), so a set of large images calibrates in bounded memory.
constexpr long long calibration_columns = 1 << 16;

using group_key = std::pair<std::size_t, long long>;

// The gains of one layer group, set once for every chip (value domain; NaN
// where the group's path has none).
struct layer_gains {
  double input_full_scale = std::numeric_limits<double>::quiet_NaN();
  double analog_full_scale = std::numeric_limits<double>::quiet_NaN();
  double adc_range = std::numeric_limits<double>::quiet_NaN();
  // Signed inputs (after a layer normalization, say) are shifted up by this
  // before the unipolar drivers (the bias takes the shift back out).
  double input_offset = 0.0;
};
using gain_table = std::map<group_key, layer_gains>;

// One chip: the network's layer groups on devices drawn from `seed`.
struct device_network {
  const dsl::workload_spec& workload;
  const network_plan& plan;
  const dsl::block_value& tile;
  const reference_network& reference;
  unsigned long long seed;
  const gain_table* gains = nullptr;
  std::map<group_key, std::unique_ptr<models::functional_layer>> layers;

  models::functional_layer& layer(std::size_t i, long long group) {
    const group_key key(i, group);
    auto it = layers.find(key);
    if (it != layers.end()) return *it->second;
    const dsl::layer_spec& l = workload.layers[i];
    const layer_plan& lp = plan.layers[i];
    const long long k = lp.matrix.fan_in, outs = lp.matrix.outputs;
    const auto& w = reference.layer_weights_of(i);
    const auto& b = reference.layer_bias_of(i);
    Eigen::MatrixXd weights(k, outs);
    Eigen::VectorXd bias = Eigen::VectorXd::Zero(outs);
    for (long long o = 0; o < outs; ++o) {
      const long long channel = group * outs + o;
      for (long long r = 0; r < k; ++r) weights(r, o) = w[static_cast<std::size_t>(channel * k + r)];
      if (!b.empty()) bias(o) = b[static_cast<std::size_t>(channel)];
    }
    auto f = std::make_unique<models::functional_layer>(weights, bias, plan.tile, tile, lp.mapping, workload.weight_bits,
                                                        workload.activation_bits,
                                                        l.activation == dsl::activation_kind::relu,
                                                        mix(seed, i, static_cast<std::uint64_t>(group)));
    f->set_threads(1);  // chips run in parallel instead
    configure_analog_layer(*f, plan, i, tile);
    if (gains) {
      const auto g = gains->find(key);
      if (g != gains->end()) {
        if (g->second.input_offset != 0.0) f->set_input_offset(g->second.input_offset);
        if (!std::isnan(g->second.input_full_scale)) f->set_input_full_scale(g->second.input_full_scale);
        if (!std::isnan(g->second.analog_full_scale)) f->set_analog_full_scale(g->second.analog_full_scale);
        if (!std::isnan(g->second.adc_range)) f->set_adc_range(g->second.adc_range);
      }
    }
    auto& ref = *f;
    layers[key] = std::move(f);
    return ref;
  }

  // Sets every layer group's gains from the float activations of `samples`
  // and returns them: the largest input a group sees maps to its drivers' full
  // scale; with `ranges`, a high quantile of its pre-activations to the analog
  // sum's full scale (analog path) or of its nominal column currents to the
  // ADC's range (ADC path). These are the per-layer settings a chip programs
  // once, the same for every chip.
  gain_table calibrate(const std::vector<std::vector<float>>& samples, bool ranges, unsigned threads) {
    build(1);
    // Batches of about 2^18 input values (64 digits, or one large image) keep
    // the float im2col products small; they run on every processor, each
    // writing the columns whose index over the whole set is a multiple of the
    // stride straight to their place among the kept ones.
    const std::size_t batch = static_cast<std::size_t>(
        std::clamp<long long>((1LL << 18) / std::max<long long>(1, workload.input.elements()), 1, 64));
    const std::size_t parts = (samples.size() + batch - 1) / batch;
    struct kept_columns {
      long long per_sample = 0;  // columns of one input
      long long stride = 1;
      Eigen::MatrixXd values;    // fan-in x the kept columns
      std::vector<double> peaks;  // of each batch
      std::vector<double> lows;   // the smallest input of each batch
    };
    std::map<group_key, kept_columns> kept;
    std::size_t last_matrix = 0;
    for (std::size_t i = 0; i < workload.layers.size(); ++i) {
      const dsl::layer_spec& l = workload.layers[i];
      if (!l.is_matrix_layer()) continue;
      last_matrix = i;
      for (long long g = 0; g < l.groups; ++g) {
        kept_columns& k = kept[{i, g}];
        k.per_sample = l.kind == dsl::layer_kind::conv2d ? l.out_shape.height * l.out_shape.width : 1;
        const long long total = k.per_sample * static_cast<long long>(samples.size());
        k.stride = std::max<long long>(1, (total + calibration_columns - 1) / calibration_columns);
        k.values.resize(plan.layers[i].matrix.fan_in, (total + k.stride - 1) / k.stride);
        k.peaks.assign(parts, 0.0);
        k.lows.assign(parts, 0.0);
      }
    }
    // Nothing reads the last product's outputs: the pass ends at its inputs,
    // which come in slices (a large image's would take 8 bytes a value at once).
    constexpr long long slice_values = 1 << 15;
    dsl::run_parallel(parts, threads, [&](std::size_t p) {
      const std::size_t first = p * batch, end = std::min(samples.size(), first + batch);
      const std::vector<std::vector<float>> part(samples.begin() + static_cast<std::ptrdiff_t>(first),
                                                 samples.begin() + static_cast<std::ptrdiff_t>(end));
      std::map<group_key, long long> columns;  // seen in this batch, slices included
      reference.forward_batch(
          part,
          [&](std::size_t i, long long g, const Eigen::MatrixXd& x) {
            kept_columns& k = kept.at({i, g});
            // Columns of the batches before, and of this batch's earlier slices.
            long long& in_batch = columns[{i, g}];
            const long long seen = k.per_sample * static_cast<long long>(first) + in_batch;
            in_batch += x.cols();
            if (x.size() > 0) k.peaks[p] = std::max(k.peaks[p], x.maxCoeff());
            if (x.size() > 0) k.lows[p] = std::min(k.lows[p], x.minCoeff());
            for (Eigen::Index c = (k.stride - seen % k.stride) % k.stride; c < x.cols(); c += k.stride)
              k.values.col((seen + c) / k.stride) = x.col(c);
            if (i == last_matrix && g + 1 == workload.layers[i].groups) return Eigen::MatrixXd();
            return layers.at({i, g})->reference(x);
          },
          slice_values);
    });
    gain_table table;
    for (auto& [key, k] : kept) {
      models::functional_layer& f = layer(key.first, key.second);
      // A layer fed held values takes its producer's analog full scale, which
      // (keys in layer order) is calibrated by now.
      const int producer = plan.layers[key.first].analog.producer;
      const models::functional_layer* source =
          producer < 0 ? nullptr : &layer(static_cast<std::size_t>(producer), key.second);
      // Inputs below zero (no ReLU before them) would clip at the unipolar
      // drivers: the range is shifted to start at the smallest one seen.
      const double low = *std::min_element(k.lows.begin(), k.lows.end());
      const double offset = low < 0.0 && held_input_full_scale(plan, key.first, source) <= 0 ? -low : 0.0;
      if (offset > 0.0) f.set_input_offset(offset);
      if (const double held = held_input_full_scale(plan, key.first, source); held > 0)
        f.set_input_full_scale(held);
      else if (const double peak = *std::max_element(k.peaks.begin(), k.peaks.end()) + offset; peak > 0)
        f.set_input_full_scale(peak);
      if (ranges) {
        if (f.analog_path()) f.calibrate_analog_sum(k.values, calibration_quantile);
        else f.calibrate_adc_range(k.values, calibration_quantile);
      }
      Eigen::MatrixXd().swap(k.values);
      layer_gains g;
      g.input_offset = offset;
      g.input_full_scale = f.input_full_scale();
      if (f.analog_path()) g.analog_full_scale = f.analog_full_scale();
      else g.adc_range = f.adc_range();
      table[key] = g;
    }
    return table;
  }

  // Programs every layer group, so forward() only reads the chip; `threads`
  // share the chunks of each product.
  void build(int threads) {
    for (std::size_t i = 0; i < workload.layers.size(); ++i)
      if (workload.layers[i].is_matrix_layer())
        for (long long g = 0; g < workload.layers[i].groups; ++g) layer(i, g).set_threads(threads);
  }

  // [input][layer] outputs of batch number `call` (after build()): one device
  // product per layer group, with that batch's own read noise, so batches may
  // run at once on several threads, in any order.
  std::vector<std::vector<std::vector<float>>> forward(const std::vector<std::vector<float>>& batch,
                                                       std::uint64_t call) const {
    return reference.forward_batch(batch, [&](std::size_t i, long long g, const Eigen::MatrixXd& x) {
      return layers.at({i, g})->forward(x, call);
    });
  }
};

// What the run scores and what it calibrates on: never the same data.
struct input_sets {
  std::vector<std::vector<float>> scored;
  std::vector<int> labels;  // classifiers
  std::vector<std::vector<float>> calibration;
  reports::calibration_record record;
  std::vector<std::string> notes;
  std::string scored_file;  // the image scored, when one was
};

std::vector<float> image_input(const gray_image& img, const dsl::workload_spec& w, const std::string& name,
                               std::string* note) {
  if (w.input.channels != 1)
    throw dsl::input_error({name, 0, 0}, "images are read as grey, but workload '" + w.name + "' takes " +
                                             w.input.to_string() + " (height x width x channels)");
  return fit_image(img, static_cast<int>(w.input.width), static_cast<int>(w.input.height), name, note).pixels;
}

bool is_image_file(const std::filesystem::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".pgm" || ext == ".ppm";
}

// The image the run scores: --image, else the workload's (or, when that is
// absent, its fallback). `file` says which.
gray_image load_scored_image(const dsl::workload_spec& w, const functional_options& options, input_sets& sets,
                             std::string& file) {
  namespace fs = std::filesystem;
  std::error_code ec;
  file = options.image;
  if (file.empty()) {
    file = w.inputs.file;
    if (!fs::exists(file, ec)) {
      if (w.inputs.fallback.empty())
        throw dsl::input_error(w.inputs.file_where, "the image " + file +
                                                        " is absent (`make data` fetches the shipped photograph); "
                                                        "pass --image FILE to score another");
      sets.notes.push_back("the workload's image " + file + " is absent (`make data` fetches it): scored " +
                           w.inputs.fallback + " instead");
      file = w.inputs.fallback;
    }
  }
  gray_image scored = read_image(file);
  sets.scored_file = file;
  std::string note;
  sets.scored.push_back(image_input(scored, w, file, &note));
  if (!note.empty()) sets.notes.push_back(note);
  return scored;
}

// The calibration set of an image workload: the images of its calibration
// directory, without the scored one (`file`, whose pixels are `scored`).
void load_calibration_images(const dsl::workload_spec& w, const std::string& file, const gray_image& scored,
                             input_sets& sets) {
  namespace fs = std::filesystem;
  std::error_code ec;
  // Calibration: the images of the calibration directory, by name, without
  // any that is the scored image (same file or same pixels).
  sets.record.source = "images";
  const std::string dir = w.inputs.calibration;
  std::vector<fs::path> candidates;
  if (!dir.empty() && fs::is_directory(dir, ec))
    for (const auto& entry : fs::directory_iterator(dir, ec))
      if (entry.is_regular_file(ec) && is_image_file(entry.path())) candidates.push_back(entry.path());
  std::sort(candidates.begin(), candidates.end());
  std::vector<fs::path> others;
  for (const auto& path : candidates)
    if (!fs::equivalent(path, file, ec)) others.push_back(path);
  // Decoded and fitted a few at a time on every processor, taken in name
  // order; an image's error is raised only if it is reached in that order.
  struct decoded {
    gray_image image;
    std::vector<float> input;
    std::exception_ptr failure;
  };
  const std::size_t wave = dsl::hardware_threads();
  for (std::size_t first = 0; first < others.size(); first += wave) {
    if (static_cast<long long>(sets.calibration.size()) >= w.inputs.calibration_count) break;
    std::vector<decoded> part(std::min(wave, others.size() - first));
    dsl::run_parallel(part.size(), dsl::hardware_threads(), [&](std::size_t k) {
      try {
        part[k].image = read_image(others[first + k].string());
        part[k].input = image_input(part[k].image, w, others[first + k].string(), nullptr);
      } catch (...) {
        part[k].failure = std::current_exception();
      }
    });
    for (std::size_t k = 0; k < part.size(); ++k) {
      if (static_cast<long long>(sets.calibration.size()) >= w.inputs.calibration_count) break;
      if (part[k].failure) std::rethrow_exception(part[k].failure);
      if (part[k].image.same_size(scored) && part[k].image.pixels == scored.pixels) continue;
      sets.calibration.push_back(std::move(part[k].input));
      sets.record.files.push_back(others[first + k].lexically_normal().string());
    }
  }
  if (sets.calibration.empty()) {
    sets.record.source = "none";
    sets.record.note = dir.empty() ? "the workload names no calibration images"
                                   : "no calibration images in " + dir +
                                         (fs::exists(dir, ec) ? "" : " (absent: `make data` fetches them)");
    sets.record.note += ": the input drivers keep their configured full scale, and the analog gains and ADC "
                        "ranges the worst case the weights allow";
  }
}

input_sets load_inputs(const dsl::workload_spec& w, const functional_options& options) {
  input_sets sets;
  const std::string& source = w.inputs.source;
  // --image replaces what the run scores, never what the chip is calibrated
  // on: that stays the workload's own calibration set.
  const bool given_image = !options.image.empty();
  if (given_image && source != "image")
    sets.notes.push_back("scored the image " + options.image + " instead of the workload's " +
                         (source == "mnist_test" ? "MNIST test digits" : "random input") +
                         "; calibrated on the workload's own calibration set, as without it");
  if (source == "image") {
    std::string file;
    const gray_image scored = load_scored_image(w, options, sets, file);
    load_calibration_images(w, file, scored, sets);
  } else if (source == "mnist_test") {
    if (w.input.height != 28 || w.input.width != 28 || w.input.channels != 1)
      throw dsl::input_error(w.inputs.where, "MNIST digits are 28x28x1, but workload '" + w.name + "' takes " +
                                                 w.input.to_string());
    // The loader keeps first, count and calibration_count within the split.
    const auto first = static_cast<std::size_t>(w.inputs.first);
    // Only the digits the run scores and those it calibrates on are parsed.
    // The training split, which the shipped weights were trained on too: the
    // test digits stay unseen by weights and calibration alike.
    std::string file;
    if (given_image) load_scored_image(w, options, sets, file);
    const mnist_split split =
        load_mnist_split_digits(static_cast<std::size_t>(w.inputs.calibration_count), first,
                                given_image ? 0 : static_cast<std::size_t>(w.inputs.count));
    for (std::size_t i = 0; i < split.test.size(); ++i) {
      sets.scored.emplace_back(split.test.image(i), split.test.image(i) + mnist_dataset::pixels);
      sets.labels.push_back(split.test.labels[i]);
    }
    for (std::size_t i = 0; i < split.train.size(); ++i)
      sets.calibration.emplace_back(split.train.image(i), split.train.image(i) + mnist_dataset::pixels);
    sets.record.source = "mnist_train";
  } else {
    // Seeded random inputs: the scored one from the run's seed, the calibration
    // one from a stream of its own.
    const auto random_input = [&](std::uint64_t seed) {
      std::mt19937_64 gen(seed);
      std::vector<float> x(static_cast<std::size_t>(w.input.elements()));
      for (auto& v : x) v = static_cast<float>(static_cast<double>(gen() >> 11) / 9007199254740992.0);
      return x;
    };
    std::string file;
    if (given_image) load_scored_image(w, options, sets, file);
    else sets.scored.push_back(random_input(options.seed));
    sets.calibration.push_back(random_input(models::seed_stream(options.seed, 0x63616c)));  // "cal"
    sets.record.source = "random";
  }
  sets.record.samples = static_cast<long long>(sets.calibration.size());
  return sets;
}

gray_image channel_image(const std::vector<float>& hwc, const dsl::tensor_shape& s, long long channel, double peak) {
  gray_image img;
  img.width = static_cast<int>(s.width);
  img.height = static_cast<int>(s.height);
  img.pixels.resize(static_cast<std::size_t>(s.width * s.height));
  for (long long p = 0; p < s.width * s.height; ++p)
    img.pixels[static_cast<std::size_t>(p)] =
        static_cast<float>(std::clamp(hwc[static_cast<std::size_t>(p * s.channels + channel)] / peak, 0.0, 1.0));
  return img;
}

// What one chip computed.
struct chip_outcome {
  long long correct = 0;
  double psnr_db = 0.0, ssim = 0.0;
  std::vector<std::pair<std::string, gray_image>> images;
};

reports::calibration_record describe_calibration(const input_sets& sets, const dsl::block_value& tile,
                                                 const models::cim_tile_params& tile_params,
                                                 const dsl::workload_spec& workload, device_network& calibrated,
                                                 const gain_table& gains, bool ranges) {
  reports::calibration_record r = sets.record;
  r.quantile = calibration_quantile;
  r.range = ranges ? "calibrated" : "worst_case";
  r.bias_trim = "none";
  // A Mott neuron's bias trim (the only activation model that trims).
  if (const int a = tile_params.activation_stage;
      a >= 0 && tile_params.readout[static_cast<std::size_t>(a)]->functional == models::activation_model::mott_neuron) {
    const dsl::block_value& neuron = tile.blocks("readout")[static_cast<std::size_t>(a)];
    r.bias_trim = neuron.text("bias_trim");
    if (r.bias_trim == "measured") r.trim_reads = neuron.integer("trim_reads");
  }
  for (const auto& [key, g] : gains) {
    reports::calibrated_layer l;
    l.layer = workload.layers[key.first].name;
    l.group = key.second;
    const models::functional_layer& f = calibrated.layer(key.first, key.second);
    l.path = f.neuron_path() ? "neuron" : f.analog_path() ? "analog_adc" : "adc";
    l.input_full_scale = g.input_full_scale;
    l.analog_full_scale = g.analog_full_scale;
    l.adc_range = g.adc_range;
    r.layers.push_back(l);
  }
  return r;
}

// Which workloads write maps: those whose last layer is an image (see below).
bool writes_image_maps(const dsl::layer_spec& last) { return last.out_shape.height > 1 && last.out_shape.width > 1; }

// The map of the last layer's channel `c`, as the device computed it or as the
// float reference did.
std::string image_map_name(const dsl::layer_spec& last, std::size_t c, bool reference) {
  return last.name + "_" + std::to_string(c) + (reference ? "_reference.png" : ".png");
}

}  // namespace

void check_image_output_names(const dsl::workload_spec& workload) {
  if (workload.layers.empty() || !writes_image_maps(workload.layers.back())) return;
  const auto& last = workload.layers.back();
  if (last.name.empty()) return;  // maps are then "_0.png" ...
  if (const std::string problem = dsl::path_component_problem(last.name); !problem.empty())
    throw dsl::input_error(last.where, "layer name '" + last.name +
                                           "' names the PNG maps functional mode writes (NAME_0.png ...): " + problem);
}

std::vector<std::string> image_output_names(const dsl::workload_spec& workload) {
  std::vector<std::string> names;
  if (workload.layers.empty() || !writes_image_maps(workload.layers.back())) return names;
  const auto& last = workload.layers.back();
  if (!last.name.empty() && !dsl::path_component_problem(last.name).empty()) return names;
  for (long long c = 0; c < last.out_shape.channels; ++c)
    for (const bool reference : {false, true})
      names.push_back(image_map_name(last, static_cast<std::size_t>(c), reference));
  return names;
}

functional_outcome run_functional(const dsl::workload_spec& workload, const dsl::architecture_spec& arch,
                                  const network_plan& plan, const functional_options& options) {
  if (options.chips < 1) throw dsl::input_error({"--chips", 0, 0}, "the number of chips must be at least 1");
  functional_outcome out;
  const reference_network reference(workload);
  const input_sets sets = load_inputs(workload, options);
  const auto& inputs = sets.scored;
  const auto& labels = sets.labels;
  const bool classifier = !labels.empty();
  out.samples = static_cast<long long>(inputs.size());
  out.notes = sets.notes;
  out.scored_image = sets.scored_file;
  const dsl::component_spec* tile_c = arch.find(plan.tile_component);
  const bool ranges = tile_c->params.text("range_calibration") == "calibrated";
  // Finite weights can still overflow (values near 3e38 multiplied): the
  // float reference of one input says so at the first layer it happens in,
  // before calibration or any chip, rather than a PSNR of 100 dB against NaN
  // maps.
  if (!inputs.empty()) {
    const auto outputs = reference.forward_all(inputs.front());
    dsl::diagnostics overflow;
    for (std::size_t i = 0; i < outputs.size() && !overflow.has_errors(); ++i)
      check_finite_values(workload.layers[i], "float reference output", outputs[i].data(), outputs[i].size(),
                          overflow);
    if (overflow.has_errors()) throw dsl::input_error(overflow);
  }

  // Calibration, before anything is scored, on the calibration set alone. The
  // gains come from float activations and nominal devices, so they are the
  // same for every chip; each chip's neurons are trimmed on that chip when its
  // layers are built (bias_trim: measured).
  const dsl::block_value ideal_tile = ideal_devices(tile_c->params, plan.tile);
  device_network ideal{workload, plan, ideal_tile, reference, chip_seed(options.seed, -1), nullptr, {}};
  const gain_table gains =
      sets.calibration.empty() ? gain_table{} : ideal.calibrate(sets.calibration, ranges, dsl::hardware_threads());
  out.calibration = describe_calibration(sets, tile_c->params, plan.tile, workload, ideal, gains, ranges);

  for (long long c = 0; c < options.chips; ++c) out.chip_seeds.push_back(chip_seed(options.seed, c));

  // Every chip, and for classifiers the ideal-device chip, is programmed from
  // its own seed; then every (chip, batch of inputs) is an independent job, and
  // so is the float reference of each batch: the jobs share the processors
  // whatever their number, and a chip's result does not depend on it.
  constexpr std::size_t batch_size = 64;
  const std::size_t batches = (inputs.size() + batch_size - 1) / batch_size;
  const unsigned threads = dsl::hardware_threads();
  std::vector<std::unique_ptr<device_network>> drawn;
  for (const unsigned long long seed : out.chip_seeds)
    drawn.push_back(std::make_unique<device_network>(
        device_network{workload, plan, tile_c->params, reference, seed, &gains, {}}));
  std::vector<device_network*> networks;
  for (auto& d : drawn) networks.push_back(d.get());
  if (classifier) networks.push_back(&ideal);
  const std::size_t device_jobs = networks.size() * batches;
  // Few jobs (an image's chips: one job each): the chunks of each product share
  // the processors too, or the last wave of jobs leaves some idle (5 chips on
  // 2 processors ran the fifth on one). The chunks draw from their own streams,
  // so a chip's bytes do not depend on it; at worst threads^2 threads share
  // the processors while waves overlap.
  const int layer_threads = device_jobs < 4 * static_cast<std::size_t>(threads) ? static_cast<int>(threads) : 1;
  dsl::run_parallel(networks.size(), threads, [&](std::size_t k) { networks[k]->build(layer_threads); });

  std::vector<long long> correct(networks.size() * batches, 0), reference_correct(batches, 0);
  std::vector<std::vector<float>> last_device(networks.size());
  std::vector<std::vector<std::vector<float>>> reference_out;
  const auto batch_of = [&](std::size_t b) {
    const std::size_t first = b * batch_size, end = std::min(inputs.size(), first + batch_size);
    return std::vector<std::vector<float>>(inputs.begin() + static_cast<std::ptrdiff_t>(first),
                                           inputs.begin() + static_cast<std::ptrdiff_t>(end));
  };
  dsl::run_parallel(device_jobs + (classifier ? batches : 1), threads, [&](std::size_t job) {
    if (job >= device_jobs) {  // the float reference
      if (!classifier) {
        reference_out.push_back(reference.forward_all(inputs.back()));
        return;
      }
      const std::size_t b = job - device_jobs;
      for (std::size_t s = b * batch_size; s < std::min(inputs.size(), (b + 1) * batch_size); ++s)
        reference_correct[b] += static_cast<long long>(reference.classify(inputs[s])) == labels[s];
      return;
    }
    const std::size_t b = job / networks.size(), k = job % networks.size();
    auto dev = networks[k]->forward(batch_of(b), b);
    const std::size_t first = b * batch_size;
    for (std::size_t s = first; s < first + dev.size(); ++s) {
      if (classifier) correct[k * batches + b] += static_cast<long long>(argmax(dev[s - first].back())) == labels[s];
      if (s + 1 == inputs.size()) last_device[k] = std::move(dev[s - first].back());
    }
  });

  // Image outputs: compare each channel of the last layer with float, both
  // scaled by the float map's peak.
  std::vector<chip_outcome> chips(static_cast<std::size_t>(options.chips));
  const auto& last = workload.layers.back();
  bool ssim_fits = true;
  for (std::size_t k = 0; k < chips.size(); ++k)
    for (std::size_t b = 0; b < batches; ++b) chips[k].correct += correct[k * batches + b];
  if (!classifier && writes_image_maps(last) && !inputs.empty()) {
    // One job per (chip, channel); each chip's means add its channels in order.
    const auto channels = static_cast<std::size_t>(last.out_shape.channels);
    struct channel_result {
      double psnr_db = 0.0, ssim = 0.0;
      gray_image device, reference;
    };
    std::vector<channel_result> per_channel(chips.size() * channels);
    // SSIM's 11x11 window (Wang 2004) needs maps at least that large; smaller
    // ones get PSNR alone, and the report says why (they were an internal
    // error, exit 1).
    ssim_fits = last.out_shape.height >= ssim_options{}.window && last.out_shape.width >= ssim_options{}.window;
    dsl::run_parallel(per_channel.size(), threads, [&](std::size_t job) {
      const std::size_t k = job / channels;
      const auto c = static_cast<long long>(job % channels);
      const auto& dev = last_device[k];
      const auto& ref = reference_out.back().back();
      double peak = 0;
      for (long long p = 0; p < last.out_shape.height * last.out_shape.width; ++p)
        peak = std::max(peak, static_cast<double>(ref[static_cast<std::size_t>(p * last.out_shape.channels + c)]));
      if (peak <= 0) peak = 1;
      channel_result& r = per_channel[job];
      r.device = channel_image(dev, last.out_shape, c, peak);
      r.reference = channel_image(ref, last.out_shape, c, peak);
      r.psnr_db = psnr_db(r.device, r.reference);
      if (ssim_fits) r.ssim = ssim(r.device, r.reference);
    });
    for (std::size_t k = 0; k < chips.size(); ++k)
      for (std::size_t c = 0; c < channels; ++c) {
        channel_result& r = per_channel[k * channels + c];
        chips[k].psnr_db += (std::isfinite(r.psnr_db) ? r.psnr_db : 100.0) / static_cast<double>(channels);
        chips[k].ssim += r.ssim / static_cast<double>(channels);
        if (k == 0) {
          chips[k].images.emplace_back(image_map_name(last, c, false), std::move(r.device));
          chips[k].images.emplace_back(image_map_name(last, c, true), std::move(r.reference));
        }
      }
  }
  long long ideal_correct = 0, reference_total = 0;
  for (std::size_t b = 0; b < batches; ++b) {
    if (classifier) ideal_correct += correct[chips.size() * batches + b];
    reference_total += reference_correct[b];
  }

  std::vector<double> top1, psnr, ssim_values;
  const auto n = static_cast<double>(inputs.size());
  for (const auto& c : chips) {
    top1.push_back(static_cast<double>(c.correct) / n);
    psnr.push_back(c.psnr_db);
    ssim_values.push_back(c.ssim);
  }
  if (classifier) {
    out.chip_metrics["top1"] = summarize_chips(top1, 0.95, 0.0, 1.0);
    out.accuracy["top1"] = out.chip_metrics["top1"].mean;
    out.accuracy["ideal_devices_top1"] = static_cast<double>(ideal_correct) / n;
    out.accuracy["reference_top1"] = static_cast<double>(reference_total) / n;
    out.notes.push_back("ideal_devices_top1: the same chip with no programming variation, read noise, stuck cells "
                        "or neuron variation; it keeps the neuron's transfer curve and the converters' resolution");
  } else if (!writes_image_maps(last) && !inputs.empty() && !reference_out.empty()) {
    // Scores without labels (an imported classifier on a random or given
    // input): whether each chip picks the class the float reference picks.
    const std::size_t want = argmax(reference_out.back().back());
    std::vector<double> agree;
    for (std::size_t k = 0; k < chips.size(); ++k)
      agree.push_back(!last_device[k].empty() && argmax(last_device[k]) == want ? 1.0 : 0.0);
    out.chip_metrics["top1_agreement"] = summarize_chips(agree, 0.95, 0.0, 1.0);
    out.accuracy["top1_agreement"] = out.chip_metrics["top1_agreement"].mean;
    out.accuracy["reference_class"] = static_cast<double>(want);
    out.notes.push_back("top1_agreement: the fraction of chips whose largest output is the float reference's "
                        "(reference_class), on the run's one input");
  } else if (!chips.front().images.empty()) {
    out.chip_metrics["psnr_db"] = summarize_chips(psnr);
    out.quality["psnr_db"] = out.chip_metrics["psnr_db"].mean;
    if (ssim_fits) {
      out.chip_metrics["ssim"] = summarize_chips(ssim_values, 0.95, -1.0, 1.0);
      out.quality["ssim"] = out.chip_metrics["ssim"].mean;
    } else {
      out.notes.push_back("ssim: not computed: the output maps are " + std::to_string(last.out_shape.width) + "x" +
                          std::to_string(last.out_shape.height) + ", smaller than SSIM's " +
                          std::to_string(ssim_options{}.window) + "x" + std::to_string(ssim_options{}.window) +
                          " window");
    }
    out.images = std::move(chips.front().images);
    out.notes.push_back(std::string(ssim_fits ? "psnr_db and ssim" : "psnr_db") +
                        ": mean over the output channels, each map scaled by its float peak "
                        "(PSNR of identical maps counted as 100 dB); the maps written are those of the first chip");
  }
  if (options.chips > 1)
    out.notes.push_back(std::to_string(options.chips) +
                        " chips, each its own draw of programming variation, stuck cells and neuron Tc and threshold; "
                        "figures are their mean, with the 95 % Student t interval of the mean");
  return out;
}

}  // namespace mottsim::platform
