#include "models/pricing_support.hpp"

#include <cstdio>

namespace mottsim::models {

std::string origin(const dsl::block_value& b, const std::string& name) { return b.origin(name); }

std::string cited(std::initializer_list<cite> items) { return cited(std::vector<cite>(items)); }

std::string cited(const std::vector<cite>& items) {
  std::string out = "(";
  for (const auto& c : items) {
    if (out.size() > 1) out += "; ";
    out += std::string(c.name) + ": " + origin(c.block, c.name);
  }
  return out + ")";
}

std::string show(double si, dsl::dimension d) { return dsl::format_quantity(si, d); }

std::string show(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

std::string show_area(double m2) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.4g mm^2", m2 * 1e6);
  return buf;
}

action_price direct(const dsl::block_value& b, const char* name, energy_category c) {
  return {b.quantity(name), c, origin(b, name)};
}

std::string entry_note(const dsl::block_value& b) { return b.tech_entry.empty() ? "" : ", " + b.tech_entry; }

std::string breakdown(const std::vector<cost_part>& parts, dsl::dimension d) {
  std::string out;
  bool any = false;
  for (const auto& p : parts) any |= p.value != 0.0;
  for (const auto& p : parts) {
    if (any && p.value == 0.0) continue;
    if (!out.empty()) out += " + ";
    out += p.name + " " + (d == dsl::dimension::area ? show_area(p.value) : show(p.value, d)) + " (" + p.detail + ")";
  }
  return out;
}

}  // namespace mottsim::models
