#include <cmath>
#include <cstdio>
#include <filesystem>
#include <ostream>
#include <sstream>

#include "dsl/architecture_loader.hpp"
#include "models/mott_neuron_model.hpp"
#include "platform/cli/commands.hpp"
#include "platform/data/output_dir.hpp"
#include "platform/data/overwrite_guard.hpp"

namespace mottsim::platform {

namespace {

struct found_neuron {
  const dsl::block_value* block = nullptr;
  std::string name;  // "tile.readout[0]"
};

// The first stage of any readout chain, in component order, that functional
// mode simulates with the Mott neuron model.
found_neuron first_neuron(const dsl::architecture_spec& spec, const models::readout_stage_registry& stages) {
  for (const auto& c : spec.components) {
    if (!c.params.has("readout")) continue;
    const auto& chain = c.params.blocks("readout");
    for (std::size_t i = 0; i < chain.size(); ++i) {
      const auto type = stages.find(chain[i].type);
      if (type && type->functional == models::activation_model::mott_neuron)
        return {&chain[i], c.name + ".readout[" + std::to_string(i) + "]"};
    }
  }
  return {};
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace

int command_neuron_curve(const model_registry& registry, const neuron_curve_options& options, std::ostream& out,
                         std::ostream& err) {
  dsl::diagnostics errors;
  if (options.points < 2 || options.points > 1000000)
    errors.error({"--points", 0, 0}, "needs 2 to 1000000 points, got " + std::to_string(options.points));
  if (!std::isfinite(options.x_min) || !std::isfinite(options.x_max) || !(options.x_min < options.x_max))
    errors.error({"--min/--max", 0, 0}, "needs finite --min below --max, got " + number(options.x_min) + " and " +
                                            number(options.x_max));
  else if (!std::isfinite(options.x_max - options.x_min))
    errors.error({"--min/--max", 0, 0}, "the range from " + number(options.x_min) + " to " + number(options.x_max) +
                                            " is wider than a double holds; narrow it");
  auto arch = dsl::load_architecture(options.architecture, options.overrides, registry, errors);
  if (errors.has_errors()) {
    errors.print(err);
    return 2;
  }
  const found_neuron neuron = first_neuron(arch.spec, registry.readout_stages());
  if (!neuron.block) {
    dsl::source_location where{arch.spec.file, 0, 0};
    for (const auto& c : arch.spec.components)
      if (c.params.has("readout")) {
        where = c.params.at("readout").where;
        break;
      }
    errors.error(where, "architecture '" + arch.spec.name +
                            "' has no mott_neuron stage in any readout chain: there is no neuron curve to print");
    errors.print(err);
    return 2;
  }

  try {
    // The architecture (as the user named it), every file it extends and its
    // technology libraries.
    std::vector<std::string> inputs = {options.architecture};
    inputs.insert(inputs.end(), arch.spec.files.begin(), arch.spec.files.end());
    inputs.insert(inputs.end(), arch.spec.tech_files.begin(), arch.spec.tech_files.end());
    if (!options.output.empty()) refuse_overwriting_inputs("-o", {options.output}, inputs);
    const models::mott_neuron_model model(*neuron.block, 0, 0,
                                          options.steady_state ? models::thermal_time_basis::steady_state
                                                               : models::thermal_time_basis::at_settling_time);
    const bool thermal = model.kind() == models::neuron_model_kind::thermal;
    std::ostringstream csv;
    csv << "input,output,temperature_k,resistance_ohm\n";
    std::string previous_input;
    for (int i = 0; i < options.points; ++i) {
      // Weighted between the ends, so a range near the largest doubles does
      // not overflow in the span (max - min) between them.
      const double t = static_cast<double>(i) / (options.points - 1);
      const double x = i + 1 == options.points ? options.x_max : options.x_min * (1.0 - t) + options.x_max * t;
      // Rows whose inputs print alike would repeat one point of the curve.
      if (number(x) == previous_input)
        throw dsl::input_error({"--min/--max", 0, 0},
                               "the range from " + number(options.x_min) + " to " + number(options.x_max) +
                                   " is too narrow for " + std::to_string(options.points) + " points: points " +
                                   std::to_string(i) + " and " + std::to_string(i + 1) + " are both input " +
                                   number(x) + "; widen it or ask for fewer --points");
      previous_input = number(x);
      const models::neuron_point p = model.evaluate(x);
      // Far outside the full scale a model's arithmetic overflows (the thermal
      // film heats without bound): a curve of inf and nan rows would look
      // like a result, so the range is refused instead.
      const bool finite = std::isfinite(p.output) &&
                          (!thermal || (std::isfinite(p.temperature_k) && std::isfinite(p.resistance_ohm)));
      // Within the full scale the range is not to blame: the device is.
      const bool in_scale = std::fabs(x) <= 1.0;
      if (!finite)
        throw dsl::input_error({in_scale ? "--set" : "--min/--max", 0, 0},
                               "the curve of " + neuron.name + " is not finite at input " + number(x) + " (output " +
                                   number(p.output) +
                                   (thermal ? ", temperature " + number(p.temperature_k) + " K, resistance " +
                                                  number(p.resistance_ohm) + " ohm"
                                            : std::string()) +
                                   (in_scale ? "); within its full scale, so its device parameters are to blame: "
                                               "check what --set or the architecture gives it"
                                             : "); choose --min and --max nearer the neuron's full scale"));
      csv << number(x) << ',' << number(p.output) << ',';
      if (thermal) csv << number(p.temperature_k) << ',' << number(p.resistance_ohm);
      else csv << ',';
      csv << '\n';
    }
    if (thermal && !options.steady_state && model.settled_fraction() < 0.95)
      err << "note: " << neuron.name << ": read at settling_time, " << number(model.settled_fraction() * 100.0)
          << " % of the steady temperature rise (tau = C_th/G_th = " << number(model.time_constant() * 1e9)
          << " ns); --steady shows the settled curve\n";
    if (thermal && options.steady_state) {
      // The output is the conductance change from input 0, relative to that
      // at full scale. When the bias alone settles the film past its
      // transition, that change is a sliver of the metallic conductance, and
      // the relative output magnifies it (outputs of -1e4 below zero input):
      // the curve is right, but it is no ReLU, and the user should know why.
      const models::neuron_point zero = model.evaluate(0.0), full = model.evaluate(1.0);
      const double g_zero = 1.0 / zero.resistance_ohm, g_full = 1.0 / full.resistance_ohm;
      if (g_full > 0.0 && (g_full - g_zero) / g_full < 0.05)
        err << "note: " << neuron.name << ": settled, the bias alone heats the film to "
            << number(zero.temperature_k) << " K (" << number(zero.resistance_ohm)
            << " ohm), past its transition: from input 0 to full scale its conductance changes by only "
            << number((g_full - g_zero) / g_full * 100.0)
            << " %, which the relative output magnifies. The neuron works as a ReLU only when read before it "
               "settles (settling_time, the curve without --steady)\n";
    }
    if (options.output.empty()) {
      out << csv.str();
    } else {
      const std::filesystem::path path(options.output);
      const std::string dir = path.has_parent_path() ? path.parent_path().string() : std::string(".");
      write_output_file(dir, path.filename().string(), csv.str());
      out << "wrote " << options.output << " (" << options.points << " points of " << neuron.name << ", model "
          << neuron.block->text("model") << ")\n";
    }
  } catch (const dsl::input_error& e) {
    e.errors().print(err);
    return 2;
  }
  return 0;
}

}  // namespace mottsim::platform
