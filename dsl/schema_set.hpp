#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dsl/schema.hpp"

namespace mottsim::dsl {

// A plain name -> schema catalog. The model registry builds on it; the
// workload loader uses one for layer types.
class schema_set : public schema_catalog {
 public:
  void add(std::shared_ptr<const block_schema> schema);
  // Puts `schema` in the place of the one registered under its type.
  void replace(std::shared_ptr<const block_schema> schema);
  const block_schema* find_schema(const std::string& type) const override;
  std::vector<std::string> schema_names() const override;  // in registration order

 private:
  std::map<std::string, std::shared_ptr<const block_schema>> m_schemas;
  std::vector<std::string> m_order;
};

}  // namespace mottsim::dsl
