#include "models/functional_crossbar.hpp"
#include "models/weight_encoding.hpp"

#include "dsl/diagnostics.hpp"
#include "dsl/parallel_jobs.hpp"
#include "models/neuron_trim.hpp"

#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace mottsim::models {

// ---------------------------------------------------------------- layer

namespace {

using matrix_f = Eigen::MatrixXf;
using matrix_i = Eigen::Matrix<std::int32_t, Eigen::Dynamic, Eigen::Dynamic>;

// Streams of the layer's seed.
enum : std::uint64_t {
  stream_programming = 10,
  stream_read_noise = 11,
  stream_neuron = 12,
  stream_cycle_noise = 13,
  stream_hold_noise = 14,
  stream_buffer_noise = 15,
  stream_trim = 16,
};

constexpr Eigen::Index chunk_vectors = 4096;

}  // namespace

struct functional_layer::impl {
  // One crossbar: a row block x a column block.
  struct block {
    Eigen::Index r0 = 0, rows = 0;     // input rows
    Eigen::Index o0 = 0, outs = 0;     // outputs
    Eigen::Index columns = 0;          // programmed columns, reference included
    matrix_f gt;                       // columns x rows: conductance / step (level units)
    matrix_f gt2;                      // its square, for the read-noise variance
    matrix_f combine;                  // columns x outs: shift, pair subtraction, reference
    float adc_top = 0.0f;              // ADC top code, level units
    // Bit-serial reads on the ADC path (binary drives): row i of the crossbar
    // as G of every column, padded to `padded` (its row of by_row), so a read
    // sums the rows it drives, and with read noise (squares) their squares.
    Eigen::Index padded = 0;
    bool squares = false;
    std::vector<float> by_row;
    // Shift-and-add of the converted codes: column j of output k's group
    // (column k x columns_per_weight + j) adds slice_weight[j] (its slice's
    // shift, its pair sign); the reference column (offset encoding, the last)
    // adds reference_weight to every output of the block.
    std::vector<double> slice_weight;
    double reference_weight = 0.0;
    // Without a reference column, and when every partial sum of the shift
    // weights times codes stays an integer below 2^24, float arithmetic adds
    // the codes exactly (in any order): column_weight (padded) is the slice
    // weight of each column, 0 past the last.
    bool exact_codes = false;
    double largest_code_sum = 0.0;  // sum over a weight's columns of |slice weight| x the top code
    std::vector<float> column_weight;
  };

  Eigen::Index fan_in = 0, outputs = 0;
  cim_tile_params tile;
  crossbar_mapping mapping;
  bool relu = false;
  bool differential = true;
  bool neuron = false;
  bool analog = false;  // the analog sum is read at once (by the neuron, or by the ADC)
  // The neuron's ADC with code_spacing neuron_input: its decision levels, the
  // nominal neuron's outputs halfway between evenly spaced inputs.
  std::vector<double> neuron_code_levels;

  // weights
  long long slice_bits = 0, slices = 0, q_max = 0, offset_code = 0;
  double w_scale = 1.0;
  Eigen::MatrixXd weights;  // the float weights, for the reference
  matrix_i q;  // fan_in x outputs, in [-q_max, q_max]
  Eigen::VectorXd bias;

  // cells
  double g_min = 0.0, g_max = 0.0, g_step = 0.0, read_voltage = 0.0, read_sigma = 0.0;

  // inputs
  input_mode mode = input_mode::bit_serial;
  long long input_bits = 8, dac_bits = 1, input_levels = 255, reads = 1;
  double input_full_scale = 1.0, input_offset = 0.0;
  std::vector<double> read_weight;  // input levels carried by a read's drive fraction 1

  // readout
  long long adc_bits = 8;
  double adc_full_scale = 1.0;
  std::unique_ptr<mott_neuron_model> neuron_model;
  std::unique_ptr<cmos_activation_model> cmos_model;
  // The ADC-free analog path.
  bool held_output = false;
  analog_hold_params hold;
  double hold_s = 0.0;
  bool analog_input = false;
  double buffer_noise = 0.0;
  double analog_full_scale = 1.0;
  bool analog_full_scale_fixed = false;  // set or calibrated, not the default
  double neuron_current = 3e-3;
  double adc_range = std::numeric_limits<double>::quiet_NaN();  // ADC path: see adc_range_of
  std::shared_ptr<const dsl::block_value> cell_block;  // the synapse cell: levels, variation and stuck rates

  std::vector<block> blocks;
  // Analog path: the block currents add with their shifts and signs before any
  // readout, so the layer folds into outputs x fan_in matrices: folded(k, i) =
  // sum over the columns c of output k of combine(c, k) G(c, i), and
  // folded_sq(k, i) the same with combine^2 G^2 (the read-noise variance).
  matrix_f folded, folded_sq;
  std::uint64_t noise_seed = 0, neuron_noise_seed = 0, hold_noise_seed = 0, buffer_noise_seed = 0;
  std::uint64_t calls = 0;  // forward() calls so far: each draws fresh noise
  int threads = 1;
  mutable std::mutex counts_lock;
  mutable functional_counts counts;

  double value_per_unit() const {  // value of one (integer weight x integer input level)
    return w_scale * input_full_scale / static_cast<double>(input_levels);
  }
  Eigen::VectorXd effective_bias() const {
    Eigen::VectorXd b = bias;
    if (input_offset != 0.0)
      b -= input_offset * w_scale * q.cast<double>().colwise().sum().transpose();
    return b;
  }
  double default_analog_full_scale() const {
    const Eigen::MatrixXd w = w_scale * q.cast<double>();
    const Eigen::VectorXd b = effective_bias();
    double best = 0.0;
    if (neuron)  // the neuron sees only the positive side
      for (Eigen::Index j = 0; j < outputs; ++j)
        best = std::max(best, input_full_scale * w.col(j).cwiseMax(0.0).sum() + b(j));
    if (best <= 0.0)
      for (Eigen::Index j = 0; j < outputs; ++j)
        best = std::max(best, input_full_scale * w.col(j).cwiseAbs().sum() + std::abs(b(j)));
    return best > 0.0 ? best : 1.0;
  }

  // The column current (in conductance steps) at the ADC's top code, before
  // its full_scale: calibrated for the whole layer, or the largest block b's
  // column can carry (every row driven fully at g_max).
  double adc_range_of(const block& b) const {
    return std::isnan(adc_range) ? static_cast<double>(b.rows) * g_max / g_step : adc_range;
  }
  // The neuron's ADC as a calibration sees it (neuron_trim.hpp): its decision
  // levels in the neuron's output domain and the nominal input of the first.
  neuron_readout readout_for_trim() const {
    neuron_readout r;
    const long long levels = (1LL << adc_bits) - 1;
    if (!neuron_code_levels.empty()) {
      r.decision_levels = neuron_code_levels;
      r.first_code_input = 0.5 / static_cast<double>(levels) * adc_full_scale;
      return r;
    }
    for (long long k = 1; k <= levels; ++k)
      r.decision_levels.push_back((static_cast<double>(k) - 0.5) / static_cast<double>(levels) * adc_full_scale);
    // The nominal curve rises monotonically: bisect for the input of the first level.
    const double target = r.decision_levels.front();
    double lo = -1.0, hi = 1.0;
    while (neuron_model->transfer(hi) < target && hi < 64.0) hi *= 2.0;
    for (int i = 0; i < 60; ++i) {
      const double mid = 0.5 * (lo + hi);
      (neuron_model->transfer(mid) < target ? lo : hi) = mid;
    }
    r.first_code_input = 0.5 * (lo + hi);
    return r;
  }
  // The crossbars with every cell's conductance from programmed(nominal); the
  // read-noise matrices only when asked.
  template <class programmed_fn>
  std::vector<block> build_blocks(programmed_fn&& programmed, bool noise_matrices) const;
  void program(std::uint64_t seed);
  matrix_i quantize_inputs(const Eigen::Ref<const Eigen::MatrixXd>& x, functional_counts& c) const;
  void run_chunk(const Eigen::Ref<const Eigen::MatrixXd>& inputs, Eigen::Ref<Eigen::MatrixXd> out,
                 std::uint64_t stream, functional_counts& c) const;
  void drive(const matrix_i& n, Eigen::Index r0, Eigen::Index rows, long long read, matrix_f& d) const;
  // Each read drives its rows with 0 or 1 (bit-serial, or 1-bit DAC chunks),
  // unless the inputs are held analog values.
  bool binary_reads() const { return mode == input_mode::bit_serial || (mode == input_mode::dac && dac_bits == 1); }
  bool binary_drives() const { return !analog_input && binary_reads(); }
  void fold();
  void run_analog(const matrix_i& n, const matrix_f& held, gaussian_source& noise, Eigen::MatrixXd& acc,
                  functional_counts& c) const;
  // Binary drives: the reads of vector `code` (the block's rows) that drive a
  // row, their indices in read[0, k) and their column sums of b.by_row (and
  // with b.squares the sums of their squares, b.padded floats after them),
  // `width` floats a read, at `current` (room for every read), or in
  // d.current when it is null; returns k.
  struct driven_reads {
    std::vector<std::uint64_t> masks;
    std::vector<int> read;
    std::vector<float> current;
  };
  int sum_driven_reads(const block& b, const std::int32_t* code, Eigen::Index width, driven_reads& d,
                       float* current = nullptr) const;
  void run_binary_reads(const matrix_i& n, gaussian_source& noise, Eigen::MatrixXd& acc, functional_counts& c) const;
  void run_reads(const matrix_i& n, const matrix_f& held, gaussian_source& noise, Eigen::MatrixXd& acc,
                 functional_counts& c) const;
  matrix_f analog_drive(const Eigen::Ref<const Eigen::MatrixXd>& x, std::uint64_t stream, functional_counts& c) const;
};

// Held values driven by analog row buffers: the drive fraction is the value
// itself (no quantization), with each drive's own buffer noise, clipped to the
// drivers' range.
matrix_f functional_layer::impl::analog_drive(const Eigen::Ref<const Eigen::MatrixXd>& x, std::uint64_t stream,
                                              functional_counts& counted) const {
  matrix_f d(x.rows(), x.cols());
  std::mt19937_64 rng(seed_stream(buffer_noise_seed, stream));
  std::normal_distribution<double> normal(0.0, 1.0);
  long long clipped = 0;
  for (Eigen::Index c = 0; c < x.cols(); ++c)
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
      double t = (x(r, c) + input_offset) / input_full_scale;
      if (buffer_noise > 0.0) t += buffer_noise * normal(rng);
      if (t < 0.0 || t > 1.0 || std::isnan(t)) {
        ++clipped;
        t = t > 1.0 ? 1.0 : 0.0;
      }
      d(r, c) = static_cast<float>(t);
    }
  counted.clipped_inputs += clipped;
  return d;
}

template <class programmed_fn>
std::vector<functional_layer::impl::block> functional_layer::impl::build_blocks(programmed_fn&& programmed,
                                                                               bool noise_matrices) const {
  const long long levels = cell_block->integer("levels");
  // Level k of a slice sits at k slice steps above g_min, snapped to the device's grid.
  const auto nominal = [&](long long k) {
    const double grid = (g_max - g_min) / static_cast<double>(levels - 1);
    return g_min + grid_index(k, slice_bits, levels) * grid;
  };
  const weight_codes codes{q_max, offset_code, w_scale};
  const signed_encoding encoding = differential ? signed_encoding::differential : signed_encoding::offset;
  const long long cpw = mapping.columns_per_weight;
  const long long per_block = mapping.usable_columns / cpw;
  // Offset encoding: slice columns hold g_min + k step; the reference column (at
  // g_max) scaled by ref_gain removes every slice's g_min floor and the offset.
  double shift_sum = 0.0;
  for (long long s = 0; s < slices; ++s) shift_sum += std::ldexp(1.0, static_cast<int>(slice_bits * s));
  const double ref_gain = (g_min * shift_sum + static_cast<double>(offset_code) * g_step) / g_max;

  std::vector<block> out;
  const Eigen::Index row_blocks = mapping.row_blocks;
  const Eigen::Index column_blocks = mapping.column_blocks;
  for (Eigen::Index rb = 0; rb < row_blocks; ++rb)
    for (Eigen::Index cb = 0; cb < column_blocks; ++cb) {
      block b;
      b.r0 = rb * tile.rows;
      b.rows = std::min<Eigen::Index>(tile.rows, fan_in - b.r0);
      b.o0 = cb * per_block;
      b.outs = std::min<Eigen::Index>(per_block, outputs - b.o0);
      b.columns = b.outs * cpw + (differential ? 0 : 1);
      matrix_f g(b.columns, b.rows);  // transposed: one row per column of the array
      b.combine = matrix_f::Zero(b.columns, b.outs);
      b.slice_weight.assign(static_cast<std::size_t>(cpw), 0.0);
      for (Eigen::Index k = 0; k < b.outs; ++k)
        for (long long s = 0; s < slices; ++s) {
          const float shift = static_cast<float>(std::ldexp(1.0, static_cast<int>(slice_bits * s)));
          const Eigen::Index base = k * cpw + (differential ? 2 * s : s);
          for (Eigen::Index r = 0; r < b.rows; ++r) {
            const slice_levels level = levels_of_slice(q(b.r0 + r, b.o0 + k), s, slice_bits, codes, encoding);
            g(base, r) = static_cast<float>(programmed(nominal(level.positive)) / g_step);
            if (differential) g(base + 1, r) = static_cast<float>(programmed(nominal(level.negative)) / g_step);
          }
          b.combine(base, k) = shift;
          b.slice_weight[static_cast<std::size_t>(base - k * cpw)] = shift;
          if (differential) {
            b.combine(base + 1, k) = -shift;
            b.slice_weight[static_cast<std::size_t>(base + 1 - k * cpw)] = -shift;
          }
        }
      if (!differential) {
        const Eigen::Index ref = b.columns - 1;
        for (Eigen::Index r = 0; r < b.rows; ++r) g(ref, r) = static_cast<float>(programmed(g_max) / g_step);
        for (Eigen::Index k = 0; k < b.outs; ++k) b.combine(ref, k) = static_cast<float>(-ref_gain);
        b.reference_weight = static_cast<double>(static_cast<float>(-ref_gain));
      }
      b.gt = std::move(g);
      {
        const bool noisy = noise_matrices && read_sigma > 0.0;
        const bool row_sums = !analog && binary_reads();
        // The stored squares serve the analog fold and reads of fractional
        // drives; row sums square each conductance as they read it.
        if (noisy && !row_sums) b.gt2 = b.gt.cwiseProduct(b.gt);
        if (row_sums) {
          b.padded = (b.columns + 7) / 8 * 8;
          b.squares = noisy;
          b.by_row.assign(static_cast<std::size_t>(b.rows * b.padded), 0.0f);
          for (Eigen::Index r = 0; r < b.rows; ++r) {
            float* row = b.by_row.data() + r * b.padded;
            for (Eigen::Index c = 0; c < b.columns; ++c) row[c] = b.gt(c, r);
          }
          double largest_sum = 0.0;
          for (const double w : b.slice_weight) largest_sum += std::abs(w) * static_cast<double>((1LL << adc_bits) - 1);
          b.exact_codes = differential && largest_sum < 0x1p24;
          b.largest_code_sum = largest_sum;
          b.column_weight.assign(static_cast<std::size_t>(b.padded), 0.0f);
          for (Eigen::Index c = 0; c < b.outs * cpw; ++c)
            b.column_weight[static_cast<std::size_t>(c)] =
                static_cast<float>(b.slice_weight[static_cast<std::size_t>(c % cpw)]);
        }
      }
      b.adc_top = static_cast<float>(adc_full_scale * adc_range_of(b));
      out.push_back(std::move(b));
    }
  return out;
}

void functional_layer::impl::program(std::uint64_t seed) {
  const dsl::block_value& cell = *cell_block;
  const bool proportional = cell.text("programming_noise") == "proportional";
  const double sigma = cell.number("programming_sigma") * (proportional ? 1.0 : g_max - g_min);
  const double stuck_on = cell.number("stuck_on_rate");
  const double stuck_off = cell.number("stuck_off_rate");
  std::mt19937_64 rng(seed_stream(seed, stream_programming));
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  // Every cell draws its variation and its stuck test whatever the rates, so the
  // same seed is the same chip across a sweep of sigma.
  const auto programmed = [&](double g_nominal) {
    const double e = normal(rng);
    const double u = uniform(rng);
    if (u < stuck_on) return g_max;
    if (u < stuck_on + stuck_off) return g_min;
    return std::max(0.0, g_nominal + sigma * (proportional ? g_nominal : 1.0) * e);
  };
  blocks = build_blocks(programmed, true);
  if (analog) fold();
}

void functional_layer::impl::fold() {
  Eigen::MatrixXd w = Eigen::MatrixXd::Zero(outputs, fan_in);
  Eigen::MatrixXd w2 = Eigen::MatrixXd::Zero(outputs, fan_in);
  for (const block& b : blocks) {
    const Eigen::MatrixXd combine = b.combine.cast<double>();
    w.block(b.o0, b.r0, b.outs, b.rows) += combine.transpose() * b.gt.cast<double>();
    if (read_sigma > 0.0)
      w2.block(b.o0, b.r0, b.outs, b.rows) += combine.cwiseProduct(combine).transpose() * b.gt2.cast<double>();
  }
  folded = w.cast<float>();
  if (read_sigma > 0.0) folded_sq = w2.cast<float>();
}

namespace {

using double4 = double __attribute__((vector_size(32)));
using long4 = std::int64_t __attribute__((vector_size(32)));
using int4x = std::int32_t __attribute__((vector_size(16)));

// codes[i] = the input level of x[i]: (x + offset) / full_scale, clipped to
// [0, 1] (NaN to 0), times levels, rounded half up; returns how many were
// clipped. Four at a time with the scalar's operations in each lane (one AVX2
// register or two SSE2 ones, the version chosen at start), so the codes are
// the same on every processor.
__attribute__((target_clones("avx2", "default"))) long long quantize_codes(
    const double* x, Eigen::Index count, double offset, double full_scale, double levels, std::int32_t* codes) {
  long long clipped = 0;
  Eigen::Index i = 0;
  const double4 zero = {}, one = zero + 1.0;
  long4 clipped_lanes = {};  // -1 for each value clipped, per lane
  for (; i + 4 <= count; i += 4) {
    double4 t;
    std::memcpy(&t, x + i, sizeof t);
    t = (t + offset) / full_scale;
    const long4 low = (t < zero) | (t != t), high = t > one;  // NaN counts as low
    clipped_lanes += low | high;
    t = high ? one : t;
    t = low ? zero : t;
    const int4x code = __builtin_convertvector(t * levels + 0.5, int4x);
    std::memcpy(codes + i, &code, sizeof code);
  }
  for (int j = 0; j < 4; ++j) clipped -= clipped_lanes[j];
  for (; i < count; ++i) {
    double t = (x[i] + offset) / full_scale;
    if (t < 0.0 || t > 1.0 || std::isnan(t)) {
      ++clipped;
      t = t > 1.0 ? 1.0 : 0.0;
    }
    codes[i] = static_cast<std::int32_t>(t * levels + 0.5);
  }
  return clipped;
}

// values[i] = (the number of the rising `levels` it is not below) / top_code x
// top, a count upper_bound's index gives too (NaN passes them all, as there):
// eight values at a time, the same codes in every version.
__attribute__((target_clones("avx2", "default"))) void count_levels_passed(
    double* values, Eigen::Index count, const double* levels, std::size_t decisions, double top_code, double top) {
  Eigen::Index i = 0;
  for (; i + 4 <= count; i += 4) {
    double4 y;
    std::memcpy(&y, values + i, sizeof y);
    long4 below = {};  // -1 for each level y is below
    for (std::size_t j = 0; j < decisions; ++j) below += y < levels[j];
    double4 code = __builtin_convertvector(static_cast<std::int64_t>(decisions) + below, double4);
    code = code / top_code * top;
    std::memcpy(values + i, &code, sizeof code);
  }
  for (; i < count; ++i) {
    std::size_t passed = 0;
    for (std::size_t j = 0; j < decisions; ++j) passed += !(values[i] < levels[j]);
    values[i] = static_cast<double>(passed) / top_code * top;
  }
}

}  // namespace

matrix_i functional_layer::impl::quantize_inputs(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                                 functional_counts& counted) const {
  matrix_i n(x.rows(), x.cols());
  const double levels = static_cast<double>(input_levels);
  long long clipped = 0;
  if (x.outerStride() == x.rows())  // the columns follow one another: one pass
    clipped = quantize_codes(x.data(), x.size(), input_offset, input_full_scale, levels, n.data());
  else
    for (Eigen::Index c = 0; c < x.cols(); ++c)
      clipped += quantize_codes(x.col(c).data(), x.rows(), input_offset, input_full_scale, levels, n.col(c).data());
  counted.clipped_inputs += clipped;
  return n;
}

void functional_layer::impl::drive(const matrix_i& n, Eigen::Index r0, Eigen::Index rows, long long read,
                                   matrix_f& d) const {
  const auto part = n.middleRows(r0, rows);
  switch (mode) {
    case input_mode::bit_serial: {
      const int shift = static_cast<int>(read);
      d = part.unaryExpr([shift](std::int32_t v) { return static_cast<float>((v >> shift) & 1); });
      break;
    }
    case input_mode::dac: {
      const int shift = static_cast<int>(read * dac_bits);
      const std::int32_t mask = static_cast<std::int32_t>((1LL << dac_bits) - 1);
      const float inv = 1.0f / static_cast<float>(mask);
      d = part.unaryExpr([shift, mask, inv](std::int32_t v) { return static_cast<float>((v >> shift) & mask) * inv; });
      break;
    }
    case input_mode::pulse_width: d = part.cast<float>() * (1.0f / static_cast<float>(input_levels)); break;
  }
}

std::string functional_weight_bits_problem(int weight_bits, signed_encoding encoding) {
  if (weight_bits < 1 || weight_bits > functional_max_bits)
    return "functional mode carries weights of 1 to " + std::to_string(functional_max_bits) + " bits, not " +
           std::to_string(weight_bits);
  if (encoding == signed_encoding::offset && weight_bits < 2)
    return "signed weights on an offset column need at least 2 weight bits (one is the sign), not " +
           std::to_string(weight_bits);
  return "";
}

std::string functional_activation_bits_problem(int activation_bits) {
  if (activation_bits < 1 || activation_bits > functional_max_bits)
    return "functional mode carries activations of 1 to " + std::to_string(functional_max_bits) + " bits, not " +
           std::to_string(activation_bits);
  return "";
}

functional_layer::functional_layer(const Eigen::MatrixXd& weights, const Eigen::VectorXd& bias,
                                   const cim_tile_params& tile_params, const dsl::block_value& tile,
                                   const crossbar_mapping& mapping, int weight_bits, int activation_bits, bool relu,
                                   std::uint64_t seed)
    : m(std::make_unique<impl>()) {
  impl& s = *m;
  s.fan_in = weights.rows();
  s.weights = weights;
  s.outputs = weights.cols();
  s.tile = tile_params;
  s.mapping = mapping;
  s.relu = relu;
  s.differential = tile_params.signed_weights == signed_encoding::differential;
  s.neuron = mapping.neuron_used;
  // A neuron per column (one row block, one column per weight) reads that
  // column's current whole: the same path as a summed one.
  s.analog = mapping.analog_sum || mapping.neuron_used;
  if (s.fan_in < 1 || s.outputs < 1) throw std::invalid_argument("functional_layer: empty weight matrix");
  if (bias.size() != 0 && bias.size() != s.outputs)
    throw std::invalid_argument("functional_layer: bias has " + std::to_string(bias.size()) + " entries for " +
                                std::to_string(s.outputs) + " outputs");
  for (const std::string& problem : {functional_weight_bits_problem(weight_bits, tile_params.signed_weights),
                                     functional_activation_bits_problem(activation_bits)})
    if (!problem.empty()) throw std::invalid_argument("functional_layer: " + problem);
  const long long per_block = mapping.columns_per_weight > 0 ? mapping.usable_columns / mapping.columns_per_weight : 0;
  if (per_block < 1 || mapping.row_blocks != (s.fan_in + tile_params.rows - 1) / tile_params.rows ||
      mapping.column_blocks != (s.outputs + per_block - 1) / per_block)
    throw std::invalid_argument("functional_layer: the crossbar mapping was made for another matrix or tile");

  // Weights: symmetric, one scale per layer.
  s.slice_bits = tile_params.bits_per_cell;
  s.slices = mapping.slices;
  const weight_codes codes = weight_codes_for(
      weights, mapping, weight_bits, s.differential ? signed_encoding::differential : signed_encoding::offset);
  s.q_max = codes.q_max;
  s.offset_code = codes.offset_code;
  s.w_scale = codes.scale;
  s.q = weights.unaryExpr([&](double w) { return static_cast<std::int32_t>(weight_code(w, codes)); }).eval();
  s.bias = bias.size() ? bias : Eigen::VectorXd::Zero(s.outputs);

  const auto& xbar = tile.block("crossbar");
  const auto& cell = xbar.block("cell");
  s.g_min = cell.quantity("g_min");
  s.g_max = cell.quantity("g_max");
  s.g_step = (s.g_max - s.g_min) / static_cast<double>((1LL << s.slice_bits) - 1);
  s.read_voltage = xbar.quantity("read_voltage");
  s.read_sigma = cell.number("read_noise_sigma");

  // Inputs and reads, as the mapping counts them.
  const auto& in = tile.block("input");
  s.mode = tile_params.input;
  s.input_full_scale = in.number("full_scale");
  s.dac_bits = tile_params.dac_bits;
  s.input_bits = s.mode == input_mode::pulse_width ? std::min<long long>(activation_bits, s.dac_bits) : activation_bits;
  s.input_levels = (1LL << s.input_bits) - 1;
  s.reads = mapping.reads_per_vector;
  for (long long r = 0; r < s.reads; ++r) {
    switch (s.mode) {
      case input_mode::bit_serial: s.read_weight.push_back(std::ldexp(1.0, static_cast<int>(r))); break;
      case input_mode::dac:
        s.read_weight.push_back(std::ldexp(1.0, static_cast<int>(r * s.dac_bits)) *
                                static_cast<double>((1LL << s.dac_bits) - 1));
        break;
      case input_mode::pulse_width: s.read_weight.push_back(static_cast<double>(s.input_levels)); break;
    }
  }

  // Readout: the chain's first converter, or on the analog path the one after
  // its analog activation (which also reads the analog sums of layers that
  // bypass the activation). The stages are found by their traits
  // (models/readout_stage.hpp), never by their type names.
  const auto& chain = tile.blocks("readout");
  auto stage_at = [&](int index) {
    return index >= 0 ? &chain[static_cast<std::size_t>(index)] : static_cast<const dsl::block_value*>(nullptr);
  };
  int first_converter = -1;
  for (std::size_t i = 0; i < tile_params.readout.size() && first_converter < 0; ++i)
    if (tile_params.readout[i]->traits.converter) first_converter = static_cast<int>(i);
  const dsl::block_value* adc = stage_at(s.analog ? tile_params.converter_stage : first_converter);
  s.adc_bits = adc ? adc->integer("bits") : 16;
  s.adc_full_scale = adc ? adc->number("full_scale") : 1.0;
  if (s.analog && s.neuron) {
    const dsl::block_value* activation = stage_at(tile_params.activation_stage);
    if (!activation) throw std::logic_error("functional_layer: mapping uses a neuron the tile does not have");
    const readout_stage_type& type = *tile_params.readout[static_cast<std::size_t>(tile_params.activation_stage)];
    switch (type.functional) {
      case activation_model::cmos:
        s.cmos_model = std::make_unique<cmos_activation_model>(*activation, static_cast<std::size_t>(s.outputs),
                                                               seed_stream(seed, stream_neuron));
        break;
      case activation_model::mott_neuron:
        s.neuron_model = std::make_unique<mott_neuron_model>(*activation, static_cast<std::size_t>(s.outputs),
                                                             seed_stream(seed, stream_neuron));
        s.neuron_current = activation->quantity("full_scale_current");
        break;
      case activation_model::none:
        throw dsl::input_error(activation->where, "functional mode has no model of a " + activation->type +
                                                      "'s transfer curve: run it in perf mode");
    }
    if (s.neuron_model && adc && adc->text("code_spacing") == "neuron_input") {
      const long long levels = (1LL << s.adc_bits) - 1;
      for (long long k = 1; k <= levels; ++k)
        s.neuron_code_levels.push_back(
            s.neuron_model->transfer((static_cast<double>(k) - 0.5) / static_cast<double>(levels) * s.adc_full_scale));
    }
    if (s.neuron_model && s.neuron_model->bias_trim() == bias_trim_kind::measured)
      trim_neurons_measured(*s.neuron_model, s.readout_for_trim(), activation->integer("trim_reads"),
                            seed_stream(seed, stream_trim));
  }
  s.noise_seed = seed_stream(seed, stream_read_noise);
  s.neuron_noise_seed = seed_stream(seed, stream_cycle_noise);
  s.hold_noise_seed = seed_stream(seed, stream_hold_noise);
  s.buffer_noise_seed = seed_stream(seed, stream_buffer_noise);
  s.threads = static_cast<int>(std::min(dsl::hardware_threads(), 8u));
  s.cell_block = std::make_shared<dsl::block_value>(cell);
  s.program(seed);
  if (s.analog) s.analog_full_scale = s.default_analog_full_scale();
}

functional_layer::~functional_layer() = default;
functional_layer::functional_layer(functional_layer&&) noexcept = default;
functional_layer& functional_layer::operator=(functional_layer&&) noexcept = default;

namespace {

using float4 = float __attribute__((vector_size(16)));

using float8 = float __attribute__((vector_size(32)));
using float16 = float __attribute__((vector_size(64)));

// Column sums of the rows whose bits are set in mask[0, words) (row i: bit
// i % 64 of word i / 64), in increasing order, of a row-major table of
// conductances (`stride` floats per row): sum[0, width) = the sum of the rows
// and, with squares, sum[width, 2 width) = the sum of their squares (the read
// noise's variance), each square added by one fused multiply-add. Every lane
// adds the rows in that order and fuses the same way in every version
// (the SSE2 one through std::fma), so all of them give the same bytes.
// Each pass keeps `regs` vectors of sums (and as many of squares) in
// registers while it walks the rows (its loops over them unrolled, or GCC
// keeps them in memory), over columns [c, end); width is a multiple of 8.
template <int regs, bool squares>
Eigen::Index sum_passes_sse2(const float* table, Eigen::Index stride, const std::uint64_t* mask, Eigen::Index words,
                             float* sum, Eigen::Index c, Eigen::Index end, Eigen::Index width) {
  constexpr Eigen::Index pass = 4 * regs;
  for (; c + pass <= end; c += pass) {
    float4 a[regs] = {}, q[regs] = {};
    for (Eigen::Index w = 0; w < words; ++w)
      for (std::uint64_t bits = mask[w]; bits != 0; bits &= bits - 1) {
        const float* p = table + (w * 64 + __builtin_ctzll(bits)) * stride + c;
        #pragma GCC unroll 16
        for (int j = 0; j < regs; ++j) {
          float4 t;
          std::memcpy(&t, p + 4 * j, sizeof t);
          a[j] += t;
          if (squares)
            for (int l = 0; l < 4; ++l) q[j][l] = std::fma(t[l], t[l], q[j][l]);
        }
      }
    std::memcpy(sum + c, a, sizeof a);
    if (squares) std::memcpy(sum + width + c, q, sizeof q);
  }
  return c;
}

void sum_rows_sse2(const float* table, Eigen::Index stride, const std::uint64_t* mask, Eigen::Index words, float* sum,
                   Eigen::Index width, bool squares) {
  if (squares) {
    const Eigen::Index c = sum_passes_sse2<4, true>(table, stride, mask, words, sum, 0, width, width);
    sum_passes_sse2<2, true>(table, stride, mask, words, sum, c, width, width);
  } else {
    const Eigen::Index c = sum_passes_sse2<8, false>(table, stride, mask, words, sum, 0, width, width);
    sum_passes_sse2<2, false>(table, stride, mask, words, sum, c, width, width);
  }
}

template <int regs, bool squares>
__attribute__((target("avx2,fma"), always_inline)) inline Eigen::Index sum_passes_avx2(
    const float* table, Eigen::Index stride, const std::uint64_t* mask, Eigen::Index words, float* sum, Eigen::Index c,
    Eigen::Index end, Eigen::Index width) {
  constexpr Eigen::Index pass = 8 * regs;
  for (; c + pass <= end; c += pass) {
    __m256 a[regs], q[regs];
    #pragma GCC unroll 16
    for (int j = 0; j < regs; ++j) a[j] = q[j] = _mm256_setzero_ps();
    for (Eigen::Index w = 0; w < words; ++w)
      for (std::uint64_t bits = mask[w]; bits != 0; bits &= bits - 1) {
        const float* p = table + (w * 64 + __builtin_ctzll(bits)) * stride + c;
        #pragma GCC unroll 16
        for (int j = 0; j < regs; ++j) {
          __m256 t = _mm256_loadu_ps(p + 8 * j);
          asm("" : "+x"(t));  // one load for the sum and the square (sum_passes_avx512)
          a[j] = _mm256_add_ps(a[j], t);
          if (squares) q[j] = _mm256_fmadd_ps(t, t, q[j]);
        }
      }
    #pragma GCC unroll 16
    for (int j = 0; j < regs; ++j) {
      _mm256_storeu_ps(sum + c + 8 * j, a[j]);
      if (squares) _mm256_storeu_ps(sum + width + c + 8 * j, q[j]);
    }
  }
  return c;
}

__attribute__((target("avx2,fma"))) void sum_rows_avx2(const float* table, Eigen::Index stride,
                                                       const std::uint64_t* mask, Eigen::Index words, float* sum,
                                                       Eigen::Index width, bool squares) {
  if (squares) {
    const Eigen::Index c = sum_passes_avx2<4, true>(table, stride, mask, words, sum, 0, width, width);
    sum_passes_avx2<1, true>(table, stride, mask, words, sum, c, width, width);
  } else {
    const Eigen::Index c = sum_passes_avx2<8, false>(table, stride, mask, words, sum, 0, width, width);
    sum_passes_avx2<1, false>(table, stride, mask, words, sum, c, width, width);
  }
}

template <int regs, bool squares>
__attribute__((target("avx512f,fma"), always_inline)) inline Eigen::Index sum_passes_avx512(
    const float* table, Eigen::Index stride, const std::uint64_t* mask, Eigen::Index words, float* sum, Eigen::Index c,
    Eigen::Index end, Eigen::Index width) {
  constexpr Eigen::Index pass = 16 * regs;
  for (; c + pass <= end; c += pass) {
    __m512 a[regs], q[regs];
    #pragma GCC unroll 16
    for (int j = 0; j < regs; ++j) a[j] = q[j] = _mm512_setzero_ps();
    for (Eigen::Index w = 0; w < words; ++w)
      for (std::uint64_t bits = mask[w]; bits != 0; bits &= bits - 1) {
        const float* p = table + (w * 64 + __builtin_ctzll(bits)) * stride + c;
        #pragma GCC unroll 16
        for (int j = 0; j < regs; ++j) {
          // Each row's vector loaded once: left to itself GCC folds the load
          // into the add and loads it again for the square, and on a
          // processor with two loads a cycle the loads bound the walk. The
          // empty asm keeps t in a register (the arithmetic is unchanged).
          __m512 t = _mm512_loadu_ps(p + 16 * j);
          asm("" : "+v"(t));
          a[j] = _mm512_add_ps(a[j], t);
          if (squares) q[j] = _mm512_fmadd_ps(t, t, q[j]);
        }
      }
    #pragma GCC unroll 16
    for (int j = 0; j < regs; ++j) {
      _mm512_storeu_ps(sum + c + 16 * j, a[j]);
      if (squares) _mm512_storeu_ps(sum + width + c + 16 * j, q[j]);
    }
  }
  return c;
}

// One walk over the rows for as many columns as the registers hold (a
// crossbar of 128 columns with its squares: 8 + 8 of the 32), passes of 16
// columns sized to what is left, and a last one of 8.
template <bool squares>
__attribute__((target("avx512f,fma"))) void sum_rows_avx512_with(const float* table, Eigen::Index stride,
                                                                  const std::uint64_t* mask, Eigen::Index words, float* sum,
                                                                  Eigen::Index width) {
  Eigen::Index c = 0;
  while (width - c >= 16) {
    switch (std::min<Eigen::Index>(squares ? 8 : 16, (width - c) / 16)) {
      case 1: c = sum_passes_avx512<1, squares>(table, stride, mask, words, sum, c, c + 16, width); break;
      case 2: c = sum_passes_avx512<2, squares>(table, stride, mask, words, sum, c, c + 32, width); break;
      case 3: c = sum_passes_avx512<3, squares>(table, stride, mask, words, sum, c, c + 48, width); break;
      case 4: c = sum_passes_avx512<4, squares>(table, stride, mask, words, sum, c, c + 64, width); break;
      case 5: c = sum_passes_avx512<5, squares>(table, stride, mask, words, sum, c, c + 80, width); break;
      case 6: c = sum_passes_avx512<6, squares>(table, stride, mask, words, sum, c, c + 96, width); break;
      case 7: c = sum_passes_avx512<7, squares>(table, stride, mask, words, sum, c, c + 112, width); break;
      default: c = sum_passes_avx512<8, squares>(table, stride, mask, words, sum, c, c + 128, width); break;
    }
  }
  if (c < width) sum_passes_avx2<1, squares>(table, stride, mask, words, sum, c, width, width);
}

void sum_rows(const float* table, Eigen::Index stride, const std::uint64_t* mask, Eigen::Index words, float* sum,
              Eigen::Index width, bool squares) {
  static const int level = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma")  ? 2
                           : __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? 1
                                                                                              : 0;
  if (level == 2) {
    if (squares) sum_rows_avx512_with<true>(table, stride, mask, words, sum, width);
    else sum_rows_avx512_with<false>(table, stride, mask, words, sum, width);
  } else if (level == 1) {
    sum_rows_avx2(table, stride, mask, words, sum, width, squares);
  } else {
    sum_rows_sse2(table, stride, mask, words, sum, width, squares);
  }
}

// The bit-matrix transpose of codes[0, rows) (each below 2^reads, reads <= 8):
// bit i % 64 of masks[r words + i / 64] is bit r of code i. Both versions
// give the same masks.
void transpose_bits_sse2(const std::int32_t* code, Eigen::Index rows, int reads, Eigen::Index words,
                         std::uint64_t* masks) {
  // 16 rows at a time: the codes as bytes, their top bit read for every row at
  // once (one bit per row), then doubled.
  alignas(16) std::uint8_t bytes[16];
  for (Eigen::Index i0 = 0; i0 < rows; i0 += 16) {
    const Eigen::Index n = std::min<Eigen::Index>(16, rows - i0);
    for (Eigen::Index j = 0; j < 16; ++j) bytes[j] = j < n ? static_cast<std::uint8_t>(code[i0 + j]) : 0;
    __m128i v = _mm_load_si128(reinterpret_cast<const __m128i*>(bytes));
    for (int s = reads; s < 8; ++s) v = _mm_add_epi8(v, v);
    for (int r = reads - 1; r >= 0; --r) {
      const auto bits = static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(v)));
      masks[static_cast<std::size_t>(r * words + i0 / 64)] |= bits << (i0 % 64);
      v = _mm_add_epi8(v, v);
    }
  }
}

// 64 rows at a time: their codes narrowed to bytes, one test per read.
__attribute__((target("avx512f,avx512bw"))) void transpose_bits_avx512(const std::int32_t* code, Eigen::Index rows,
                                                                       int reads, Eigen::Index words,
                                                                       std::uint64_t* masks) {
  for (Eigen::Index i0 = 0; i0 < rows; i0 += 64) {
    __m128i bytes[4];
    for (int q = 0; q < 4; ++q) {
      const Eigen::Index from = std::min(rows, i0 + 16 * q);
      const auto load = static_cast<__mmask16>((1u << std::min<Eigen::Index>(16, rows - from)) - 1u);
      bytes[q] = _mm512_maskz_cvtepi32_epi8(0xffff, _mm512_maskz_loadu_epi32(load, code + from));
    }
    __m512i v = _mm512_inserti32x4(_mm512_setzero_si512(), bytes[0], 0);
    v = _mm512_inserti32x4(v, bytes[1], 1);
    v = _mm512_inserti32x4(v, bytes[2], 2);
    v = _mm512_inserti32x4(v, bytes[3], 3);
    for (int r = 0; r < reads; ++r)
      masks[static_cast<std::size_t>(r * words + i0 / 64)] =
          _mm512_test_epi8_mask(v, _mm512_set1_epi8(static_cast<char>(1 << r)));
  }
}

void transpose_bits(const std::int32_t* code, Eigen::Index rows, int reads, Eigen::Index words, std::uint64_t* masks) {
  static const bool bw = __builtin_cpu_supports("avx512bw");
  if (bw) transpose_bits_avx512(code, rows, reads, words, masks);
  else transpose_bits_sse2(code, rows, reads, words, masks);
}

using int4 = std::int32_t __attribute__((vector_size(16)));
using int8 = std::int32_t __attribute__((vector_size(32)));
using int16 = std::int32_t __attribute__((vector_size(64)));

// Whether any of code[0, rows) has a bit of `mask` set, 16 codes at a time
// (a scalar loop of unknown length stays scalar at -O2).
__attribute__((target_clones("avx512f", "default"))) bool any_bit_set(const std::int32_t* code, Eigen::Index rows,
                                                                      std::int32_t mask) {
  int16 any = {};
  Eigen::Index i = 0;
  for (; i + 16 <= rows; i += 16) {
    int16 t;
    std::memcpy(&t, code + i, sizeof t);
    any |= t;
  }
  std::int32_t tail = 0;
  for (; i < rows; ++i) tail |= code[i];
  for (int l = 0; l < 16; ++l) tail |= any[l];
  return (tail & mask) != 0;
}

// Lanes [c, c + pass k) of a read's columns through read noise (`deviation`:
// the square roots of the variances) and the ADC (see convert_reads); returns
// where it stopped.
template <class vec, class ivec>
__attribute__((always_inline)) inline Eigen::Index convert_lanes(float* mean, const float* deviation, const float* eps,
                                                                 float sigma, float inv, float levels,
                                                                 const float* weight, Eigen::Index c,
                                                                 Eigen::Index width) {
  constexpr Eigen::Index lanes = static_cast<Eigen::Index>(sizeof(vec) / sizeof(float));
  const vec zero = {}, half = zero + 0.5f, top = zero + levels;
  for (; c + lanes <= width; c += lanes) {
    vec x, t;
    std::memcpy(&x, mean + c, sizeof x);
    if (deviation) {
      vec e;
      std::memcpy(&t, deviation + c, sizeof t);
      std::memcpy(&e, eps + c, sizeof e);
      x += sigma * t * e;
    }
    x *= inv;
    x = x < zero ? zero : x;
    x = x > top ? top : x;
    vec code = __builtin_convertvector(__builtin_convertvector(x + half, ivec), vec);
    if (weight) {
      std::memcpy(&t, weight + c, sizeof t);
      code *= t;
    }
    std::memcpy(mean + c, &code, sizeof code);
  }
  return c;
}

// Reads `count` in a row, read k's column currents at mean + k stride (its
// variance `padded` floats after them, with noise) and its normals at eps + k
// padded: each through read noise and the ADC, in place, codes 0 .. levels of
// step 1 / inv, rounded half up (times the column's weight, with `weight`).
// padded is a multiple of 8; each lane does the same operations in every
// version, so they give the same bytes.
struct read_batch {
  float* mean;
  Eigen::Index stride, padded;
  const float* eps;  // null without noise (then there is no variance either)
  const float* weight;
  float sigma, inv, levels;
  Eigen::Index count;
};

// The square roots of the variances are the processor's (IEEE, correctly
// rounded) in every version, so they give the same bytes.
void convert_reads_sse2(const read_batch& r) {
  for (Eigen::Index k = 0; k < r.count; ++k) {
    float* mean = r.mean + k * r.stride;
    float* variance = r.eps ? mean + r.padded : nullptr;
    if (variance)
      for (Eigen::Index c = 0; c < r.padded; c += 4) _mm_storeu_ps(variance + c, _mm_sqrt_ps(_mm_loadu_ps(variance + c)));
    const float* eps = r.eps ? r.eps + k * r.padded : nullptr;
    convert_lanes<float4, int4>(mean, variance, eps, r.sigma, r.inv, r.levels, r.weight, 0, r.padded);
  }
}

__attribute__((target("avx2"))) void convert_reads_avx2(const read_batch& r) {
  for (Eigen::Index k = 0; k < r.count; ++k) {
    float* mean = r.mean + k * r.stride;
    float* variance = r.eps ? mean + r.padded : nullptr;
    if (variance)
      for (Eigen::Index c = 0; c < r.padded; c += 8)
        _mm256_storeu_ps(variance + c, _mm256_sqrt_ps(_mm256_loadu_ps(variance + c)));
    const float* eps = r.eps ? r.eps + k * r.padded : nullptr;
    convert_lanes<float8, int8>(mean, variance, eps, r.sigma, r.inv, r.levels, r.weight, 0, r.padded);
  }
}

__attribute__((target("avx512f"))) void convert_reads_avx512(const read_batch& r) {
  for (Eigen::Index k = 0; k < r.count; ++k) {
    float* mean = r.mean + k * r.stride;
    float* variance = r.eps ? mean + r.padded : nullptr;
    if (variance) {
      Eigen::Index c = 0;
      for (; c + 16 <= r.padded; c += 16) _mm512_storeu_ps(variance + c, _mm512_maskz_sqrt_ps(0xffff, _mm512_loadu_ps(variance + c)));
      for (; c < r.padded; c += 8) _mm256_storeu_ps(variance + c, _mm256_sqrt_ps(_mm256_loadu_ps(variance + c)));
    }
    const float* eps = r.eps ? r.eps + k * r.padded : nullptr;
    const Eigen::Index c = convert_lanes<float16, int16>(mean, variance, eps, r.sigma, r.inv, r.levels, r.weight, 0, r.padded);
    convert_lanes<float8, int8>(mean, variance, eps, r.sigma, r.inv, r.levels, r.weight, c, r.padded);
  }
}

void convert_reads(const read_batch& r) {
  static const int level = __builtin_cpu_supports("avx512f") ? 2 : __builtin_cpu_supports("avx2") ? 1 : 0;
  if (level == 2) convert_reads_avx512(r);
  else if (level == 1) convert_reads_avx2(r);
  else convert_reads_sse2(r);
}

// into[0, n) += scale x from[0, n) (with add; = without), n a multiple of 8:
// a multiply, then an add (contraction is off), so every version gives the
// same bytes. Written in vectors because at -O2 GCC leaves a loop of unknown
// length scalar.
template <bool add, class vec>
__attribute__((always_inline)) inline Eigen::Index scale_lanes(float* __restrict into, const float* __restrict from,
                                                               float scale, Eigen::Index x, Eigen::Index n) {
  for (; x + static_cast<Eigen::Index>(sizeof(vec) / sizeof(float)) <= n;
       x += static_cast<Eigen::Index>(sizeof(vec) / sizeof(float))) {
    vec a = {}, b;
    if (add) std::memcpy(&a, into + x, sizeof a);
    std::memcpy(&b, from + x, sizeof b);
    if (add) a += scale * b;
    else a = scale * b;
    std::memcpy(into + x, &a, sizeof a);
  }
  return x;
}

__attribute__((target_clones("avx512f", "avx2", "default"))) void add_scaled(float* __restrict into,
                                                                            const float* __restrict from, float scale,
                                                                            Eigen::Index n) {
  scale_lanes<true, float8>(into, from, scale, scale_lanes<true, float16>(into, from, scale, 0, n), n);
}

__attribute__((target_clones("avx512f", "avx2", "default"))) void set_scaled(float* __restrict into,
                                                                            const float* __restrict from, float scale,
                                                                            Eigen::Index n) {
  scale_lanes<false, float8>(into, from, scale, scale_lanes<false, float16>(into, from, scale, 0, n), n);
}

}  // namespace

// The analog path: every read's currents, all blocks, slices and pairs add
// before the readout, so one product with the folded weights gives the sum.
// Read noise: the sum of the columns' independent Gaussians is one Gaussian
// per output whose variance is the sum of theirs, sigma^2 sum_c combine^2
// sum_i G^2 d_i^2 (summed over reads with their weights squared): one draw per
// output gives the same distribution as one per column.
void functional_layer::impl::run_analog(const matrix_i& n, const matrix_f& held, gaussian_source& noise,
                                        Eigen::MatrixXd& acc, functional_counts& c) const {
  const Eigen::Index nv = analog_input ? held.cols() : n.cols();
  const bool noisy = read_sigma > 0.0;
  matrix_f level(fan_in, nv), level_sq, d;
  if (noisy) level_sq.setZero(fan_in, nv);
  level.setZero();
  for (long long r = 0; r < reads; ++r) {
    if (analog_input) d = held;
    else drive(n, 0, fan_in, r, d);
    const float w = static_cast<float>(read_weight[static_cast<std::size_t>(r)]);
    level += w * d;
    if (noisy) level_sq += (w * w) * d.cwiseProduct(d);
  }
  matrix_f sum = folded * level;
  if (noisy) {
    matrix_f spread = folded_sq * level_sq;
    matrix_f eps(outputs, nv);
    noise.fill(eps.data(), static_cast<std::size_t>(eps.size()));
    sum.array() += static_cast<float>(read_sigma) * spread.array().sqrt() * eps.array();
  }
  acc = sum.cast<double>();
  for (const auto& b : blocks) {
    c.crossbar_reads += reads * nv;
    c.cell_reads += reads * static_cast<long long>(b.rows) * b.columns * nv;
  }
}

int functional_layer::impl::sum_driven_reads(const block& b, const std::int32_t* code, Eigen::Index width,
                                             driven_reads& d, float* current) const {
  const int read_count = static_cast<int>(reads);
  const long long read_mask = (1LL << read_count) - 1;
  const Eigen::Index rows = b.rows;
  const Eigen::Index words = (rows + 63) / 64;
  d.read.resize(static_cast<std::size_t>(read_count));
  if (!current) {
    d.current.resize(static_cast<std::size_t>(read_count * width));
    current = d.current.data();
  }
  // The rows each read drives, as bits (row i of read r: bit i % 64 of word
  // r words + i / 64): the set bits of the input codes (none in a vector of
  // zeros, common after a ReLU or on an image's background). The sums walk
  // those bits, rows in increasing order.
  if (!any_bit_set(code, rows, static_cast<std::int32_t>(read_mask))) return 0;
  d.masks.assign(static_cast<std::size_t>(read_count * words), 0);
  if (read_count <= 8) {
    transpose_bits(code, rows, read_count, words, d.masks.data());
  } else {
    for (Eigen::Index i = 0; i < rows; ++i)
      for (auto bits = static_cast<std::uint32_t>(code[i] & read_mask); bits != 0; bits &= bits - 1)
        d.masks[static_cast<std::size_t>(__builtin_ctz(bits) * words + i / 64)] |= std::uint64_t{1} << (i % 64);
  }
  int driven = 0;
  for (int r = 0; r < read_count; ++r) {
    const std::uint64_t* mask = d.masks.data() + r * words;
    if (std::all_of(mask, mask + words, [](std::uint64_t m) { return m == 0; })) continue;
    sum_rows(b.by_row.data(), b.padded, mask, words, current + driven * width, b.padded, b.squares);
    d.read[static_cast<std::size_t>(driven++)] = r;
  }
  return driven;
}

// The ADC path with binary drives: a read's column currents are the sums of
// the rows it drives, row by row of the crossbar (no multiplications), and a
// read that drives no row reads zero current, converts to code 0 and adds
// nothing, so it is skipped. Read noise: one Gaussian per column and read,
// sigma^2 sum_i G_i^2 over the driven rows (as for every column read).
// Vectors go through a block in groups: the sums of every driven read of the
// group first, then their normals (drawn in the order one vector after the
// other would draw them), one pass of the ADC over all of them, then the
// shift-and-add of each read in turn.
void functional_layer::impl::run_binary_reads(const matrix_i& n, gaussian_source& noise, Eigen::MatrixXd& acc,
                                              functional_counts& c) const {
  // Vectors per group: the group's sums, normals and codes stay in the two
  // nearest caches (at 64 vectors they spilled: 3 % more time on LeNet-5's
  // ADC chip, measured against 4 and 8 running side by side on one machine).
  constexpr Eigen::Index group = 8;
  const Eigen::Index nv = n.cols();
  const bool noisy = read_sigma > 0.0;
  const float sigma = static_cast<float>(read_sigma);
  const float levels = static_cast<float>((1LL << adc_bits) - 1);
  const Eigen::Index cpw = mapping.columns_per_weight;
  // Every read's shift-and-add term is step x 2^r x (an integer sum of
  // weighted codes), and out adds them in double. When every block has the
  // same step, codes add exactly in float even summed over all reads (below
  // 2^24), and no sum of a vector's terms over its row blocks reaches 2^29
  // steps, every one of those additions is exact, so a vector may first add
  // its reads' weighted codes column by column (one vector operation a read)
  // and then give out one term per block: the same bytes, without a sum per
  // output and read.
  bool exact_accumulation = static_cast<double>(mapping.row_blocks) * 0x1p24 <= 0x1p29;
  for (const auto& b : blocks)
    exact_accumulation = exact_accumulation && b.exact_codes && b.adc_top == blocks.front().adc_top &&
                         b.largest_code_sum * (std::ldexp(1.0, static_cast<int>(reads)) - 1.0) < 0x1p24;
  for (long long r = 0; r < reads; ++r)
    exact_accumulation = exact_accumulation && read_weight[static_cast<std::size_t>(r)] == std::ldexp(1.0, static_cast<int>(r));
  driven_reads d;
  std::vector<float> sums, eps, by_vector;
  std::vector<unsigned char> touched;  // which vectors of a group a read drove
  std::vector<std::int32_t> read_vector, read_index;  // each driven read's vector and read
  for (const auto& b : blocks) {
    const Eigen::Index cols = b.columns, width = noisy ? 2 * b.padded : b.padded;
    const float step = b.adc_top / levels;
    const float inv = 1.0f / step;
    sums.resize(static_cast<std::size_t>(group * reads * width));
    for (Eigen::Index v0 = 0; v0 < nv; v0 += group) {
      const Eigen::Index v1 = std::min(nv, v0 + group);
      Eigen::Index count = 0;
      read_vector.clear();
      read_index.clear();
      for (Eigen::Index v = v0; v < v1; ++v) {
        const int driven = sum_driven_reads(b, n.data() + v * fan_in + b.r0, width, d, sums.data() + count * width);
        for (int k = 0; k < driven; ++k) {
          read_vector.push_back(static_cast<std::int32_t>(v));
          read_index.push_back(d.read[static_cast<std::size_t>(k)]);
        }
        count += driven;
      }
      if (count == 0) continue;
      if (noisy) {
        // Each read's normals, then zeros up to the padded width (whose
        // variances are zero, like its currents).
        // Without padding, one call draws them all (the draws do not depend
        // on how calls split them).
        if (eps.size() < static_cast<std::size_t>(count * b.padded)) eps.resize(static_cast<std::size_t>(count * b.padded));
        if (cols == b.padded) {
          noise.fill(eps.data(), static_cast<std::size_t>(count * cols));
        } else {
          for (Eigen::Index k = 0; k < count; ++k) {
            float* e = eps.data() + k * b.padded;
            noise.fill(e, static_cast<std::size_t>(cols));
            std::fill(e + cols, e + b.padded, 0.0f);
          }
        }
      }
      convert_reads({sums.data(), width, b.padded, noisy ? eps.data() : nullptr,
                     b.exact_codes ? b.column_weight.data() : nullptr, sigma, inv, levels, count});
      if (exact_accumulation) {
        // by_vector: each vector's codes x slice weights x 2^read, column by
        // column. A vector's first read sets its row (so no row is zeroed
        // first: a -0 it may leave adds like +0 below); a vector no read
        // drove adds nothing.
        by_vector.resize(static_cast<std::size_t>((v1 - v0) * b.padded));
        touched.assign(static_cast<std::size_t>(v1 - v0), 0);
        for (Eigen::Index k = 0; k < count; ++k) {
          const auto v = static_cast<std::size_t>(read_vector[static_cast<std::size_t>(k)] - v0);
          float* into = by_vector.data() + static_cast<Eigen::Index>(v) * b.padded;
          const float* codes = sums.data() + k * width;
          const auto scale =
              static_cast<float>(read_weight[static_cast<std::size_t>(read_index[static_cast<std::size_t>(k)])]);
          if (touched[v]) add_scaled(into, codes, scale, b.padded);
          else set_scaled(into, codes, scale, b.padded);
          touched[v] = 1;
        }
        for (Eigen::Index v = v0; v < v1; ++v) {
          if (!touched[static_cast<std::size_t>(v - v0)]) continue;
          const float* w = by_vector.data() + (v - v0) * b.padded;
          double* out = acc.col(v).data() + b.o0;
          // The weighted codes are integers whose sums stay below 2^24, so
          // any order of adding them gives the same bytes: four chains of
          // adds instead of one.
          for (Eigen::Index o = 0; o < b.outs; ++o) {
            const float* x = w + o * cpw;
            float part[4] = {0.0f, 0.0f, 0.0f, 0.0f};
            Eigen::Index j = 0;
            for (; j + 4 <= cpw; j += 4)
              for (int l = 0; l < 4; ++l) part[l] += x[j + l];
            for (; j < cpw; ++j) part[0] += x[j];
            const float sum = (part[0] + part[1]) + (part[2] + part[3]);
            out[o] += static_cast<double>(step) * static_cast<double>(sum);
          }
        }
        continue;
      }
      for (Eigen::Index k = 0; k < count; ++k) {
        const float* mean = sums.data() + k * width;
        double* out = acc.col(read_vector[static_cast<std::size_t>(k)]).data() + b.o0;
        // Shift-and-add of the codes, then the read's input weight.
        const double scale = read_weight[static_cast<std::size_t>(read_index[static_cast<std::size_t>(k)])] *
                             static_cast<double>(step);
        if (b.exact_codes) {
          // The weighted codes (integers) add exactly in float.
          for (Eigen::Index o = 0; o < b.outs; ++o) {
            const float* weighted = mean + o * cpw;
            float sum = 0.0f;
            for (Eigen::Index j = 0; j < cpw; ++j) sum += weighted[j];
            out[o] += scale * static_cast<double>(sum);
          }
          continue;
        }
        const double reference = cols > b.outs * cpw ? b.reference_weight * mean[cols - 1] : 0.0;
        for (Eigen::Index o = 0; o < b.outs; ++o) {
          const float* codes = mean + o * cpw;
          double sum = reference;
          for (Eigen::Index j = 0; j < cpw; ++j) sum += b.slice_weight[static_cast<std::size_t>(j)] * codes[j];
          out[o] += scale * sum;
        }
      }
    }
    c.crossbar_reads += reads * nv;
    c.cell_reads += reads * static_cast<long long>(b.rows) * cols * nv;
    c.adc_conversions += reads * static_cast<long long>(cols) * nv;
  }
}

// Reads whose drives are fractions (DAC chunks, pulse widths, held values):
// one product per block and read, a Gaussian per column and read for the
// read noise, the ADC on every column, then shift-and-add.
void functional_layer::impl::run_reads(const matrix_i& n, const matrix_f& held, gaussian_source& noise,
                                       Eigen::MatrixXd& acc, functional_counts& c) const {
  const Eigen::Index nv = analog_input ? held.cols() : n.cols();
  const float adc_levels = static_cast<float>((1LL << adc_bits) - 1);
  const float sigma = static_cast<float>(read_sigma);
  const bool noisy = read_sigma > 0.0;
  matrix_f d, d2, current, spread, eps;
  Eigen::Index last_rb = -1;
  long long last_read = -1;
  for (long long r = 0; r < reads; ++r)
    for (const auto& b : blocks) {
      if (b.r0 != last_rb || r != last_read) {
        if (analog_input) d = held.middleRows(b.r0, b.rows);
        else drive(n, b.r0, b.rows, r, d);
        if (noisy) d2 = d.cwiseProduct(d);
        last_rb = b.r0;
        last_read = r;
      }
      const Eigen::Index cols = b.columns;
      current.noalias() = b.gt * d;
      if (noisy) {
        spread.noalias() = b.gt2 * d2;
        eps.resize(cols, nv);
        noise.fill(eps.data(), static_cast<std::size_t>(eps.size()));
        current.array() += sigma * spread.array().sqrt() * eps.array();
      }
      const float step = b.adc_top / adc_levels;
      const float inv = 1.0f / step;
      current = ((current.array() * inv).max(0.0f).min(adc_levels) + 0.5f).floor() * step;
      c.adc_conversions += static_cast<long long>(cols) * nv;
      acc.middleRows(b.o0, b.outs) +=
          read_weight[static_cast<std::size_t>(r)] * (b.combine.transpose() * current).cast<double>();
      c.crossbar_reads += nv;
      c.cell_reads += static_cast<long long>(b.rows) * cols * nv;
    }
}

void functional_layer::impl::run_chunk(const Eigen::Ref<const Eigen::MatrixXd>& inputs, Eigen::Ref<Eigen::MatrixXd> out,
                                       std::uint64_t stream, functional_counts& c) const {
  const Eigen::Index nv = inputs.cols();
  const Eigen::VectorXd b_eff = effective_bias();
  const double unit = value_per_unit();
  const float adc_levels = static_cast<float>((1LL << adc_bits) - 1);
  gaussian_source noise(seed_stream(noise_seed, stream));

  matrix_i n;
  matrix_f held;
  if (analog_input) held = analog_drive(inputs, stream, c);
  else n = quantize_inputs(inputs, c);
  Eigen::MatrixXd acc = Eigen::MatrixXd::Zero(outputs, nv);
  if (analog) run_analog(n, held, noise, acc, c);
  else if (binary_drives()) run_binary_reads(n, noise, acc, c);
  else run_reads(n, held, noise, acc, c);
  out = (unit * acc).colwise() + b_eff;
  if (neuron) {
    // Analog path: the neuron on the normalized sum, then its ADC.
    out /= analog_full_scale;
    if (cmos_model) {
      std::mt19937_64 cycle(seed_stream(neuron_noise_seed, stream));
      cmos_model->apply(out, cycle);
    } else {
      gaussian_source cycle(seed_stream(neuron_noise_seed, stream));
      neuron_model->apply(out, cycle);
    }
    const double top = adc_full_scale;
    const double levels = static_cast<double>(adc_levels);
    if (held_output) {
      // No ADC: the activation's output, as the S&H cell holds it, goes on.
      std::mt19937_64 sampling(seed_stream(hold_noise_seed, stream));
      hold_samples(out, hold, hold_s, sampling);
    } else if (neuron_code_levels.empty()) {
      out = out.unaryExpr([top, levels](double y) {
        return std::floor(std::clamp(y / top, 0.0, 1.0) * levels + 0.5) / levels * top;
      });
    } else {
      // Code k: the output passed k decision levels, i.e. the input passed k - 1/2 steps.
      // The levels rise, so for a few of them the count of those y is not
      // below is upper_bound's index (NaN passes them all, as there), without
      // a branch per level.
      const auto& t = neuron_code_levels;
      if (t.size() <= 32 && out.outerStride() == out.rows()) {
        count_levels_passed(out.data(), out.size(), t.data(), t.size(), levels, top);
      } else if (t.size() <= 32) {
        for (Eigen::Index v = 0; v < out.cols(); ++v)
          count_levels_passed(out.col(v).data(), out.rows(), t.data(), t.size(), levels, top);
      } else {
        out = out.unaryExpr([&t, top, levels](double y) {
          const auto code = static_cast<double>(std::upper_bound(t.begin(), t.end(), y) - t.begin());
          return code / levels * top;
        });
      }
    }
    out *= analog_full_scale;
    c.neuron_activations += outputs * nv;
    if (!held_output) c.adc_conversions += outputs * nv;
  } else if (analog) {
    // The signed sum (pair currents subtracted) read by a bipolar ADC over
    // [-full scale, +full scale]: 2^bits - 1 codes, zero among them.
    const double half = std::floor(static_cast<double>(adc_levels) / 2.0);
    const double top = adc_full_scale * analog_full_scale;
    out = out.unaryExpr([top, half](double y) { return std::round(std::clamp(y / top, -1.0, 1.0) * half) / half * top; });
    if (relu) out = out.cwiseMax(0.0);
    c.adc_conversions += outputs * nv;
  } else if (relu) {
    out = out.cwiseMax(0.0);
  }
  c.vectors += nv;
  c.macs += static_cast<long long>(fan_in) * outputs * nv;
}

Eigen::MatrixXd functional_layer::forward(const Eigen::MatrixXd& inputs) { return forward(inputs, m->calls++); }

Eigen::MatrixXd functional_layer::forward(const Eigen::MatrixXd& inputs, std::uint64_t call) const {
  const impl& s = *m;
  if (inputs.rows() != s.fan_in)
    throw std::invalid_argument("functional_layer::forward: inputs have " + std::to_string(inputs.rows()) +
                                " rows, the layer's fan-in is " + std::to_string(s.fan_in));
  const Eigen::Index vectors = inputs.cols();
  Eigen::MatrixXd out(s.outputs, vectors);
  const Eigen::Index chunks = (vectors + chunk_vectors - 1) / chunk_vectors;
  // Chunk k of call c draws from stream (c, k): the bytes do not depend on how
  // many threads share the chunks.
  std::vector<functional_counts> counts(static_cast<std::size_t>(chunks));
  const auto run = [&](Eigen::Index k) {
    const Eigen::Index v0 = k * chunk_vectors;
    const Eigen::Index nv = std::min(chunk_vectors, vectors - v0);
    s.run_chunk(inputs.middleCols(v0, nv), out.middleCols(v0, nv), (call << 32) + static_cast<std::uint64_t>(k),
                counts[static_cast<std::size_t>(k)]);
  };
  dsl::run_parallel(static_cast<std::size_t>(chunks), static_cast<unsigned>(s.threads),
                    [&](std::size_t k) { run(static_cast<Eigen::Index>(k)); });
  std::lock_guard<std::mutex> lock(s.counts_lock);
  for (const auto& c : counts) {
    s.counts.vectors += c.vectors;
    s.counts.macs += c.macs;
    s.counts.crossbar_reads += c.crossbar_reads;
    s.counts.cell_reads += c.cell_reads;
    s.counts.adc_conversions += c.adc_conversions;
    s.counts.neuron_activations += c.neuron_activations;
    s.counts.clipped_inputs += c.clipped_inputs;
  }
  return out;
}

void functional_layer::set_threads(int threads) { m->threads = std::max(1, threads); }
int functional_layer::threads() const { return m->threads; }

Eigen::MatrixXd functional_layer::reference(const Eigen::MatrixXd& inputs) const {
  Eigen::MatrixXd y = (m->weights.transpose() * inputs).colwise() + m->bias;
  if (m->relu) y = y.cwiseMax(0.0);
  return y;
}

double functional_layer::calibrate_analog_sum(const Eigen::MatrixXd& sample_inputs, double quantile) {
  impl& s = *m;
  if (!s.analog) return s.analog_full_scale;
  const Eigen::MatrixXd pre = (s.weights.transpose() * sample_inputs).colwise() + s.bias;
  // The neuron sees the positive side; a bipolar ADC both.
  std::vector<double> positive;
  positive.reserve(static_cast<std::size_t>(pre.size()));
  for (Eigen::Index k = 0; k < pre.size(); ++k) {
    const double v = s.neuron ? pre.data()[k] : std::abs(pre.data()[k]);
    if (v > 0.0) positive.push_back(v);
  }
  if (positive.empty()) return s.analog_full_scale;
  const double qn = std::clamp(quantile, 0.0, 1.0);
  const auto at = static_cast<std::size_t>(std::llround(qn * static_cast<double>(positive.size() - 1)));
  std::nth_element(positive.begin(), positive.begin() + static_cast<std::ptrdiff_t>(at), positive.end());
  s.analog_full_scale = positive[at];
  s.analog_full_scale_fixed = true;
  return s.analog_full_scale;
}

double functional_layer::adc_range() const { return m->adc_range; }

void functional_layer::set_adc_range(double conductance_steps) {
  if (!(conductance_steps > 0.0) || !std::isfinite(conductance_steps))
    throw std::invalid_argument("functional_layer: the ADC range must be positive");
  impl& s = *m;
  s.adc_range = conductance_steps;
  for (auto& b : s.blocks) b.adc_top = static_cast<float>(s.adc_full_scale * s.adc_range_of(b));
}

double functional_layer::calibrate_adc_range(const Eigen::MatrixXd& sample_inputs, double quantile) {
  impl& s = *m;
  if (s.analog) return s.adc_range;
  const std::vector<impl::block> nominal = s.build_blocks([](double g) { return g; }, false);
  functional_counts ignored;
  const matrix_i n = s.quantize_inputs(sample_inputs, ignored);
  // A histogram over [0, the largest current any crossbar can carry] keeps
  // memory bounded whatever the number of samples; its bins are far finer
  // than any ADC's steps.
  double worst = 0.0;
  for (const auto& b : nominal) worst = std::max(worst, static_cast<double>(b.rows) * s.g_max / s.g_step);
  constexpr int bins = 1 << 16;
  std::vector<long long> histogram(bins, 0);
  long long positive = 0;
  const auto count = [&](const float* current, Eigen::Index size) {
    for (Eigen::Index k = 0; k < size; ++k) {
      const double v = current[k];
      if (!(v > 0.0)) continue;
      ++histogram[static_cast<std::size_t>(std::min<double>(bins - 1, std::floor(v / worst * bins)))];
      ++positive;
    }
  };
  if (s.binary_drives()) {
    // Reads that drive no row carry no current: nothing to count.
    impl::driven_reads d;
    for (const auto& b : nominal)
      for (Eigen::Index v = 0; v < n.cols(); ++v) {
        const int driven = s.sum_driven_reads(b, n.data() + v * s.fan_in + b.r0, b.padded, d);
        for (int k = 0; k < driven; ++k) count(d.current.data() + k * b.padded, b.columns);
      }
  } else {
    matrix_f d, current;
    for (long long r = 0; r < s.reads; ++r)
      for (const auto& b : nominal) {
        s.drive(n, b.r0, b.rows, r, d);
        current.noalias() = b.gt * d;
        count(current.data(), current.size());
      }
  }
  if (positive == 0) return s.adc_range;
  const double qn = std::clamp(quantile, 0.0, 1.0);
  const auto wanted = std::max<long long>(1, static_cast<long long>(std::ceil(qn * static_cast<double>(positive))));
  long long seen = 0;
  int bin = 0;
  for (; bin < bins - 1; ++bin) {
    seen += histogram[static_cast<std::size_t>(bin)];
    if (seen >= wanted) break;
  }
  set_adc_range(worst * (bin + 1) / bins);
  return s.adc_range;
}

void functional_layer::set_input_offset(double offset) {
  m->input_offset = offset;
  if (m->analog && !m->analog_full_scale_fixed) m->analog_full_scale = m->default_analog_full_scale();
}
double functional_layer::input_offset() const { return m->input_offset; }
void functional_layer::set_input_full_scale(double value) {
  if (!(value > 0.0) || !std::isfinite(value))
    throw std::invalid_argument("functional_layer: the input full scale must be positive");
  m->input_full_scale = value;
  if (m->analog && !m->analog_full_scale_fixed) m->analog_full_scale = m->default_analog_full_scale();
}
double functional_layer::input_full_scale() const { return m->input_full_scale; }

bool functional_layer::neuron_path() const { return m->neuron; }
bool functional_layer::analog_path() const { return m->analog; }
double functional_layer::analog_full_scale() const { return m->analog_full_scale; }
void functional_layer::set_analog_full_scale(double value) {
  if (!(value > 0.0)) throw std::invalid_argument("functional_layer: the neuron full scale must be positive");
  m->analog_full_scale = value;
  m->analog_full_scale_fixed = true;
}

double functional_layer::neuron_drive_gain() const {
  const impl& s = *m;
  // Sum of (integer weight x drive fraction) at full scale, read in one read.
  const double units = s.analog_full_scale / (s.value_per_unit() * s.read_weight.front());
  const double msb = std::ldexp(1.0, static_cast<int>(s.slice_bits * (s.slices - 1)));
  const double current = s.read_voltage * s.g_step * units / msb;
  return s.neuron_current / current;
}

const mott_neuron_model* functional_layer::neuron() const { return m->neuron_model.get(); }
const cmos_activation_model* functional_layer::cmos_activation() const { return m->cmos_model.get(); }

void functional_layer::set_held_output(const analog_hold_params& hold, double hold_s) {
  if (!m->neuron)
    throw std::logic_error("functional_layer: only an analog activation's output can be held without an ADC");
  if (!(hold_s >= 0.0)) throw std::invalid_argument("functional_layer: the hold time must be >= 0");
  m->held_output = true;
  m->hold = hold;
  m->hold_s = hold_s;
}

void functional_layer::set_analog_input(double buffer_noise) {
  impl& s = *m;
  if (s.reads != 1) throw std::logic_error("functional_layer: analog inputs are driven in one read");
  if (!(buffer_noise >= 0.0)) throw std::invalid_argument("functional_layer: buffer noise must be >= 0");
  s.analog_input = true;
  s.buffer_noise = buffer_noise;
  // Held values are fractional drives, read through the stored squares, which
  // blocks built for row sums (one bit-serial read) did not keep.
  if (s.read_sigma > 0.0)
    for (auto& b : s.blocks)
      if (b.gt2.size() == 0) b.gt2 = b.gt.cwiseProduct(b.gt);
  // One read whose drive fraction is the value: what a pulse-width read of
  // input_levels unit pulses carries, without its quantization.
  s.read_weight.assign(1, static_cast<double>(s.input_levels));
}

bool functional_layer::held_output() const { return m->held_output; }
bool functional_layer::analog_input() const { return m->analog_input; }

functional_steps functional_layer::steps() const {
  const impl& s = *m;
  functional_steps st;
  st.weight_step = s.w_scale;
  st.activation_step = s.input_full_scale / static_cast<double>(s.input_levels);
  st.weight_levels = s.q_max;
  st.activation_levels = s.input_levels;
  const double levels = static_cast<double>((1LL << s.adc_bits) - 1);
  st.adc_step = s.neuron   ? s.adc_full_scale * s.analog_full_scale / levels
                : s.analog ? s.adc_full_scale * s.analog_full_scale / std::floor(levels / 2.0)
                         : (s.blocks.empty() ? 0.0 : static_cast<double>(s.blocks.front().adc_top) / levels);
  return st;
}

const functional_counts& functional_layer::counts() const { return m->counts; }
long long functional_layer::crossbars() const { return static_cast<long long>(m->blocks.size()); }
long long functional_layer::programmed_columns() const {
  long long n = 0;
  for (const auto& b : m->blocks)
    if (b.r0 == 0) n += b.columns;
  return n;
}
long long functional_layer::reads_per_vector() const { return m->reads; }
long long functional_layer::fan_in() const { return m->fan_in; }
long long functional_layer::outputs() const { return m->outputs; }

}  // namespace mottsim::models
