#include "models/pricing_support.hpp"

#include <cstdio>

namespace mottsim::models {

std::string origin(const dsl::block_value& b, const std::string& name) { return b.origin(name); }

std::string cited(std::initializer_list<cite> items) {
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

}  // namespace mottsim::models
