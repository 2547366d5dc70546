#include "platform/mapping/layer_densities.hpp"

#include <algorithm>
#include <bitset>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <utility>

#include "dsl/diagnostics.hpp"
#include "dsl/onnx_import.hpp"
#include "models/crossbar_mapping.hpp"
#include "models/weight_encoding.hpp"
#include "platform/data/mnist_dataset.hpp"
#include "platform/data/reference_forward.hpp"
#include "platform/data/weights_file.hpp"

namespace mottsim::platform {

namespace {

std::string number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

std::string stated_text(const char* key, double value, const dsl::source_location& where, const std::string& why) {
  const std::string stated = where.file.empty() ? std::string("the workload's ") + key + " default " + number(value)
                                                : std::string("the workload's ") + key + " " + number(value) + " (" +
                                                      where.to_string() + ")";
  return stated + (why.empty() ? "" : "; " + why);
}

// Sums of one layer's quantized inputs, over its groups and inputs.
struct input_tally {
  double on = 0.0;     // bits that are 1, or unit pulses
  double total = 0.0;  // bits, or windows of unit pulses
  void add(double x, double full_scale, long long levels, int bits, models::input_mode mode) {
    double t = x / full_scale;
    if (!(t >= 0.0)) t = 0.0;  // negative and NaN inputs drive nothing
    if (t > 1.0) t = 1.0;
    const auto code = static_cast<unsigned long long>(t * static_cast<double>(levels) + 0.5);
    if (mode == models::input_mode::pulse_width) {
      on += static_cast<double>(code);
      total += static_cast<double>(levels);
    } else {
      on += static_cast<double>(std::bitset<64>(code).count());
      total += bits;
    }
  }
  double density() const { return total > 0.0 ? on / total : 0.0; }
};

int input_bits_of(const dsl::workload_spec& w, const models::cim_tile_params& tile) {
  return tile.input == models::input_mode::pulse_width
             ? static_cast<int>(std::min<long long>(w.activation_bits, tile.dac_bits))
             : w.activation_bits;
}

models::layer_matrix matrix_of(const dsl::workload_spec& w, const dsl::layer_spec& l) {
  models::layer_matrix m;
  m.fan_in = l.weight_rows();
  m.outputs = l.weight_cols() / std::max<long long>(1, l.groups);
  m.groups = l.groups;
  m.vectors = l.out_shape.height * l.out_shape.width;
  m.weight_bits = w.weight_bits;
  m.activation_bits = w.activation_bits;
  m.relu = l.activation == dsl::activation_kind::relu;
  return m;
}

// Measures every mappable matrix layer's weight density (a layer that does
// not map is the planner's error to report) on the weights the float
// reference computes with (reference_network::check has passed): the
// layer's own, else the file's, read a few outputs at a time (an ONNX
// model's straight from the model, never copied whole).
void measure_weights(const dsl::workload_spec& w, const weights_file& file, const models::cim_tile_params& tile,
                     std::vector<layer_density>& out) {
  const std::string file_name = std::filesystem::path(w.weights_file).filename().string();
  const bool differential = tile.signed_weights == models::signed_encoding::differential;
  std::vector<float> rows;
  for (std::size_t i = 0; i < w.layers.size(); ++i) {
    const dsl::layer_spec& l = w.layers[i];
    if (!l.is_matrix_layer()) continue;
    const models::layer_matrix m = matrix_of(w, l);
    models::crossbar_mapping mapping;
    std::string why;
    if (!models::map_matrix(m, tile, mapping, why)) continue;
    const layer_weights* stored = l.weights.empty() ? file.find(l.name) : nullptr;
    const long long batch = std::min(m.outputs, std::max(1LL, dsl::onnx_weights_per_read / m.fan_in));
    rows.resize(static_cast<std::size_t>(batch * m.fan_in));
    // The group's weights a batch of outputs at a time, to `use` (the range, then the codes).
    const auto each_batch = [&](long long g, const auto& use) {
      for (long long k = 0; k < m.outputs; k += batch) {
        const long long first = g * m.outputs + k, count = std::min(batch, m.outputs - k);
        if (stored) {
          stored->read_outputs(first, count, m.fan_in, rows.data());
        } else {
          for (long long j = 0; j < count * m.fan_in; ++j)
            rows[static_cast<std::size_t>(j)] = static_cast<float>(l.weights[static_cast<std::size_t>(first * m.fan_in + j)]);
        }
        use(rows.data(), static_cast<std::size_t>(count * m.fan_in));
      }
    };
    double sum = 0.0;
    for (long long g = 0; g < m.groups; ++g) {
      models::weight_density_tally tally(tile, mapping, w.weight_bits);
      // Weights that are not numbers would be "measured" all the same.
      dsl::diagnostics not_finite;
      std::size_t seen = static_cast<std::size_t>(g * m.outputs * m.fan_in);
      each_batch(g, [&](const float* v, std::size_t n) {
        if (!not_finite.has_errors())
          check_finite_values(l, "weight", v, n, not_finite, seen, static_cast<std::size_t>(l.weight_count()));
        seen += n;
      });
      if (not_finite.has_errors()) throw dsl::input_error(not_finite);
      each_batch(g, [&](const float* v, std::size_t n) { tally.range(v, n); });
      each_batch(g, [&](const float* v, std::size_t n) { tally.add(v, n); });
      sum += tally.density();
    }
    out[i].weight = sum / static_cast<double>(m.groups);
    out[i].weight_source =
        "measured on the trained weights of " + file_name + " as the mapping programs them: the mean (G - g_min) / (g_max - "
        "g_min) of the layer's " + std::to_string(mapping.used_cells) + " weight cells (" +
        std::to_string(w.weight_bits) + "-bit codes scaled to max|w|, " + std::to_string(mapping.slices) +
        " slice(s) of " + std::to_string(tile.bits_per_cell) + " bits" + (differential ? ", differential pairs" : ", offset columns") +
        ", " + std::to_string(tile.levels) + " levels)";
  }
}

void measure_inputs(const dsl::workload_spec& w, const reference_network& net, const models::cim_tile_params& tile,
                    const dsl::block_value& tile_block, const std::vector<std::vector<float>>& samples,
                    const std::string& what, std::vector<layer_density>& out) {
  const int bits = input_bits_of(w, tile);
  const long long levels = (1LL << bits) - 1;
  const bool calibrated = tile_block.text("range_calibration") == "calibrated";
  const double driver_full_scale = tile_block.block("input").number("full_scale");
  const auto product = [&](std::size_t i, long long g, const Eigen::MatrixXd& x) { return net.product(i, g, x); };
  constexpr std::size_t batch = 64;
  const auto each_batch = [&](const reference_network::matrix_fn& fn) {
    for (std::size_t first = 0; first < samples.size(); first += batch) {
      const std::vector<std::vector<float>> part(
          samples.begin() + static_cast<std::ptrdiff_t>(first),
          samples.begin() + static_cast<std::ptrdiff_t>(std::min(samples.size(), first + batch)));
      net.forward_batch(part, fn);
    }
  };
  // The largest input each group sees sets its drivers' full scale, as
  // functional mode calibrates it; then the quantized inputs are counted.
  std::map<std::pair<std::size_t, long long>, double> peak;
  if (calibrated)
    each_batch([&](std::size_t i, long long g, const Eigen::MatrixXd& x) {
      double& p = peak[{i, g}];
      if (x.size() > 0) p = std::max(p, x.maxCoeff());
      return product(i, g, x);
    });
  std::map<std::size_t, input_tally> tally;
  std::map<std::size_t, double> scale;
  each_batch([&](std::size_t i, long long g, const Eigen::MatrixXd& x) {
    double fs = driver_full_scale;
    if (calibrated && peak[{i, g}] > 0.0) fs = peak[{i, g}];
    scale[i] = std::max(scale[i], fs);
    input_tally& t = tally[i];
    for (Eigen::Index c = 0; c < x.cols(); ++c)
      for (Eigen::Index r = 0; r < x.rows(); ++r) t.add(x(r, c), fs, levels, bits, tile.input);
    return product(i, g, x);
  });
  const bool pulse = tile.input == models::input_mode::pulse_width;
  for (const auto& [i, t] : tally) {
    out[i].input = t.density();
    out[i].input_source = "measured: the layer's inputs in a float forward pass over " + what + ", quantized to " +
                          std::to_string(bits) + " bits at full scale " + number(scale[i]) +
                          (calibrated ? " (the largest input the layer sees there)" : " (the drivers' full_scale)") +
                          (pulse ? ": the mean pulse width over the window" : ": the fraction of input bits that are 1");
  }
}

}  // namespace

double quantized_input_density(const std::vector<double>& values, double full_scale, int bits,
                               models::input_mode mode) {
  input_tally t;
  const long long levels = (1LL << bits) - 1;
  for (double x : values) t.add(x, full_scale, levels, bits, mode);
  return t.density();
}

std::vector<layer_density> layer_densities(const dsl::workload_spec& w, const models::cim_tile_params& tile,
                                           const dsl::block_value& tile_block, std::string* absent_weights) {
  std::vector<layer_density> out(w.layers.size());
  auto state = [&](const std::string& input_why, const std::string& weight_why) {
    for (auto& d : out) {
      d.input = w.input_density;
      d.input_source = stated_text("input_density", w.input_density, w.input_density_where, input_why);
      d.weight = w.weight_density;
      d.weight_source = stated_text("weight_density", w.weight_density, w.weight_density_where, weight_why);
    }
  };
  if (w.weights_file.empty()) {
    state("", "");
    return out;
  }
  // A network with stored constants (a transformer: class token, position
  // embedding, layer normalizations) keeps the stated statistics, as it did
  // before functional mode could run it: measuring its weights would change
  // perf mode's figures for it and take many times its run.
  for (const auto& l : w.layers)
    if (l.uses_stored_constant() || l.kind == dsl::layer_kind::layernorm) {
      const std::string why = "the weights of a network with stored constants (layer '" + l.name +
                              "') are not measured in perf mode";
      state(why, why);
      return out;
    }
  // Perf mode does not need the weights: an absent file (its data not
  // fetched) leaves the stated statistics, and says why. A file that is there
  // is read, and what is wrong with it is the user's to know (exit 2), not a
  // reason to price the reads with other statistics.
  std::error_code ec;
  if (!std::filesystem::exists(w.weights_file, ec)) {
    const std::string why = "the weights file " + w.weights_file + " is absent";
    state(why, why);
    if (absent_weights)
      *absent_weights = "the workload's weights_file " + w.weights_file +
                        " is absent (`make models` fetches the shipped ONNX models): cell reads are priced with the stated "
                        "input_density " + number(w.input_density) + " and weight_density " +
                        number(w.weight_density) + ", not the trained weights' own";
    return out;
  }
  auto file = std::make_unique<weights_file>(read_weights_file(w));
  reference_network::check(w, file.get());
  std::string input_why;
  std::vector<std::vector<float>> samples;
  std::string what;
  if (w.inputs.source != "mnist_test") {
    input_why = "its inputs (" + w.inputs.source + ") are not training data mottsim can feed";
  } else if (w.input.height != mnist_dataset::side || w.input.width != mnist_dataset::side || w.input.channels != 1) {
    input_why = "MNIST digits are 28x28x1, but it takes " + w.input.to_string();
  } else if (w.inputs.calibration_count < 1) {
    input_why = "its calibration_count names no training digit";
  } else {
    try {
      const mnist_dataset train = load_mnist_training_digits(static_cast<std::size_t>(w.inputs.calibration_count));
      const std::size_t n = train.size();
      for (std::size_t i = 0; i < n; ++i) samples.emplace_back(train.image(i), train.image(i) + mnist_dataset::pixels);
      what = "the first " + std::to_string(n) + " training digits of the MNIST split (seed " +
             std::to_string(mnist_split_seed) + "; the workload's calibration_count, never a scored digit)";
    } catch (const dsl::input_error&) {
      input_why = "the MNIST digits are not there to measure its inputs on (make data)";
    }
  }
  state(input_why, "");
  measure_weights(w, *file, tile, out);
  if (!samples.empty()) measure_inputs(w, reference_network(w, file.get()), tile, tile_block, samples, what, out);
  return out;
}

}  // namespace mottsim::platform
