#include <algorithm>
#include <iomanip>
#include <ostream>
#include <vector>

#include "dsl/suggest.hpp"
#include "platform/cli/commands.hpp"

namespace mottsim::platform {

namespace {

std::string default_text(const dsl::param_schema& p) {
  if (p.kind == dsl::param_kind::block) return "(block)";
  if (p.kind == dsl::param_kind::block_list) return "(list)";
  if (p.default_text) return *p.default_text;
  return p.optional ? "(unset)" : "(required)";
}

struct param_row {
  std::string name, kind, default_value, allowed, meaning;
};

void collect_rows(const dsl::block_schema& schema, const std::string& prefix, std::vector<param_row>& rows) {
  for (const auto& p : schema.params) {
    rows.push_back({prefix + p.name, p.kind_text(), default_text(p), p.range_text(), p.doc});
    if (p.kind == dsl::param_kind::block && p.block) collect_rows(*p.block, prefix + p.name + ".", rows);
  }
}

// Prints rows in columns wide enough for their longest field, so no field runs
// into the next however long a nested name gets.
struct column_widths {
  std::size_t w[4] = {9, 14, 7, 7};  // the header words
};

void widen(column_widths& cw, const std::vector<param_row>& rows) {
  auto& w = cw.w;
  for (const auto& r : rows) {
    w[0] = std::max(w[0], r.name.size());
    w[1] = std::max(w[1], r.kind.size());
    w[2] = std::max(w[2], r.default_value.size());
    w[3] = std::max(w[3], r.allowed.size());
  }
}

void print_rows(const std::vector<param_row>& rows, const column_widths& cw, std::ostream& out) {
  const auto& w = cw.w;
  auto line = [&](const std::string& a, const std::string& b, const std::string& c, const std::string& d,
                  const std::string& e) {
    out << "  " << std::left << std::setw(static_cast<int>(w[0] + 2)) << a << std::setw(static_cast<int>(w[1] + 2)) << b
        << std::setw(static_cast<int>(w[2] + 2)) << c << std::setw(static_cast<int>(w[3] + 2)) << d << e << '\n';
  };
  line("parameter", "kind [SI unit]", "default", "allowed", "meaning");
  for (const auto& r : rows) line(r.name, r.kind, r.default_value, r.allowed, r.meaning);
}

}  // namespace

int command_list(const model_registry& registry, const std::string& type, std::ostream& out, std::ostream& err) {
  const auto names = registry.schema_names();
  if (type.empty()) {
    out << "Component types (use as 'type:' in an architecture):\n";
    for (const auto& n : names) {
      if (!registry.is_component(n)) continue;
      out << "  " << std::left << std::setw(20) << n << registry.find_schema(n)->description
          << (registry.can_simulate(n) ? "" : " [cannot be simulated yet: no SystemC model]") << '\n';
    }
    out << "\nBlock types (inside components; also the 'kind:' of technology library entries):\n";
    for (const auto& n : names) {
      if (registry.is_component(n)) continue;
      out << "  " << std::left << std::setw(20) << n << registry.find_schema(n)->description << '\n';
    }
    out << "\n'mottsim list TYPE' prints a type's parameters with units, defaults and ranges.\n";
    return 0;
  }
  const dsl::block_schema* schema = registry.find_schema(type);
  if (!schema) {
    err << "mottsim list: unknown type '" << type << "'" << dsl::did_you_mean(type, names) << '\n';
    return 2;
  }
  out << type << ": " << schema->description << '\n';
  if (schema->is_component)
    out << (registry.can_simulate(type) ? "component, simulated by a SystemC model\n"
                                        : "component; cannot be simulated yet: no SystemC model is registered\n");
  else
    out << "block\n";
  out << '\n';
  // One set of column widths for the parameters and every stage's table.
  std::vector<param_row> rows;
  collect_rows(*schema, "", rows);
  column_widths widths;
  widen(widths, rows);
  std::vector<std::pair<std::string, std::vector<param_row>>> stages;
  for (const auto& p : schema->params) {
    if (p.kind != dsl::param_kind::block_list) continue;
    for (const auto& t : p.block_types) {
      const auto* s = registry.find_schema(t);
      if (!s) continue;
      std::vector<param_row> stage_rows;
      collect_rows(*s, p.name + "[].", stage_rows);
      widen(widths, stage_rows);
      stages.emplace_back("  " + p.name + "[] stage 'type: " + t + "': " + s->description, std::move(stage_rows));
    }
  }
  print_rows(rows, widths, out);
  for (const auto& [title, stage_rows] : stages) {
    out << '\n' << title << '\n';
    print_rows(stage_rows, widths, out);
  }
  if (schema->is_component)
    out << "\n  Every component also takes: type, count (instances, default 1), connect (a bus name or "
           "{bus, base, size}), use (a technology library entry).\n";
  return 0;
}

}  // namespace mottsim::platform
