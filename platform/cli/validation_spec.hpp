#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dsl/diagnostics.hpp"

namespace mottsim::platform {

// How far a simulated figure may sit from the published one. Set from the
// published figure's precision and the model's documented simplifications
// before the figure is simulated; each carries its reason.
struct tolerance {
  enum class kind { relative, absolute, ratio_band };
  kind type = kind::relative;
  double amount = 0;              // relative: |sim/pub - 1| <= amount; absolute: |sim - pub| <= amount
  double low = 0, high = 0;       // ratio_band: low <= sim/pub <= high
  std::string reason;

  // Whether `simulated` is close enough to `published`. A ratio band needs a
  // non-zero published figure (the loader refuses one).
  bool accepts(double published, double simulated) const;
  // "+-10 %", "+-0.5", "[0.5, 2]x": for the printed table.
  std::string describe() const;
};

// Where a simulated figure comes from in a run's report.json:
// (sum of `add` - sum of `subtract`) / divide_by x scale. Paths are dotted keys
// with [N] for a list index and [name=X] for the list element named X, e.g.
// components[name=tile].actions.adc_conversion.energy_per_action_j.
struct report_expression {
  std::vector<std::string> add;
  std::vector<std::string> subtract;
  std::string divide_by;  // empty: 1
  double scale = 1;
  dsl::source_location where;
};

struct validation_figure {
  std::string name;
  double published = 0;
  std::string unit;  // as the published figure is quoted (the report's SI unit)
  report_expression simulated;
  tolerance tol;
  std::string source;     // the full citation of the figure
  std::string known_gap;  // non-empty: outside its tolerance for this known estimator gap
  dsl::source_location where;
};

// One published design: what to run and what to compare.
struct validation_design {
  std::string name;
  std::string directory;
  std::string source;  // the design's citation (its input parameters)
  std::string architecture, workload;  // resolved against the directory
  std::string mode = "perf";
  std::string schedule = "layer";
  dsl::source_location schedule_where;  // its line, when the file gives it
  std::vector<std::string> overrides;
  std::vector<validation_figure> figures;
};

// Reads DIR/expected.yaml. Every problem is a located error in `errors`.
validation_design load_validation_design(const std::string& directory, dsl::diagnostics& errors);
// Reads one expected.yaml (whatever its name); its files are relative to it.
validation_design load_validation_file(const std::string& file, dsl::diagnostics& errors);

// Resolves one path in a report; empty with `problem` set when it does not
// lead to a number.
std::optional<double> resolve_report_path(const nlohmann::json& report, const std::string& path, std::string& problem);

// Evaluates an expression; empty with `problem` set when a path does not
// resolve or the divisor is zero.
std::optional<double> evaluate_expression(const nlohmann::json& report, const report_expression& e,
                                          std::string& problem);

enum class figure_verdict { pass, fail, known_gap };

// A figure within its tolerance passes, whether or not it names a known gap
// (the gap has then closed: the table says so). Outside it, a figure with a
// known gap is KNOWN-GAP, otherwise FAIL.
figure_verdict judge_figure(const validation_figure& f, double simulated);
const char* verdict_name(figure_verdict v);

}  // namespace mottsim::platform
