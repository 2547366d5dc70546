#pragma once
// Helpers shared by the unit tests: the built-in registry, and a scratch
// directory that writes small input files and removes itself.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "dsl/validator.hpp"
#include "dsl/yaml_tree.hpp"
#include "platform/elaboration/model_registry.hpp"

namespace mottsim::test_support {

// Every built-in component and block type, registered once per test process.
inline const platform::model_registry& registry() {
  static const platform::model_registry r = [] {
    platform::model_registry out;
    platform::register_builtin_models(out);
    return out;
  }();
  return r;
}

// A block of `type` from YAML text, validated by the real schemas (of `types`,
// the built-in ones unless told); problems go to `errors` (the caller checks them).
inline dsl::block_value validated_block(const std::string& type, const std::string& text, dsl::diagnostics& errors,
                                        const platform::model_registry& types = registry()) {
  auto root = dsl::load_yaml_string(text, "test.yaml", errors);
  if (!root) return {};
  dsl::validator check(types, nullptr, errors);
  return check.validate(*root, *types.find_schema(type), "component 'x'", {});
}

class scratch_dir {
 public:
  scratch_dir() {
    std::random_device rd;
    m_path = std::filesystem::temp_directory_path() /
             ("mottsim_test_" + std::to_string(::getpid()) + "_" + std::to_string(rd()) + "_" + std::to_string(rd()));
    std::filesystem::create_directories(m_path);
  }
  ~scratch_dir() {
    std::error_code ec;
    // A test may have taken permissions away to provoke read errors.
    std::filesystem::permissions(m_path, std::filesystem::perms::owner_all, std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(m_path, ec);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;

  // Writes `text` to `name` (creating folders on the way); returns its path.
  std::string write(const std::string& name, const std::string& text) const {
    const std::filesystem::path p = m_path / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  std::string path(const std::string& name) const { return (m_path / name).string(); }

 private:
  std::filesystem::path m_path;
};

}  // namespace mottsim::test_support
