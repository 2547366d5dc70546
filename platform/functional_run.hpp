#pragma once
#include <map>
#include <string>
#include <vector>

#include "dsl/architecture_spec.hpp"
#include "dsl/workload_spec.hpp"
#include "platform/gray_image.hpp"
#include "platform/network_plan.hpp"

namespace mottsim::platform {

// What functional mode found: the network computed by the device models of the
// architecture (the same mapping as perf mode), against the ideal float network.
struct functional_outcome {
  std::map<std::string, double> quality;   // image outputs: psnr_db, ssim (against float)
  std::map<std::string, double> accuracy;  // classifiers: top1, reference_top1, ideal_devices_top1
  long long samples = 0;
  // Output maps to write as PNG (name -> image), e.g. edge maps.
  std::vector<std::pair<std::string, gray_image>> images;
  std::vector<std::string> notes;
};

struct functional_options {
  unsigned long long seed = 1;
  std::string image;  // --image: overrides the workload's input image
};

// Runs the workload's inputs (an image, the MNIST test split, or seeded random
// inputs) through the devices. Bad data (missing or corrupt image or dataset,
// a workload without weights) throws dsl::input_error.
// The last layer's name names the PNG maps a functional run writes
// (NAME_0.png ...): refuses, located at the layer, a name that would not stay
// a plain file name in the output directory.
void check_image_output_names(const dsl::workload_spec& workload);

functional_outcome run_functional(const dsl::workload_spec& workload, const dsl::architecture_spec& arch,
                                  const network_plan& plan, const functional_options& options);

}  // namespace mottsim::platform
