#include "dsl/sweep_metrics.hpp"

namespace mottsim::dsl {

const std::vector<sweep_metric>& sweep_metrics() {
  static const std::vector<sweep_metric> metrics{
      {"latency_s", dimension::time, 1.0, false, "one inference's latency"},
      {"energy_j", dimension::energy, 1.0, false, "energy of one inference"},
      {"area_mm2", dimension::area, 1e-6, false, "chip area"},
      {"throughput_ips", dimension::frequency, 1.0, false, "inferences per second"},
      {"energy_per_mac_j", dimension::energy, 1.0, false, "energy_j divided by the workload's MACs"},
      {"edp_js", dimension::dimensionless, 1.0, false, "energy-delay product"},
      {"tops_per_w", dimension::dimensionless, 1.0, false, "tera-operations per second per watt"},
      {"accuracy_top1", dimension::dimensionless, 1.0, true,
       "classification accuracy on the hardware (0..1), mean over the run's chips"},
      {"accuracy_top1_ci95_low", dimension::dimensionless, 1.0, true,
       "lower end of the 95 % interval of accuracy_top1 over the chips (chips: 2 or more)"},
      {"accuracy_top1_ci95_high", dimension::dimensionless, 1.0, true, "upper end of that interval"},
      {"psnr_db", dimension::dimensionless, 1.0, true,
       "output image quality against the float reference, mean over the run's chips"},
      {"psnr_db_ci95_low", dimension::dimensionless, 1.0, true,
       "lower end of the 95 % interval of psnr_db over the chips (chips: 2 or more)"},
      {"psnr_db_ci95_high", dimension::dimensionless, 1.0, true, "upper end of that interval"},
      {"ssim", dimension::dimensionless, 1.0, true, "structural similarity to the float reference, mean over the chips"},
      {"ssim_ci95_low", dimension::dimensionless, 1.0, true, "lower end of the 95 % interval of ssim over the chips"},
      {"ssim_ci95_high", dimension::dimensionless, 1.0, true, "upper end of that interval"},
  };
  return metrics;
}

const sweep_metric* find_sweep_metric(const std::string& name) {
  for (const auto& m : sweep_metrics())
    if (m.name == name) return &m;
  return nullptr;
}

std::vector<std::string> sweep_metric_names() {
  std::vector<std::string> names;
  for (const auto& m : sweep_metrics()) names.push_back(m.name);
  return names;
}

}  // namespace mottsim::dsl
