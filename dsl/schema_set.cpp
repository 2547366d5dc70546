#include "dsl/schema_set.hpp"

#include <cassert>

namespace mottsim::dsl {

void schema_set::add(std::shared_ptr<const block_schema> schema) {
  assert(schema && !m_schemas.count(schema->type) && "schema registered twice");
  m_order.push_back(schema->type);
  m_schemas[schema->type] = std::move(schema);
}

void schema_set::replace(std::shared_ptr<const block_schema> schema) {
  assert(schema && m_schemas.count(schema->type) && "replacing a schema that was never registered");
  m_schemas[schema->type] = std::move(schema);
}

const block_schema* schema_set::find_schema(const std::string& type) const {
  auto it = m_schemas.find(type);
  return it == m_schemas.end() ? nullptr : it->second.get();
}

std::vector<std::string> schema_set::schema_names() const { return m_order; }

}  // namespace mottsim::dsl
