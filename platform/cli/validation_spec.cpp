#include "platform/cli/validation_spec.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "dsl/suggest.hpp"
#include "dsl/units.hpp"
#include "dsl/yaml_tree.hpp"

namespace mottsim::platform {

namespace {

namespace fs = std::filesystem;

// Reads the keys of one map, reporting unknown ones with a suggestion, so a
// misspelt key is an error rather than a silently ignored figure.
class map_reader {
 public:
  map_reader(const dsl::yaml_node& node, std::string what, std::vector<std::string> keys, dsl::diagnostics& errors)
      : m_node(node), m_keys(std::move(keys)), m_errors(errors) {
    for (const auto& e : node.entries) {
      bool known = false;
      for (const auto& k : m_keys) known = known || k == e.key;
      if (!known)
        errors.error(e.key_location, "unknown key '" + e.key + "' in " + what + dsl::did_you_mean(e.key, m_keys) +
                                         "; the keys are " + join(m_keys));
    }
  }

  const dsl::yaml_node* get(const std::string& key) const { return m_node.find(key); }

  // A required or optional scalar as text.
  std::optional<std::string> text(const std::string& key, bool required) const {
    const dsl::yaml_node* n = get(key);
    if (!n) {
      if (required) m_errors.error(m_node.where, "missing key '" + key + "'");
      return std::nullopt;
    }
    if (!n->is_scalar()) {
      m_errors.error(n->where, "'" + key + "' must be a single value, not " + n->describe());
      return std::nullopt;
    }
    return n->text;
  }

  std::optional<double> number(const std::string& key, bool required) const {
    auto t = text(key, required);
    if (!t) return std::nullopt;
    double v = 0;
    if (!dsl::parse_number(*t, v) || !std::isfinite(v)) {
      m_errors.error(get(key)->where, "'" + key + "' must be a finite number, not '" + *t + "'");
      return std::nullopt;
    }
    return v;
  }

 private:
  static std::string join(const std::vector<std::string>& keys) {
    std::string s;
    for (const auto& k : keys) s += (s.empty() ? "" : ", ") + k;
    return s;
  }

  const dsl::yaml_node& m_node;
  std::vector<std::string> m_keys;
  dsl::diagnostics& m_errors;
};

// A path or a list of paths.
std::vector<std::string> path_list(const dsl::yaml_node& n, const std::string& key, dsl::diagnostics& errors) {
  std::vector<std::string> out;
  if (n.is_scalar()) {
    out.push_back(n.text);
  } else if (n.is_sequence() && !n.items.empty()) {
    for (const auto& item : n.items) {
      if (item->is_scalar())
        out.push_back(item->text);
      else
        errors.error(item->where, "each entry of '" + key + "' must be a report path, not " + item->describe());
    }
  } else {
    errors.error(n.where, "'" + key + "' must be a report path or a non-empty list of them, not " + n.describe());
  }
  return out;
}

report_expression load_expression(const dsl::yaml_node& n, dsl::diagnostics& errors) {
  report_expression e;
  e.where = n.where;
  if (n.is_scalar()) {  // a bare path
    e.add.push_back(n.text);
    return e;
  }
  if (!n.is_map()) {
    errors.error(n.where, "'simulated' must be a report path or a map with path, minus, per and scale, not " +
                              n.describe());
    return e;
  }
  map_reader r(n, "'simulated'", {"path", "minus", "per", "scale"}, errors);
  if (const auto* p = r.get("path"))
    e.add = path_list(*p, "path", errors);
  else
    errors.error(n.where, "missing key 'path' (the report.json path of the simulated figure)");
  if (const auto* m = r.get("minus")) e.subtract = path_list(*m, "minus", errors);
  if (auto per = r.text("per", false)) e.divide_by = *per;
  if (auto s = r.number("scale", false)) {
    if (*s == 0)
      errors.error(r.get("scale")->where, "'scale' must not be zero");
    else
      e.scale = *s;
  }
  return e;
}

tolerance load_tolerance(const dsl::yaml_node& n, double published, dsl::diagnostics& errors) {
  tolerance t;
  if (!n.is_map()) {
    errors.error(n.where, "'tolerance' must be a map with one of relative, absolute or ratio, and reason; not " +
                              n.describe());
    return t;
  }
  map_reader r(n, "'tolerance'", {"relative", "absolute", "ratio", "reason"}, errors);
  int kinds = 0;
  if (auto rel = r.number("relative", false)) {
    ++kinds;
    t.type = tolerance::kind::relative;
    t.amount = *rel;
    if (*rel <= 0) errors.error(r.get("relative")->where, "a relative tolerance must be above 0");
  }
  if (auto abs = r.number("absolute", false)) {
    ++kinds;
    t.type = tolerance::kind::absolute;
    t.amount = *abs;
    if (*abs <= 0) errors.error(r.get("absolute")->where, "an absolute tolerance must be above 0");
  }
  if (const auto* band = r.get("ratio")) {
    ++kinds;
    t.type = tolerance::kind::ratio_band;
    double lo = 0, hi = 0;
    if (!band->is_sequence() || band->items.size() != 2 || !band->items[0]->is_scalar() ||
        !band->items[1]->is_scalar() || !dsl::parse_number(band->items[0]->text, lo) ||
        !dsl::parse_number(band->items[1]->text, hi)) {
      errors.error(band->where, "'ratio' must be a band [low, high] of simulated/published, e.g. [0.5, 2]");
    } else if (!(lo >= 0 && hi > lo && std::isfinite(hi))) {
      errors.error(band->where, "'ratio' needs 0 <= low < high");
    } else if (published == 0) {
      errors.error(band->where, "a ratio band needs a non-zero published figure");
    }
    t.low = lo;
    t.high = hi;
  }
  if (kinds != 1)
    errors.error(n.where, kinds == 0 ? "'tolerance' needs one of relative, absolute or ratio"
                                     : "'tolerance' takes only one of relative, absolute or ratio");
  if (auto reason = r.text("reason", true)) t.reason = *reason;
  if (t.reason.empty() && r.get("reason"))
    errors.error(r.get("reason")->where, "'reason' must say why the tolerance is what it is");
  return t;
}

validation_figure load_figure(const dsl::yaml_node& n, dsl::diagnostics& errors) {
  validation_figure f;
  f.where = n.where;
  if (!n.is_map()) {
    errors.error(n.where, "a figure must be a map (name, published, unit, simulated, tolerance, source), not " +
                              n.describe());
    return f;
  }
  map_reader r(n, "a figure", {"name", "published", "unit", "simulated", "tolerance", "source", "known_gap"}, errors);
  if (auto name = r.text("name", true)) f.name = *name;
  if (auto pub = r.number("published", true)) f.published = *pub;
  if (auto unit = r.text("unit", false)) f.unit = *unit;
  if (auto src = r.text("source", true)) f.source = *src;
  if (auto gap = r.text("known_gap", false)) f.known_gap = *gap;
  if (r.get("known_gap") && f.known_gap.empty())
    errors.error(r.get("known_gap")->where, "'known_gap' must name the estimator gap");
  if (const auto* sim = r.get("simulated"))
    f.simulated = load_expression(*sim, errors);
  else
    errors.error(n.where, "missing key 'simulated' (where the figure is in report.json)");
  if (const auto* tol = r.get("tolerance"))
    f.tol = load_tolerance(*tol, f.published, errors);
  else
    errors.error(n.where, "missing key 'tolerance'");
  return f;
}

std::string format_number(double v, const char* fmt) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

}  // namespace

bool tolerance::accepts(double published, double simulated) const {
  if (!std::isfinite(simulated)) return false;
  switch (type) {
    case kind::absolute: return std::fabs(simulated - published) <= amount;
    case kind::relative:
      if (published == 0) return std::fabs(simulated) == 0;
      return std::fabs(simulated / published - 1.0) <= amount;
    case kind::ratio_band: {
      if (published == 0) return false;
      const double ratio = simulated / published;
      return ratio >= low && ratio <= high;
    }
  }
  return false;
}

std::string tolerance::describe() const {
  switch (type) {
    case kind::absolute: return "+-" + format_number(amount, "%.3g");
    case kind::relative: return "+-" + format_number(amount * 100, "%.3g") + " %";
    case kind::ratio_band: return "[" + format_number(low, "%.3g") + ", " + format_number(high, "%.3g") + "]x";
  }
  return "";
}

validation_design load_validation_design(const std::string& directory, dsl::diagnostics& errors) {
  return load_validation_file((fs::path(directory) / "expected.yaml").string(), errors);
}

validation_design load_validation_file(const std::string& file, dsl::diagnostics& errors) {
  validation_design d;
  const std::string directory = fs::path(file).parent_path().string();
  d.directory = directory.empty() ? "." : directory;
  d.name = fs::path(d.directory).filename().string();
  auto root = dsl::load_yaml_file(file, errors);
  if (!root) return d;
  if (!root->is_map()) {
    errors.error(root->where, "expected.yaml must be a map with design, source, run and figures, not " +
                                  root->describe());
    return d;
  }
  map_reader r(*root, "expected.yaml", {"design", "source", "run", "figures"}, errors);
  if (auto name = r.text("design", true)) d.name = *name;
  if (auto src = r.text("source", true)) d.source = *src;
  const auto resolve = [&](const std::string& f) { return (fs::path(directory) / f).lexically_normal().string(); };
  if (const auto* run = r.get("run")) {
    if (!run->is_map()) {
      errors.error(run->where, "'run' must be a map with architecture, workload, mode, schedule and set");
    } else {
      map_reader rr(*run, "'run'", {"architecture", "workload", "mode", "schedule", "set"}, errors);
      if (auto a = rr.text("architecture", true)) d.architecture = resolve(*a);
      if (auto w = rr.text("workload", true)) d.workload = resolve(*w);
      if (auto m = rr.text("mode", false)) {
        d.mode = *m;
        if (d.mode != "perf" && d.mode != "functional")
          errors.error(rr.get("mode")->where, "'mode' must be perf or functional, not '" + d.mode + "'");
      }
      if (auto s = rr.text("schedule", false)) {
        d.schedule = *s;
        d.schedule_where = rr.get("schedule")->where;
        if (d.schedule != "layer" && d.schedule != "pipeline")
          errors.error(rr.get("schedule")->where, "'schedule' must be layer or pipeline, not '" + d.schedule + "'");
      }
      if (const auto* set = rr.get("set")) d.overrides = path_list(*set, "set", errors);
    }
  } else {
    errors.error(root->where, "missing key 'run' (the architecture and workload to simulate)");
  }
  const auto* figures = r.get("figures");
  if (!figures) {
    errors.error(root->where, "missing key 'figures' (the published figures to compare)");
  } else if (!figures->is_sequence() || figures->items.empty()) {
    errors.error(figures->where, "'figures' must be a non-empty list, not " + figures->describe());
  } else {
    for (const auto& item : figures->items) d.figures.push_back(load_figure(*item, errors));
  }
  return d;
}

std::optional<double> resolve_report_path(const nlohmann::json& report, const std::string& path, std::string& problem) {
  const nlohmann::json* node = &report;
  std::string walked;
  std::size_t i = 0;
  const auto fail = [&](const std::string& why) -> std::optional<double> {
    problem = "report path '" + path + "': " + why;
    return std::nullopt;
  };
  if (path.empty()) return fail("empty path");
  while (i < path.size()) {
    if (path[i] == '[') {
      const auto close = path.find(']', i);
      if (close == std::string::npos) return fail("'[' without ']'");
      const std::string inside = path.substr(i + 1, close - i - 1);
      if (!node->is_array()) return fail("'" + walked + "' is not a list");
      const auto eq = inside.find('=');
      if (eq == std::string::npos) {
        long long index = 0;
        if (!dsl::parse_integer(inside, index) || index < 0) return fail("'[" + inside + "]' is not an index");
        if (static_cast<std::size_t>(index) >= node->size())
          return fail("'" + walked + "' has " + std::to_string(node->size()) + " entries, no [" + inside + "]");
        node = &(*node)[static_cast<std::size_t>(index)];
      } else {
        const std::string key = inside.substr(0, eq), value = inside.substr(eq + 1);
        const nlohmann::json* found = nullptr;
        for (const auto& element : *node)
          if (element.is_object() && element.contains(key) && element[key].is_string() &&
              element[key].get<std::string>() == value) {
            found = &element;
            break;
          }
        if (!found) return fail("no entry of '" + walked + "' has " + key + " '" + value + "'");
        node = found;
      }
      walked += "[" + inside + "]";
      i = close + 1;
      continue;
    }
    if (path[i] == '.') {
      ++i;
      continue;
    }
    auto end = path.find_first_of(".[", i);
    if (end == std::string::npos) end = path.size();
    const std::string key = path.substr(i, end - i);
    if (!node->is_object()) return fail("'" + walked + "' is not a map");
    if (!node->contains(key)) {
      std::vector<std::string> keys;
      for (auto it = node->begin(); it != node->end(); ++it) keys.push_back(it.key());
      return fail("'" + (walked.empty() ? std::string("the report") : walked) + "' has no key '" + key + "'" +
                  dsl::did_you_mean(key, keys));
    }
    node = &(*node)[key];
    walked += (walked.empty() ? "" : ".") + key;
    i = end;
  }
  if (!node->is_number()) return fail("leads to " + std::string(node->type_name()) + ", not a number");
  return node->get<double>();
}

std::optional<double> evaluate_expression(const nlohmann::json& report, const report_expression& e,
                                          std::string& problem) {
  double total = 0;
  for (const auto& p : e.add) {
    auto v = resolve_report_path(report, p, problem);
    if (!v) return std::nullopt;
    total += *v;
  }
  for (const auto& p : e.subtract) {
    auto v = resolve_report_path(report, p, problem);
    if (!v) return std::nullopt;
    total -= *v;
  }
  if (!e.divide_by.empty()) {
    auto v = resolve_report_path(report, e.divide_by, problem);
    if (!v) return std::nullopt;
    if (*v == 0) {
      problem = "report path '" + e.divide_by + "' is zero, so the figure cannot be divided by it";
      return std::nullopt;
    }
    total /= *v;
  }
  return total * e.scale;
}

figure_verdict judge_figure(const validation_figure& f, double simulated) {
  if (f.tol.accepts(f.published, simulated)) return figure_verdict::pass;
  return f.known_gap.empty() ? figure_verdict::fail : figure_verdict::known_gap;
}

const char* verdict_name(figure_verdict v) {
  switch (v) {
    case figure_verdict::pass: return "pass";
    case figure_verdict::fail: return "FAIL";
    case figure_verdict::known_gap: return "KNOWN-GAP";
  }
  return "";
}

}  // namespace mottsim::platform
