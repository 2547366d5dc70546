#pragma once
#include <map>
#include <string>
#include <vector>

#include "dsl/architecture_spec.hpp"
#include "dsl/workload_spec.hpp"
#include "platform/data/gray_image.hpp"
#include "platform/mapping/network_plan.hpp"
#include "reports/run_result.hpp"

namespace mottsim::platform {

// What functional mode found: the network computed by the device models of the
// architecture (the same mapping as perf mode), against the ideal float network.
struct functional_outcome {
  // Means over the chips: quality psnr_db and ssim (image outputs, against
  // float); accuracy top1 (classifiers), with reference_top1 (float) and
  // ideal_devices_top1 (the chip without variation or noise); a vector output
  // without labels: top1_agreement with the float reference's reference_class.
  std::map<std::string, double> quality;
  std::map<std::string, double> accuracy;
  long long samples = 0;
  std::vector<unsigned long long> chip_seeds;
  std::map<std::string, reports::chip_metric> chip_metrics;  // top1, psnr_db, ssim over the chips
  reports::calibration_record calibration;
  // Output maps to write as PNG (name -> image), e.g. edge maps of the first chip.
  std::vector<std::pair<std::string, gray_image>> images;
  std::vector<std::string> notes;
  std::string scored_image;  // the image file scored (--image, or the workload's), when one was
};

struct functional_options {
  unsigned long long seed = 1;
  std::string image;  // --image: overrides the workload's input image
  long long chips = 1;  // independent chips, each its own device draw
};

// The seed of chip `index` of a run: independent streams of the run's seed.
unsigned long long chip_seed(unsigned long long run_seed, long long index);

// The last layer's name names the PNG maps a functional run writes
// (NAME_0.png ...): refuses, located at the layer, a name that would not stay
// a plain file name in the output directory.
void check_image_output_names(const dsl::workload_spec& workload);

// The PNG maps a functional run of `workload` writes, by name (none for a
// classifier, or for a last layer whose name check_image_output_names
// refuses): known before the run, so a user's file of the same name stops it
// before it simulates.
std::vector<std::string> image_output_names(const dsl::workload_spec& workload);

// Runs the workload's inputs (an image, the MNIST test split, or seeded random
// inputs) through `options.chips` independently drawn chips. Every chip is
// calibrated on data the run never scores (see docs/modelling.md): MNIST on
// the training split, an image on the workload's calibration images without
// it, random inputs on another random input. Bad data (missing or corrupt
// image or dataset, a workload without weights) throws dsl::input_error.
functional_outcome run_functional(const dsl::workload_spec& workload, const dsl::architecture_spec& arch,
                                  const network_plan& plan, const functional_options& options);

}  // namespace mottsim::platform
