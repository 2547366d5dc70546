#include "dsl/block_value.hpp"

#include <cassert>
#include <cstdio>
#include <cstdlib>

namespace mottsim::dsl {

const param_value& block_value::at(const std::string& name) const {
  auto it = params.find(name);
  if (it == params.end()) {
    std::fprintf(stderr, "mottsim internal error: block '%s' has no parameter '%s'\n", type.c_str(), name.c_str());
    std::abort();
  }
  return it->second;
}

std::string block_value::origin(const std::string& name) const {
  const auto& v = at(name);
  if (v.from_default) return "default of " + type + "." + name;
  return v.where.to_string();
}

double block_value::quantity(const std::string& name) const {
  const auto& v = at(name);
  assert(v.kind == param_kind::quantity || v.kind == param_kind::number);
  return v.number;
}
double block_value::number(const std::string& name) const {
  const auto& v = at(name);
  assert(v.kind == param_kind::number || v.kind == param_kind::quantity);
  return v.number;
}
long long block_value::integer(const std::string& name) const {
  const auto& v = at(name);
  assert(v.kind == param_kind::integer);
  return v.integer;
}
bool block_value::flag(const std::string& name) const {
  const auto& v = at(name);
  assert(v.kind == param_kind::boolean);
  return v.flag;
}
const std::string& block_value::text(const std::string& name) const { return at(name).text; }
const block_value& block_value::block(const std::string& name) const {
  const auto& v = at(name);
  assert(v.kind == param_kind::block && v.block);
  return *v.block;
}
const std::vector<block_value>& block_value::blocks(const std::string& name) const {
  const auto& v = at(name);
  assert(v.kind == param_kind::block_list);
  return v.blocks;
}
const std::vector<long long>& block_value::integers(const std::string& name) const {
  const auto& v = at(name);
  assert(v.kind == param_kind::integer_list);
  return v.integers;
}

}  // namespace mottsim::dsl
