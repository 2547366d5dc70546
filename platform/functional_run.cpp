#include "platform/functional_run.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>

#include "dsl/diagnostics.hpp"
#include "dsl/path_component.hpp"
#include "models/functional_crossbar.hpp"
#include "platform/analog_functional.hpp"
#include "platform/image_io.hpp"
#include "platform/image_metrics.hpp"
#include "platform/mnist_dataset.hpp"
#include "platform/reference_forward.hpp"

namespace mottsim::platform {

namespace {

std::uint64_t mix(std::uint64_t seed, std::uint64_t a, std::uint64_t b) {
  // SplitMix64 steps: independent device draws per (layer, group).
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (a + 1) + 0xBF58476D1CE4E5B9ULL * (b + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// The tile with every device non-ideality switched off: no programming
// variation, read noise or stuck cells, and Mott neurons without device
// variation, cycle noise or gain-stage noise and offset. The neuron keeps its transfer curve and the
// converters their resolution, so what remains is the cost of the curve and
// of quantization.
dsl::block_value ideal_devices(const dsl::block_value& tile) {
  dsl::block_value t = tile;
  auto zero = [](dsl::block_value& b, const char* name) {
    if (b.has(name)) b.params.at(name).number = 0.0;
  };
  auto xbar = std::make_shared<dsl::block_value>(*t.params.at("crossbar").block);
  auto cell = std::make_shared<dsl::block_value>(*xbar->params.at("cell").block);
  for (const char* name : {"programming_sigma", "read_noise_sigma", "stuck_on_rate", "stuck_off_rate"}) zero(*cell, name);
  xbar->params.at("cell").block = cell;
  t.params.at("crossbar").block = xbar;
  for (auto& stage : t.params.at("readout").blocks)
    if (stage.type == "mott_neuron") {
      for (const char* name : {"sigma_tc", "sigma_threshold", "cycle_noise"}) zero(stage, name);
      // The gain stage in front of a thermal neuron: no offset, no noise.
      auto gain = std::make_shared<dsl::block_value>(*stage.params.at("gain_stage").block);
      for (const char* name : {"noise", "offset_sigma"}) zero(*gain, name);
      stage.params.at("gain_stage").block = gain;
    } else if (stage.type == "cmos_activation") {
      for (const char* name : {"offset_sigma", "noise"}) zero(stage, name);
    }
  return t;
}

// An analog sum's full scale (the neuron's input, or a bipolar ADC's) sits at
// this quantile of the layer's float pre-activations: the rare larger ones clip,
// the rest get the converter's resolution.
constexpr double analog_calibration_quantile = 0.999;

struct device_network {
  const dsl::workload_spec& workload;
  const network_plan& plan;
  const dsl::block_value& tile;
  const reference_network& reference;
  unsigned long long seed;
  std::map<std::pair<std::size_t, long long>, std::unique_ptr<models::functional_layer>> layers;

  models::functional_layer& layer(std::size_t i, long long group) {
    auto key = std::make_pair(i, group);
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
    f->set_threads(1);
    configure_analog_layer(*f, plan, i, tile);
    auto& ref = *f;
    layers[key] = std::move(f);
    return ref;
  }

  // Sets every layer group's gains from float activations of `samples` (see
  // run_functional).
  void calibrate(const std::vector<std::vector<float>>& samples) {
    reference.forward_batch(samples, [&](std::size_t i, long long g, const Eigen::MatrixXd& x) {
      models::functional_layer& f = layer(i, g);
      const double peak = x.size() > 0 ? x.maxCoeff() : 0.0;
      const int producer = plan.layers[i].analog.producer;
      const models::functional_layer* source = producer < 0 ? nullptr : &layer(static_cast<std::size_t>(producer), g);
      if (const double held = held_input_full_scale(plan, i, source); held > 0)
        f.set_input_full_scale(held);
      else if (peak > 0)
        f.set_input_full_scale(peak);
      f.calibrate_analog_sum(x, analog_calibration_quantile);
      return f.reference(x);
    });
  }

  // The gains `other` calibrated, for the same network on other devices.
  void copy_gains(const device_network& other) {
    for (const auto& [key, f] : other.layers) {
      models::functional_layer& mine = layer(key.first, key.second);
      mine.set_input_full_scale(f->input_full_scale());
      if (f->analog_path()) mine.set_analog_full_scale(f->analog_full_scale());
    }
  }

  // [input][layer] outputs of a batch: one device product per layer group.
  std::vector<std::vector<std::vector<float>>> forward(const std::vector<std::vector<float>>& batch) {
    return reference.forward_batch(batch, [&](std::size_t i, long long g, const Eigen::MatrixXd& x) {
      return layer(i, g).forward(x);
    });
  }
};

std::vector<std::vector<float>> load_inputs(const dsl::workload_spec& w, const functional_options& options,
                                            std::vector<int>& labels) {
  std::vector<std::vector<float>> inputs;
  const std::string source = options.image.empty() ? w.inputs.source : "image";
  if (source == "image") {
    const std::string file = options.image.empty() ? w.inputs.file : options.image;
    const gray_image img = read_image(file);
    if (img.height != w.input.height || img.width != w.input.width || w.input.channels != 1)
      throw dsl::input_error({file, 0, 0}, "image is " + std::to_string(img.width) + "x" + std::to_string(img.height) +
                                               " (grey), but workload '" + w.name + "' takes " + w.input.to_string() +
                                               " (height x width x channels)");
    inputs.push_back(img.pixels);
  } else if (source == "mnist_test") {
    if (w.input.height != 28 || w.input.width != 28 || w.input.channels != 1)
      throw dsl::input_error(w.inputs.where, "MNIST digits are 28x28x1, but workload '" + w.name + "' takes " +
                                                 w.input.to_string());
    const mnist_split split = split_mnist(load_mnist());
    const auto n = std::min<std::size_t>(split.test.size(), static_cast<std::size_t>(w.inputs.count));
    for (std::size_t i = 0; i < n; ++i) {
      inputs.emplace_back(split.test.image(i), split.test.image(i) + mnist_dataset::pixels);
      labels.push_back(split.test.labels[i]);
    }
  } else {
    std::mt19937_64 gen(options.seed);
    std::vector<float> x(static_cast<std::size_t>(w.input.elements()));
    for (auto& v : x) v = static_cast<float>(static_cast<double>(gen() >> 11) / 9007199254740992.0);
    inputs.push_back(std::move(x));
  }
  return inputs;
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

// Which workloads write maps: those whose last layer is an image (see below).
bool writes_image_maps(const dsl::layer_spec& last) { return last.out_shape.height > 1 && last.out_shape.width > 1; }

}  // namespace

void check_image_output_names(const dsl::workload_spec& workload) {
  if (workload.layers.empty() || !writes_image_maps(workload.layers.back())) return;
  const auto& last = workload.layers.back();
  if (last.name.empty()) return;  // maps are then "_0.png" ...
  if (const std::string problem = dsl::path_component_problem(last.name); !problem.empty())
    throw dsl::input_error(last.where, "layer name '" + last.name +
                                           "' names the PNG maps functional mode writes (NAME_0.png ...): " + problem);
}

functional_outcome run_functional(const dsl::workload_spec& workload, const dsl::architecture_spec& arch,
                                  const network_plan& plan, const functional_options& options) {
  functional_outcome out;
  const reference_network reference(workload);
  std::vector<int> labels;
  const auto inputs = load_inputs(workload, options, labels);
  out.samples = static_cast<long long>(inputs.size());
  const dsl::component_spec* tile_c = arch.find(plan.tile_component);

  // Calibration on the first samples, as a chip sets its per-layer gains once:
  // the float network runs through every layer group, which maps the largest
  // input it sees to its drivers' full scale and, on the analog path, a high
  // quantile of its pre-activations to the analog sum's full scale.
  const std::size_t calibration = std::min<std::size_t>(inputs.size(), 16);
  const std::vector<std::vector<float>> samples(inputs.begin(),
                                                inputs.begin() + static_cast<std::ptrdiff_t>(calibration));
  device_network devices{workload, plan, tile_c->params, reference, options.seed, {}};
  devices.calibrate(samples);
  // For classifiers, the same network on ideal devices separates the cost of
  // the devices' variation and noise from that of the transfer curve and the
  // converters.
  const dsl::block_value ideal_tile = ideal_devices(tile_c->params);
  device_network ideal{workload, plan, ideal_tile, reference, options.seed, {}};
  if (!labels.empty()) ideal.copy_gains(devices);
  long long correct = 0, reference_correct = 0, ideal_correct = 0;
  std::vector<std::vector<float>> last_device, last_reference;
  // Inputs go through in batches: one device product per layer and batch.
  constexpr std::size_t batch_size = 64;
  for (std::size_t first = 0; first < inputs.size(); first += batch_size) {
    const std::size_t end = std::min(inputs.size(), first + batch_size);
    const std::vector<std::vector<float>> batch(inputs.begin() + static_cast<std::ptrdiff_t>(first),
                                                inputs.begin() + static_cast<std::ptrdiff_t>(end));
    auto dev = devices.forward(batch);
    std::vector<std::vector<std::vector<float>>> ideal_out;
    if (!labels.empty()) ideal_out = ideal.forward(batch);
    for (std::size_t s = first; s < end; ++s) {
      auto ref = reference.forward_all(inputs[s]);
      auto& d = dev[s - first];
      if (!labels.empty()) {
        correct += static_cast<long long>(argmax(d.back())) == labels[s];
        ideal_correct += static_cast<long long>(argmax(ideal_out[s - first].back())) == labels[s];
        reference_correct += static_cast<long long>(argmax(ref.back())) == labels[s];
      }
      if (s + 1 == inputs.size()) {
        last_device = std::move(d);
        last_reference = std::move(ref);
      }
    }
  }
  if (!labels.empty()) {
    out.accuracy["top1"] = static_cast<double>(correct) / static_cast<double>(inputs.size());
    out.accuracy["ideal_devices_top1"] = static_cast<double>(ideal_correct) / static_cast<double>(inputs.size());
    out.notes.push_back("ideal_devices_top1: the same chip with no programming variation, read noise, stuck cells "
                        "or neuron variation; it keeps the neuron's transfer curve and the converters' resolution");
    out.accuracy["reference_top1"] = static_cast<double>(reference_correct) / static_cast<double>(inputs.size());
  }
  // Image outputs: compare each channel of the last layer with float, both
  // scaled by the float map's peak.
  const auto& last = workload.layers.back();
  if (labels.empty() && writes_image_maps(last) && !last_device.empty()) {
    double psnr_sum = 0, ssim_sum = 0;
    const auto& dev = last_device.back();
    const auto& ref = last_reference.back();
    for (long long c = 0; c < last.out_shape.channels; ++c) {
      double peak = 0;
      for (long long p = 0; p < last.out_shape.height * last.out_shape.width; ++p)
        peak = std::max(peak, static_cast<double>(ref[static_cast<std::size_t>(p * last.out_shape.channels + c)]));
      if (peak <= 0) peak = 1;
      const gray_image d = channel_image(dev, last.out_shape, c, peak);
      const gray_image r = channel_image(ref, last.out_shape, c, peak);
      const double psnr = psnr_db(d, r);
      psnr_sum += std::isfinite(psnr) ? psnr : 100.0;
      ssim_sum += ssim(d, r);
      out.images.emplace_back(last.name + "_" + std::to_string(c) + ".png", d);
      out.images.emplace_back(last.name + "_" + std::to_string(c) + "_reference.png", r);
    }
    out.quality["psnr_db"] = psnr_sum / static_cast<double>(last.out_shape.channels);
    out.quality["ssim"] = ssim_sum / static_cast<double>(last.out_shape.channels);
    out.notes.push_back("psnr_db and ssim: mean over the output channels, each map scaled by its float peak "
                        "(PSNR of identical maps counted as 100 dB)");
  }
  return out;
}

}  // namespace mottsim::platform
