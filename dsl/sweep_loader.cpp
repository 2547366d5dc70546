#include "dsl/sweep_loader.hpp"

#include <algorithm>
#include <climits>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>

#include "dsl/architecture_loader.hpp"
#include "dsl/document_name.hpp"
#include "dsl/functional_requirements.hpp"
#include "dsl/input_file.hpp"
#include "dsl/neurosim_network.hpp"
#include "dsl/onnx_import.hpp"
#include "dsl/overrides.hpp"
#include "dsl/suggest.hpp"
#include "dsl/sweep_expansion.hpp"
#include "dsl/sweep_metrics.hpp"
#include "dsl/units.hpp"
#include "dsl/value_range.hpp"
#include "dsl/workload_loader.hpp"

namespace mottsim::dsl {

namespace fs = std::filesystem;

const std::vector<std::string>& sweep_keys() {
  static const std::vector<std::string> keys{"name",    "description", "base",       "workloads",
                                             "mode",    "seed",        "chips",      "combine",
                                             "random",  "max_points",  "parameters", "constraints",
                                             "objectives", "slurm", "schedule"};
  return keys;
}

namespace {

// The location of a scalar's first character of text (inside quotes).
source_location text_start(const yaml_node& n) {
  source_location l = n.where;
  if (n.quoted && l.line > 0) ++l.column;
  return l;
}

void check_keys(const yaml_node& map, const std::vector<std::string>& keys, const std::string& what,
                diagnostics& errors) {
  for (const auto& e : map.entries)
    if (std::find(keys.begin(), keys.end(), e.key) == keys.end())
      errors.error(e.key_location, "unknown key '" + e.key + "' in " + what + did_you_mean(e.key, keys));
}

// A scalar or a non-empty list of scalars, as nodes.
std::vector<const yaml_node*> scalar_list(const yaml_node& n, const std::string& what, diagnostics& errors) {
  std::vector<const yaml_node*> items, out;
  if (!scalar_or_items(n, items) || items.empty()) {
    errors.error(n.where, "'" + what + "' must be a file or a non-empty list of files, got " + n.describe());
    return out;
  }
  for (const auto* i : items) {
    if (i->is_scalar()) out.push_back(i);
    else errors.error(i->where, "each item of '" + what + "' must be a single value, got " + i->describe());
  }
  return out;
}

bool read_count(const yaml_node& n, const std::string& what, unsigned long long& out, diagnostics& errors) {
  long long v = 0;
  if (!n.is_scalar() || !parse_integer(n.text, v) || v < 1) {
    // Digits alone that do not parse are whole, just too many.
    long long ignored = 0;
    const bool digits = n.is_scalar() && !n.text.empty() &&
                        n.text.find_first_not_of("0123456789") == std::string::npos && !parse_integer(n.text, ignored);
    errors.error(n.where, "'" + what + "' must be a whole number of at least 1" +
                              (digits ? " and at most " + std::to_string(LLONG_MAX) : std::string()) + ", got " +
                              n.describe());
    return false;
  }
  out = static_cast<unsigned long long>(v);
  return true;
}

// A number as written in a range bound: the number and its unit.
struct written_value {
  double number = 0;
  std::string unit;    // "" for a bare number
  double to_si = 1;    // one unit in SI
  dimension dim = dimension::dimensionless;
};

bool read_written_value(const yaml_node& n, const std::string& what, written_value& out, diagnostics& errors) {
  if (!n.is_scalar()) {
    errors.error(n.where, "'" + what + "' must be a number, with a unit where the parameter has one, got " +
                              n.describe());
    return false;
  }
  const std::string text = n.text.substr(0, n.text.find_last_not_of(" \t\n\v\f\r") + 1);
  std::string_view unit;
  if (!split_number_unit(text, out.number, unit)) {
    errors.error(text_start(n), "'" + what + "' must start with a number, got '" + text + "'");
    return false;
  }
  out.unit = std::string(unit);
  if (unit.empty()) return true;
  if (unit == "%") {
    out.to_si = 0.01;
    return true;
  }
  const unit_symbol* u = find_unit(unit);
  if (!u) {
    std::vector<std::string> all;
    for (const auto& s : unit_table()) all.push_back(s.symbol);
    errors.error(text_start(n), "unknown unit '" + out.unit + "' in '" + text + "'" + did_you_mean(unit, all));
    return false;
  }
  out.to_si = u->to_si;
  out.dim = u->dim;
  return true;
}

// A `{linear: {...}}` or `{log: {...}}` range as value texts.
bool read_range(const yaml_node& range, const sweep_spec& spec, std::vector<std::string>& values,
                diagnostics& errors) {
  const std::string forms = "a range is '{linear: {from, to, count or step}}' or '{log: {from, to, count}}'";
  if (range.entries.empty()) {
    errors.error(range.where, forms + ", got an empty map");
    return false;
  }
  const yaml_map_entry* kind_entry = nullptr;
  bool one_kind = true;
  for (const auto& e : range.entries) {
    if (e.key != "linear" && e.key != "log") {
      errors.error(e.key_location, forms + ", got '" + e.key + "'" + did_you_mean(e.key, {"linear", "log"}));
      one_kind = false;
    } else if (kind_entry) {
      // Two spacings for one parameter: say which, not that 'linear' is unknown.
      errors.error(e.key_location, "a parameter takes one of a list of values, a 'linear' range or a 'log' range, "
                                   "not both '" + kind_entry->key + "' and '" + e.key + "'");
      one_kind = false;
    } else {
      kind_entry = &e;
    }
  }
  if (!one_kind) return false;
  const bool log = kind_entry->key == "log";
  const yaml_node& body = *kind_entry->value;
  const std::string kind = log ? "log range" : "linear range";
  if (!body.is_map()) {
    errors.error(body.where, "a " + kind + " is a map with 'from', 'to' and " +
                                 (log ? std::string("'count'") : std::string("'count' or 'step'")));
    return false;
  }
  const std::vector<std::string> keys = log ? std::vector<std::string>{"from", "to", "count"}
                                            : std::vector<std::string>{"from", "to", "count", "step"};
  const std::size_t before = errors.size();
  check_keys(body, keys, kind, errors);
  const yaml_node* from_n = body.find("from");
  const yaml_node* to_n = body.find("to");
  const yaml_node* count_n = body.find("count");
  const yaml_node* step_n = body.find("step");
  if (!from_n) errors.error(body.where, "the " + kind + " needs 'from'");
  if (!to_n) errors.error(body.where, "the " + kind + " needs 'to'");
  if (!count_n && !step_n) errors.error(body.where, "the " + kind + " needs 'count'" + (log ? "" : " or 'step'"));
  if (count_n && step_n) errors.error(step_n->where, "give 'count' or 'step', not both");
  if (errors.size() != before) return false;
  written_value from, to, step;
  bool ok = read_written_value(*from_n, "from", from, errors) & read_written_value(*to_n, "to", to, errors);
  if (step_n) ok &= read_written_value(*step_n, "step", step, errors);
  if (!ok) return false;
  const auto same_kind = [&](const written_value& v, const yaml_node& n, const char* what) {
    if (v.unit.empty() == from.unit.empty() && v.dim == from.dim) return true;
    errors.error(text_start(n), std::string("'") + what + "' must be in the same kind of unit as 'from' ('" +
                                    (from.unit.empty() ? std::string("a plain number") : from.unit) + "')");
    return false;
  };
  if (!same_kind(to, *to_n, "to") || (step_n && !same_kind(step, *step_n, "step"))) return false;
  const double a = from.number * from.to_si, b = to.number * to.to_si;
  std::vector<double> si;
  if (log) {
    if (!(a > 0) || !(b > 0)) {
      errors.error(text_start(a > 0 ? *to_n : *from_n), "a log range needs 'from' and 'to' greater than zero");
      return false;
    }
  }
  // Counted before any value is made: a range of 10^12 values is refused at once.
  const auto too_many = [&](const yaml_node& where, const std::string& count) {
    errors.error(where.where, "the range has " + count + " values, more than " +
                                  (spec.max_points <= max_parameter_values
                                       ? "max_points (" + std::to_string(spec.max_points) + ")"
                                       : "one parameter may take (" + std::to_string(max_parameter_values) +
                                             ": each value is checked; cross several parameters instead)"));
  };
  const double most = static_cast<double>(std::min(spec.max_points, max_parameter_values));
  if (count_n) {
    unsigned long long count = 0;
    if (!read_count(*count_n, "count", count, errors)) return false;
    // One value is 'from' alone: a 'to' elsewhere would be dropped without a word.
    if (count == 1 && a != b) {
      const auto text = [](const yaml_node& n) {
        return n.text.substr(0, n.text.find_last_not_of(" \t\n\v\f\r") + 1);
      };
      errors.error(count_n->where, "'count: 1' makes one value, 'from' (" + text(*from_n) +
                                       "), and never reaches 'to' (" + text(*to_n) + "): for one value write a list, [" +
                                       text(*from_n) + "], instead of the range; to span it give 'count' of at least 2");
      return false;
    }
    if (static_cast<double>(count) > most) {
      too_many(*count_n, std::to_string(count));
      return false;
    }
    si = log ? log_by_count(a, b, count) : linear_by_count(a, b, count);
  } else {
    const double s = step.number * step.to_si;
    if (!(s != 0) || (b - a) * s < 0) {
      errors.error(step_n->where, std::string("'step' must be non-zero and go from 'from' towards 'to'"));
      return false;
    }
    const double n = linear_step_count(a, b, s);
    if (n > most) {
      too_many(*step_n, format_range_value(n));
      return false;
    }
    si = linear_by_step(a, b, s);
  }
  // Values are written back in the unit of 'from', as a person would.
  for (double v : si)
    values.push_back(format_range_value(v / from.to_si) + (from.unit.empty() ? "" : " " + from.unit));
  return true;
}

void read_parameters(const yaml_node& node, sweep_spec& spec, diagnostics& errors) {
  if (!node.is_map()) {
    errors.error(node.where, "'parameters' maps architecture paths (as --set takes them) to values, got " +
                                 node.describe());
    return;
  }
  std::map<std::vector<std::string>, const yaml_map_entry*> paths;  // each parameter's key path, and its entry
  for (const auto& e : node.entries) {
    sweep_parameter p;
    p.path = e.key;
    p.where = e.key_location;
    // Two spellings of one key (a.b[1] and a.b.1) would set it twice in every point.
    // (A path that does not parse is reported where the paths are checked.)
    if (const std::vector<std::string> key = override_key(e.key + "=0"); !key.empty()) {
      const auto [first, fresh] = paths.emplace(key, &e);
      if (!fresh)
        errors.error(e.key_location, "parameter '" + e.key + "' is the key of parameter '" + first->second->key +
                                         "' (" + first->second->key_location.to_string() + ") written another way");
    }
    const yaml_node& v = *e.value;
    if (v.is_sequence()) {
      if (v.items.empty()) errors.error(v.where, "parameter '" + e.key + "' has no values");
      for (const auto& item : v.items) {
        if (!item->is_scalar()) {
          errors.error(item->where, "a parameter value must be a single value, got " + item->describe());
          continue;
        }
        p.values.push_back(item->text);
        p.value_locations.push_back(item->where);
      }
    } else if (v.is_map()) {
      std::vector<std::string> values;
      if (read_range(v, spec, values, errors))
        for (auto& x : values) {
          p.values.push_back(std::move(x));
          p.value_locations.push_back(v.where);
        }
    } else if (v.is_scalar()) {
      p.values.push_back(v.text);
      p.value_locations.push_back(v.where);
    } else {
      errors.error(v.where, "parameter '" + e.key + "' needs a list of values or a range");
    }
    spec.parameters.push_back(std::move(p));
  }
}

// Follows a --set path through a resolved architecture tree.
bool tree_has_path(const yaml_node& root, const std::vector<std::string>& path) {
  const yaml_node* n = &root;
  for (const auto& key : path) {
    if (n->is_sequence()) {
      std::size_t i = 0;
      if (!parse_list_index(key, i) || i >= n->items.size()) return false;
      n = n->items[i].get();
    } else if (n->is_map()) {
      n = n->find(key);
      if (!n) return false;
    } else {
      return false;
    }
  }
  return true;
}

// Checks every value of every parameter on every architecture the way
// `--set PATH=VALUE` is checked, and moves the errors from the flag to the
// sweep file: to the value, or to the path when the path itself is wrong.
// Each architecture file (with its bases and technology libraries) is read
// once, and each distinct point a value is checked in, once.
void check_parameters(const sweep_spec& spec, const schema_catalog& catalog, diagnostics& errors) {
  for (const auto& arch : spec.architectures) {
    diagnostics base_errors;
    const yaml_node_ptr tree = load_yaml_file(arch, base_errors);
    const architecture_source source = tree ? read_architecture_source(*tree, arch, base_errors) : architecture_source{};
    tech_library_cache tech;
    const auto base = load_architecture(source, {}, catalog, base_errors, &tech);
    if (base_errors.has_errors()) {
      errors.append(base_errors);
      continue;
    }
    const std::string on = spec.architectures.size() > 1 ? " (on " + arch + ")" : "";
    for (const auto& p : spec.parameters) {
      override_flag parsed;
      diagnostics path_errors;
      if (!parse_override(p.path + "=0", parsed, path_errors)) {
        for (const auto& d : path_errors.errors()) errors.error(p.where, "parameter path: " + d.message);
        continue;
      }
      std::vector<diagnostics> per_value(p.values.size());
      std::map<std::vector<std::string>, std::size_t> first_of;  // overrides -> the first value index using them
      bool path_known = base.resolved && tree_has_path(*base.resolved, parsed.path);
      for (std::size_t i = 0; i < p.values.size(); ++i) {
        // A value is checked inside a point that holds it, so checks across
        // parameters (a neuron model and the energy it needs) see their
        // companions: zip pairs it with the others' values at its index, grid
        // and random with the others' first values. Errors at a companion's own
        // flag are reported when that parameter is checked.
        std::vector<std::string> overrides{p.path + "=" + p.values[i]};
        for (const auto& q : spec.parameters) {
          if (&q == &p || q.values.empty()) continue;
          const std::size_t k = spec.combine == sweep_combine::zip && i < q.values.size() ? i : 0;
          overrides.push_back(q.path + "=" + q.values[k]);
        }
        const auto [first, is_new] = first_of.emplace(overrides, i);
        if (is_new) {
          diagnostics all;
          load_architecture(source, overrides, catalog, all, &tech);
          for (const auto& d : all.errors()) {
            bool companion = false;
            for (std::size_t o = 1; o < overrides.size(); ++o) companion |= d.where.file == flag_location(overrides[o]).file;
            if (!companion) per_value[i].error(d.where, d.message);
          }
        } else {
          per_value[i] = per_value[first->second];
        }
        path_known |= !per_value[i].has_errors();
      }
      // Every value failed and the base does not spell the path out (an
      // optional key left to its default): a wrong path fails every value
      // alike, while wrong values are refused each in its own words (each
      // quotes its value), so messages that differ say the path is known and
      // every value is wrong, each reported at itself.
      if (!path_known)
        for (std::size_t i = 1; i < p.values.size() && !path_known; ++i) {
          const auto messages = [](const diagnostics& d) {
            std::vector<std::string> m;
            for (const auto& e : d.errors()) m.push_back(e.message);
            return m;
          };
          path_known = messages(per_value[i]) != messages(per_value[0]);
        }
      for (std::size_t i = 0; i < p.values.size(); ++i) {
        const std::string flag_file = flag_location(p.path + "=" + p.values[i]).file;
        for (const auto& d : per_value[i].errors()) {
          const source_location at = path_known ? p.value_locations[i] : p.where;
          if (d.where.file == flag_file) errors.error(at, d.message + on);
          else errors.error(at, "with " + p.path + "=" + p.values[i] + on + ": " + d.to_string());
        }
        // A wrong path is wrong for every value: say it once.
        if (!path_known && per_value[i].has_errors()) break;
      }
    }
  }
}

}  // namespace

sweep_spec load_sweep(const std::string& path, const schema_catalog& catalog, diagnostics& errors) {
  auto root = load_yaml_file(path, errors);
  if (!root) return {};
  return load_sweep(*root, path, catalog, errors);
}

sweep_spec load_sweep(const yaml_node& root, const std::string& path, const schema_catalog& catalog,
                      diagnostics& errors) {
  sweep_spec spec;
  spec.name = fs::path(path).stem().string();
  if (!root.is_map()) {
    errors.error(root.where, "a sweep must be a map with 'base:', 'workloads:' and 'parameters:'");
    return spec;
  }
  const std::size_t before = errors.size();
  check_keys(root, sweep_keys(), "sweep", errors);

  if (const yaml_node* n = root.find("name")) {
    read_document_name(*n, spec.name, errors);
  }
  if (const yaml_node* n = root.find("max_points")) {
    unsigned long long v = 0;
    if (read_count(*n, "max_points", v, errors)) spec.max_points = static_cast<std::size_t>(v);
  }
  if (const yaml_node* n = root.find("mode")) {
    if (n->is_scalar() && (n->text == "perf" || n->text == "functional")) spec.mode = n->text;
    else errors.error(n->where, "'mode' is perf or functional, got " + n->describe() +
                                    (n->is_scalar() ? did_you_mean(n->text, {"perf", "functional"}) : ""));
  }
  if (const yaml_node* n = root.find("schedule")) {
    if (n->is_scalar() && (n->text == "layer" || n->text == "pipeline")) spec.schedule = n->text;
    else errors.error(n->where, "'schedule' is layer or pipeline, got " + n->describe() +
                                    (n->is_scalar() ? did_you_mean(n->text, {"layer", "pipeline"}) : ""));
  }
  if (const yaml_node* n = root.find("seed")) {
    long long v = 0;
    if (n->is_scalar() && parse_integer(n->text, v) && v >= 0) spec.seed = static_cast<unsigned long long>(v);
    else errors.error(n->where, "'seed' must be a whole number of at least 0, got " + n->describe());
  }
  if (const yaml_node* n = root.find("slurm")) {
    // Each is one #SBATCH option of the job array `sweep --slurm` writes.
    std::vector<const yaml_node*> items;
    if (!scalar_or_items(*n, items)) errors.error(n->where, "'slurm' is a list of sbatch options, got " + n->describe());
    for (const auto* item : items) {
      if (!item->is_scalar()) {
        errors.error(item->where, "each 'slurm' entry is one sbatch option, got " + item->describe());
        continue;
      }
      const std::string& line = item->text;
      if (line.rfind("--", 0) != 0 || line.find_first_of("\n\r") != std::string::npos || line.size() < 3)
        errors.error(text_start(*item), "'slurm' entries are sbatch options such as '--account=abc', got '" + line + "'");
      else
        spec.slurm_lines.push_back(line);
    }
  }
  const yaml_node* chips = root.find("chips");
  if (chips) {
    long long v = 0;
    if (chips->is_scalar() && parse_integer(chips->text, v) && v >= 1 && v <= 10000) spec.chips = v;
    else errors.error(chips->where, "'chips' must be a whole number from 1 to 10000, got " + chips->describe());
  }

  const auto files = [&](const char* key, std::vector<std::string>& out, std::vector<source_location>* where) {
    const yaml_node* n = root.find(key);
    if (!n) {
      errors.error(root.where, std::string("a sweep needs '") + key + ":'");
      return;
    }
    for (const auto* item : scalar_list(*n, key, errors)) {
      const std::string file = resolve_relative(path, item->text);
      if (const std::string problem = regular_file_problem(file); !problem.empty()) {
        errors.error(text_start(*item), "'" + file + "' " + problem);
        continue;
      }
      out.push_back(file);
      if (where) where->push_back(text_start(*item));
    }
  };
  std::vector<source_location> workload_where;
  files("base", spec.architectures, &spec.architecture_where);
  files("workloads", spec.workloads, &workload_where);
  std::map<std::string, std::size_t> workload_named;  // name -> the first workload of that name
  for (std::size_t i = 0; i < spec.workloads.size(); ++i) {
    diagnostics workload_errors;
    const workload_spec w = load_workload(spec.workloads[i], workload_errors);
    spec.workload_names.push_back(w.name);
    errors.append(workload_errors);
    // Rows, tables and Pareto fronts tell workloads apart by name: two of one
    // name would share a front.
    if (!workload_errors.has_errors()) {
      const auto [first, added] = workload_named.emplace(w.name, i);
      // An imported model (ONNX, NeuroSim CSV) is named after its file.
      const bool imported = is_onnx_path(spec.workloads[i]) || is_network_csv_path(spec.workloads[i]);
      if (!added)
        errors.error(workload_where[i],
                     "workload '" + w.name + "' (" + spec.workloads[i] + ") has the name of " +
                         spec.workloads[first->second] +
                         ", listed before it: a sweep's rows and Pareto fronts tell workloads apart by name, so " +
                         (imported ? "rename one of the files (an imported model is named after its file) or "
                                     "`mottsim import` it and give it a 'name:'"
                                   : "give each its own (its 'name:')") +
                         ", or list a file once");
    }
    // What functional mode needs of a workload that its text tells is checked
    // here, once, rather than by every point's run failing alike.
    if (spec.mode == "functional" && !workload_errors.has_errors()) {
      diagnostics unrunnable;
      check_computable(w, unrunnable);
      check_weights_given(w, unrunnable);
      for (const auto& d : unrunnable.errors())
        errors.error(workload_where[i], "'mode: functional' cannot run workload '" + w.name + "': " + d.to_string());
    }
  }

  if (const yaml_node* n = root.find("combine")) {
    if (n->is_scalar() && n->text == "grid") spec.combine = sweep_combine::grid;
    else if (n->is_scalar() && n->text == "zip") spec.combine = sweep_combine::zip;
    else if (n->is_scalar() && n->text == "random") spec.combine = sweep_combine::random;
    else errors.error(n->where, "'combine' is grid, zip or random, got " + n->describe() +
                                    (n->is_scalar() ? did_you_mean(n->text, {"grid", "zip", "random"}) : ""));
  }
  const yaml_node* random = root.find("random");
  if (spec.combine == sweep_combine::random) {
    if (!random || !random->is_map()) {
      errors.error(random ? random->where : root.find_entry("combine")->key_location,
                   "'combine: random' needs 'random: {count: N, seed: S}'");
    } else {
      check_keys(*random, {"count", "seed"}, "random", errors);
      unsigned long long v = 0;
      if (const yaml_node* c = random->find("count")) {
        if (read_count(*c, "count", v, errors)) spec.random_count = static_cast<std::size_t>(v);
      } else {
        errors.error(random->where, "'random' needs 'count'");
      }
      if (const yaml_node* s = random->find("seed")) {
        long long seed = 0;
        if (s->is_scalar() && parse_integer(s->text, seed) && seed >= 0)
          spec.random_seed = static_cast<unsigned long long>(seed);
        else errors.error(s->where, "'seed' must be a whole number of at least 0, got " + s->describe());
      }
    }
  } else if (random) {
    errors.error(root.find_entry("random")->key_location, "'random' applies only with 'combine: random'");
  }

  const yaml_map_entry* params_entry = root.find_entry("parameters");
  if (params_entry) read_parameters(*params_entry->value, spec, errors);
  if (spec.combine == sweep_combine::zip) {
    for (const auto& p : spec.parameters)
      if (p.values.size() != spec.parameters.front().values.size())
        errors.error(p.where, "'combine: zip' pairs values by position, so every parameter needs as many values: '" +
                                  p.path + "' has " + std::to_string(p.values.size()) + ", '" +
                                  spec.parameters.front().path + "' has " +
                                  std::to_string(spec.parameters.front().values.size()));
  }
  if (spec.combine == sweep_combine::random && spec.random_count > 0) {
    const std::size_t grid = sweep_grid_size(spec);  // saturates: never below a count
    if (spec.random_count > grid && !spec.parameters.empty())
      errors.error(random->find("count")->where, "'count' is " + std::to_string(spec.random_count) +
                                                     " but the parameters have only " + std::to_string(grid) +
                                                     " distinct combinations");
  }

  if (const yaml_node* n = root.find("constraints")) {
    std::vector<const yaml_node*> items;
    if (!scalar_or_items(*n, items))
      errors.error(n->where, "'constraints' is a list such as ['area_mm2 < 100', 'latency_s < 1 ms']");
    for (const auto* item : items) {
      if (!item->is_scalar()) {
        errors.error(item->where, "a constraint is text such as 'area_mm2 < 100', got " + item->describe());
        continue;
      }
      if (auto c = parse_metric_constraint(item->text, text_start(*item), errors)) spec.constraints.push_back(*c);
    }
  }
  if (const yaml_node* n = root.find("objectives")) {
    if (!n->is_sequence()) errors.error(n->where, "'objectives' is a list such as [minimize: energy_j, minimize: latency_s]");
    else
      for (const auto& item : n->items) {
        if (!item->is_map() || item->entries.size() != 1) {
          errors.error(item->where, "an objective is 'minimize: METRIC' or 'maximize: METRIC'");
          continue;
        }
        const auto& e = item->entries[0];
        if (e.key != "minimize" && e.key != "maximize") {
          errors.error(e.key_location, "an objective is 'minimize: METRIC' or 'maximize: METRIC', got '" + e.key +
                                           "'" + did_you_mean(e.key, {"minimize", "maximize"}));
          continue;
        }
        if (!e.value->is_scalar()) {
          errors.error(e.value->where, "'" + e.key + "' names one metric");
          continue;
        }
        const std::string& metric = e.value->text;
        if (!find_sweep_metric(metric)) {
          errors.error(e.value->where, "unknown metric '" + metric + "'" + did_you_mean(metric, sweep_metric_names()));
          continue;
        }
        for (const auto& o : spec.objectives)
          if (o.metric == metric) errors.error(e.value->where, "'" + metric + "' is already an objective");
        spec.objectives.push_back({metric, e.key == "maximize", e.value->where});
      }
  }
  // Quality metrics exist only when values go through the devices.
  if (spec.mode == "perf") {
    if (chips && spec.chips > 1)
      errors.error(chips->where, "chips are device draws, which only functional mode makes (add 'mode: functional')");
    for (const auto& c : spec.constraints)
      if (find_sweep_metric(c.metric)->functional_only)
        errors.error(c.where, "'" + c.metric + "' is measured only in functional mode (add 'mode: functional')");
    for (const auto& o : spec.objectives)
      if (find_sweep_metric(o.metric)->functional_only)
        errors.error(o.where, "'" + o.metric + "' is measured only in functional mode (add 'mode: functional')");
  }

  // Refuse an absurd sweep before checking its values one by one; the count
  // is arithmetic, so even 10^18 points answer at once.
  if (errors.size() == before) {
    const source_location at = params_entry ? params_entry->key_location : root.where;
    const auto n = sweep_point_count(spec);
    if (!n) {
      errors.error(at, "the number of points (architectures x workloads x value combinations) does not fit in 64 "
                       "bits; narrow the parameters");
      return spec;
    }
    if (*n > spec.max_points) {
      errors.error(at, "this sweep expands to " + std::to_string(*n) + " points, more than max_points (" +
                           std::to_string(spec.max_points) + "); narrow the parameters or raise 'max_points'");
      return spec;
    }
    check_parameters(spec, catalog, errors);
  }
  return spec;
}

}  // namespace mottsim::dsl
