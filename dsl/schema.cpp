#include "dsl/schema.hpp"

#include <cassert>
#include <cmath>
#include <cstdio>

namespace mottsim::dsl {

static std::string format_bound(double v, const param_schema& p) {
  if (p.kind == param_kind::quantity) return format_quantity(v, p.dim);
  char buf[48];
  if (v == std::floor(v) && std::fabs(v) < 1e15) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string param_schema::range_text() const {
  if (kind == param_kind::choice) {
    std::string s = "one of ";
    for (std::size_t i = 0; i < choices.size(); ++i) s += (i ? "|" : "") + choices[i];
    return s;
  }
  if (kind == param_kind::block_list) {
    std::string s = "list of ";
    for (std::size_t i = 0; i < block_types.size(); ++i) s += (i ? "|" : "") + block_types[i];
    return s;
  }
  if (min && max) return format_bound(*min, *this) + (min_exclusive ? " < x <= " : " .. ") + format_bound(*max, *this);
  if (min) return (min_exclusive ? "> " : ">= ") + format_bound(*min, *this);
  if (max) return "<= " + format_bound(*max, *this);
  return "";
}

std::string param_schema::kind_text() const {
  switch (kind) {
    case param_kind::quantity: return std::string(dimension_name(dim)) + " [" + si_unit(dim) + "]";
    case param_kind::integer: return "integer";
    case param_kind::number: return "number";
    case param_kind::boolean: return "true|false";
    case param_kind::text: return "text";
    case param_kind::choice: return "choice";
    case param_kind::file: return "file path";
    case param_kind::block: return "block " + (block ? block->type : std::string("?"));
    case param_kind::block_list: return "block list";
    case param_kind::integer_list: return "integer list";
  }
  return "?";
}

const param_schema* block_schema::find(const std::string& name) const {
  for (const auto& p : params)
    if (p.name == name) return &p;
  return nullptr;
}

std::vector<std::string> block_schema::names() const {
  std::vector<std::string> out;
  for (const auto& p : params) out.push_back(p.name);
  return out;
}

schema_builder::schema_builder(std::string type, std::string description)
    : m_schema(std::make_shared<block_schema>()) {
  m_schema->type = std::move(type);
  m_schema->description = std::move(description);
}

param_schema& schema_builder::add(param_schema p) {
  assert(!m_schema->find(p.name) && "parameter declared twice");
  m_schema->params.push_back(std::move(p));
  return m_schema->params.back();
}

param_schema& schema_builder::last() {
  assert(!m_schema->params.empty());
  return m_schema->params.back();
}

schema_builder& schema_builder::quantity(std::string name, dimension dim, std::optional<std::string> default_text,
                                         std::string doc) {
  param_schema p;
  p.name = std::move(name);
  p.kind = param_kind::quantity;
  p.dim = dim;
  p.default_text = std::move(default_text);
  p.doc = std::move(doc);
  // A time, an energy, an area or any other magnitude below zero is no
  // component's: without a bound of its own it is at least 0, so '-1 W' of
  // leakage is refused at its line rather than priced into a negative total.
  // Voltages and currents have a sign, and so does a temperature coefficient.
  if (dim != dimension::voltage && dim != dimension::current && dim != dimension::inverse_temperature &&
      dim != dimension::dimensionless)
    p.min = 0.0;
  add(std::move(p));
  return *this;
}

static param_schema simple(std::string name, param_kind kind, std::optional<std::string> default_text,
                           std::string doc) {
  param_schema p;
  p.name = std::move(name);
  p.kind = kind;
  p.default_text = std::move(default_text);
  p.doc = std::move(doc);
  return p;
}

schema_builder& schema_builder::integer(std::string name, std::optional<std::string> d, std::string doc) {
  add(simple(std::move(name), param_kind::integer, std::move(d), std::move(doc)));
  return *this;
}
schema_builder& schema_builder::number(std::string name, std::optional<std::string> d, std::string doc) {
  add(simple(std::move(name), param_kind::number, std::move(d), std::move(doc)));
  return *this;
}
schema_builder& schema_builder::boolean(std::string name, std::optional<std::string> d, std::string doc) {
  add(simple(std::move(name), param_kind::boolean, std::move(d), std::move(doc)));
  return *this;
}
schema_builder& schema_builder::text(std::string name, std::optional<std::string> d, std::string doc) {
  add(simple(std::move(name), param_kind::text, std::move(d), std::move(doc)));
  return *this;
}
schema_builder& schema_builder::choice(std::string name, std::vector<std::string> choices,
                                       std::optional<std::string> d, std::string doc) {
  auto& p = add(simple(std::move(name), param_kind::choice, std::move(d), std::move(doc)));
  p.choices = std::move(choices);
  return *this;
}
schema_builder& schema_builder::file(std::string name, std::string doc) {
  auto& p = add(simple(std::move(name), param_kind::file, std::nullopt, std::move(doc)));
  p.optional = true;
  return *this;
}
schema_builder& schema_builder::block(std::string name, std::shared_ptr<const block_schema> schema, std::string doc) {
  auto& p = add(simple(std::move(name), param_kind::block, std::string("{}"), std::move(doc)));
  p.block = std::move(schema);
  return *this;
}
schema_builder& schema_builder::block_list(std::string name, std::vector<std::string> types, std::string doc) {
  auto& p = add(simple(std::move(name), param_kind::block_list, std::nullopt, std::move(doc)));
  p.block_types = std::move(types);
  return *this;
}
schema_builder& schema_builder::integer_list(std::string name, std::optional<std::string> d, std::string doc) {
  add(simple(std::move(name), param_kind::integer_list, std::move(d), std::move(doc)));
  return *this;
}

schema_builder& schema_builder::at_least(double min) {
  last().min = min;
  last().min_exclusive = false;
  return *this;
}
schema_builder& schema_builder::above(double min) {
  last().min = min;
  last().min_exclusive = true;
  return *this;
}
schema_builder& schema_builder::at_most(double max) {
  last().max = max;
  return *this;
}
schema_builder& schema_builder::range(double min, double max) {
  last().min = min;
  last().min_exclusive = false;
  last().max = max;
  return *this;
}
schema_builder& schema_builder::optional() {
  last().optional = true;
  last().default_text.reset();
  return *this;
}
schema_builder& schema_builder::check(block_check c) {
  m_schema->checks.push_back(std::move(c));
  return *this;
}
schema_builder& schema_builder::component(component_role role, std::string window_param) {
  m_schema->is_component = true;
  m_schema->role = role;
  m_schema->window_param = std::move(window_param);
  return *this;
}

std::shared_ptr<const block_schema> schema_builder::build() { return m_schema; }

}  // namespace mottsim::dsl
