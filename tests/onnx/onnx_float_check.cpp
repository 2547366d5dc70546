// The float reference mottsim computes for a workload (an imported ONNX model,
// or the YAML `mottsim import` wrote for it) against the logits PyTorch
// computed for the same input (NAME.reference.json, written by
// tools/export_onnx_models.py): a route independent of mottsim's importer and
// arithmetic.
//
// usage: onnx_float_check WORKLOAD REFERENCE.json TOLERANCE
// Prints the largest difference; exit 0 when every logit is within TOLERANCE
// of PyTorch's and the predicted class is the same, 1 when not, 2 on bad input.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dsl/diagnostics.hpp"
#include "dsl/workload_loader.hpp"
#include "platform/data/reference_forward.hpp"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: onnx_float_check WORKLOAD REFERENCE.json TOLERANCE\n";
    return 2;
  }
  try {
    mottsim::dsl::diagnostics errors;
    const mottsim::dsl::workload_spec workload = mottsim::dsl::load_workload(argv[1], errors);
    if (errors.has_errors()) throw mottsim::dsl::input_error(errors);
    std::ifstream in(argv[2]);
    std::stringstream text;
    text << in.rdbuf();
    const auto ref = nlohmann::json::parse(text.str());
    // The input is stored NCHW (batch 1); mottsim takes HxWxC.
    const auto shape = ref.at("input_shape").get<std::vector<long long>>();
    const auto nchw = ref.at("input").get<std::vector<float>>();
    const auto want = ref.at("logits").get<std::vector<float>>();
    const long long c = shape.at(1), h = shape.at(2), w = shape.at(3);
    std::vector<float> hwc(nchw.size());
    for (long long k = 0; k < c; ++k)
      for (long long y = 0; y < h; ++y)
        for (long long x = 0; x < w; ++x)
          hwc[static_cast<std::size_t>((y * w + x) * c + k)] = nchw[static_cast<std::size_t>((k * h + y) * w + x)];
    const mottsim::platform::reference_network net(workload);
    const std::vector<float> got = net.forward(hwc);
    if (got.size() != want.size()) {
      std::cout << "mottsim gives " << got.size() << " outputs, PyTorch " << want.size() << "\n";
      return 1;
    }
    double worst = 0.0;
    for (std::size_t k = 0; k < got.size(); ++k) {
      const double d = std::abs(static_cast<double>(got[k]) - want[k]);
      // A NaN or infinite logit is the largest difference there is.
      worst = std::isfinite(d) ? std::max(worst, d) : HUGE_VAL;
    }
    const auto argmax = [](const std::vector<float>& v) { return std::max_element(v.begin(), v.end()) - v.begin(); };
    std::printf("%zu logits: largest difference from PyTorch %.3g (tolerance %s); class %ld, PyTorch's %ld\n",
                got.size(), worst, argv[3], static_cast<long>(argmax(got)), static_cast<long>(argmax(want)));
    return worst <= std::atof(argv[3]) && argmax(got) == argmax(want) ? 0 : 1;
  } catch (const mottsim::dsl::input_error& e) {
    std::cerr << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "onnx_float_check: " << e.what() << "\n";
    return 2;
  }
}
