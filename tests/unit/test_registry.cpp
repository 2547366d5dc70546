#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "dsl/validator.hpp"
#include "dsl/yaml_tree.hpp"
#include "platform/cli/commands.hpp"
#include "platform/elaboration/model_registry.hpp"
#include "test_support.hpp"

using namespace mottsim::dsl;
using mottsim::platform::model_registry;

namespace {

namespace fs = std::filesystem;

using mottsim::test_support::registry;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The YAML files of a shipped config folder, sorted, so a new file is covered
// as soon as it is added.
std::vector<std::string> yaml_files(const std::string& folder) {
  std::vector<std::string> out;
  const fs::path dir = fs::path(MOTTSIM_SOURCE_DIR) / folder;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && (e.path().extension() == ".yaml" || e.path().extension() == ".yml"))
      out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

// A value that starts like a number: "8", "-1 kOhm", ".5 pJ", "5 %".
bool is_number(const std::string& value) {
  std::size_t i = 0;
  if (i < value.size() && (value[i] == '-' || value[i] == '+')) ++i;
  if (i < value.size() && value[i] == '.') ++i;
  return i < value.size() && std::isdigit(static_cast<unsigned char>(value[i]));
}

bool has_source_tag(const std::string& comment) {
  for (const char* t : {"[C]", "[S]", "[D]", "[E]"})
    if (comment.find(t) != std::string::npos) return true;
  return false;
}

bool within(const param_schema& p, double x) {
  if (p.min && (p.min_exclusive ? !(x > *p.min) : x < *p.min)) return false;
  if (p.max && x > *p.max) return false;
  return true;
}

}  // namespace

TEST_CASE("registry: every type is registered once, with a description, and every parameter has a doc") {
  const auto names = registry().schema_names();
  REQUIRE_FALSE(names.empty());
  std::vector<std::string> sorted = names;
  std::sort(sorted.begin(), sorted.end());
  CHECK(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());
  int components = 0;
  for (const auto& type : names) {
    CAPTURE(type);
    const block_schema* s = registry().find_schema(type);
    REQUIRE(s);
    CHECK(s->type == type);
    CHECK_FALSE(s->description.empty());
    CHECK(registry().is_component(type) == s->is_component);
    if (s->is_component) ++components;
    for (const auto& p : s->params) {
      CAPTURE(p.name);
      CHECK_FALSE(p.name.empty());
      CHECK_FALSE(p.doc.empty());
      if (p.kind == param_kind::block) {
        REQUIRE(p.block);
        // Nested blocks are registered too, so they can be technology entry kinds.
        CHECK(registry().find_schema(p.block->type) != nullptr);
      }
      if (p.kind == param_kind::block_list) {
        CHECK_FALSE(p.block_types.empty());
        for (const auto& t : p.block_types) CHECK_MESSAGE(registry().find_schema(t), "stage type " << t);
      }
      if (p.kind == param_kind::choice) CHECK(p.choices.size() >= 2);
      if (p.min && p.max) CHECK(*p.min <= *p.max);
    }
  }
  CHECK(components >= 1);
}

TEST_CASE("registry: every default parses like user input and lies within its own range") {
  for (const auto& type : registry().schema_names()) {
    const block_schema* s = registry().find_schema(type);
    REQUIRE(s);
    for (const auto& p : s->params) {
      CAPTURE(type);
      CAPTURE(p.name);
      if (p.kind == param_kind::block) {
        // A block defaults to its own defaults: an empty map must validate.
        diagnostics errors;
        yaml_node empty;
        empty.type = yaml_node::kind::map;
        validator v(registry(), nullptr, errors);
        v.validate(empty, *p.block, type + "." + p.name);
        CHECK_MESSAGE(!errors.has_errors(), errors.to_string());
        continue;
      }
      if (!p.default_text) {
        // No default: the parameter must say whether it is required.
        CHECK((p.optional || p.required()));
        continue;
      }
      CHECK_FALSE(p.optional);
      diagnostics errors;
      param_value v;
      const bool ok = parse_default(registry(), p, type, v, errors);
      CHECK_MESSAGE(ok, *p.default_text << ": " << errors.to_string());
      CHECK_MESSAGE(!errors.has_errors(), errors.to_string());
      if (!ok) continue;
      CHECK(v.from_default);
      switch (p.kind) {
        case param_kind::quantity:
        case param_kind::number:
          CHECK_MESSAGE(within(p, v.number), *p.default_text << " outside " << p.range_text());
          break;
        case param_kind::integer:
          CHECK_MESSAGE(within(p, static_cast<double>(v.integer)), *p.default_text << " outside " << p.range_text());
          break;
        case param_kind::integer_list:
          for (long long x : v.integers)
            CHECK_MESSAGE(within(p, static_cast<double>(x)), *p.default_text << " outside " << p.range_text());
          break;
        case param_kind::choice:
          CHECK(std::find(p.choices.begin(), p.choices.end(), v.text) != p.choices.end());
          break;
        default: break;
      }
    }
  }
}

TEST_CASE("registry: targets size their address window from a data-size parameter") {
  for (const auto& type : registry().schema_names()) {
    const block_schema* s = registry().find_schema(type);
    if (!s->is_component || s->role != component_role::target) continue;
    CAPTURE(type);
    REQUIRE_FALSE(s->window_param.empty());
    // Walk "buffer.capacity" through nested blocks.
    const block_schema* current = s;
    std::string path = s->window_param;
    const param_schema* p = nullptr;
    while (true) {
      const auto dot = path.find('.');
      p = current->find(path.substr(0, dot));
      REQUIRE_MESSAGE(p, "no parameter on the way to " << s->window_param);
      if (dot == std::string::npos) break;
      REQUIRE(p->kind == param_kind::block);
      current = p->block.get();
      path = path.substr(dot + 1);
    }
    CHECK(p->kind == param_kind::quantity);
    CHECK(p->dim == dimension::data_size);
    CHECK(p->default_text.has_value());
  }
}

namespace {

// Checks one parameter row of `mottsim list TYPE`: the row names the parameter
// and shows its default in the default column, as a word of its own.
void check_row(const std::vector<std::string>& rows, std::size_t default_column, const std::string& name,
               const param_schema& p) {
  std::string shown;
  if (p.kind == param_kind::block) shown = "(block)";
  else if (p.kind == param_kind::block_list) shown = "(list)";
  else if (p.default_text) shown = *p.default_text;
  else shown = p.optional ? "(unset)" : "(required)";
  CAPTURE(name);
  CAPTURE(shown);
  bool named = false, found = false;
  for (const auto& row : rows) {
    if (row.rfind("  " + name + " ", 0) != 0) continue;
    named = true;
    if (row.size() < default_column) continue;
    const std::string rest = row.substr(default_column);
    if (rest.rfind(shown, 0) == 0 && (rest.size() == shown.size() || rest[shown.size()] == ' ')) found = true;
  }
  CHECK_MESSAGE(named, "no row for '" << name << "'");
  CHECK_MESSAGE(found, "the row of '" << name << "' does not show its default '" << shown
                                      << "' as a word of its own in the default column");
}

void check_rows(const std::vector<std::string>& rows, std::size_t default_column, const block_schema& schema,
                const std::string& prefix) {
  for (const auto& p : schema.params) {
    check_row(rows, default_column, prefix + p.name, p);
    if (p.kind == param_kind::block && p.block) check_rows(rows, default_column, *p.block, prefix + p.name + ".");
  }
}

}  // namespace

TEST_CASE("registry: mottsim list names every type with its description") {
  std::ostringstream out, err;
  REQUIRE(mottsim::platform::command_list(registry(), "", out, err) == 0);
  CHECK(err.str().empty());
  const auto rows = lines_of(out.str());
  for (const auto& type : registry().schema_names()) {
    CAPTURE(type);
    const bool listed = std::any_of(rows.begin(), rows.end(), [&](const std::string& row) {
      return row.rfind("  " + type + " ", 0) == 0 && contains(row, registry().find_schema(type)->description);
    });
    CHECK(listed);
  }
}

TEST_CASE("registry: mottsim list TYPE shows every parameter with its default") {
  for (const auto& type : registry().schema_names()) {
    CAPTURE(type);
    std::ostringstream out, err;
    REQUIRE(mottsim::platform::command_list(registry(), type, out, err) == 0);
    CHECK(err.str().empty());
    const auto rows = lines_of(out.str());
    const block_schema& schema = *registry().find_schema(type);
    REQUIRE_FALSE(rows.empty());
    CHECK(rows[0] == type + ": " + schema.description);

    // The column where defaults start, from the table's header.
    const auto header = std::find_if(rows.begin(), rows.end(),
                                     [](const std::string& r) { return r.rfind("  parameter ", 0) == 0; });
    REQUIRE(header != rows.end());
    const std::size_t default_column = header->find("default");
    REQUIRE(default_column != std::string::npos);

    check_rows(rows, default_column, schema, "");

    // Stages of block lists: each stage type's section lists its parameters.
    for (const auto& p : schema.params) {
      if (p.kind != param_kind::block_list) continue;
      for (const auto& t : p.block_types) {
        CAPTURE(t);
        const std::string title = "  " + p.name + "[] stage 'type: " + t + "'";
        auto start = std::find_if(rows.begin(), rows.end(), [&](const std::string& r) { return r.rfind(title, 0) == 0; });
        REQUIRE_MESSAGE(start != rows.end(), "no section for stage type " << t);
        auto end = std::find_if(start + 1, rows.end(), [](const std::string& r) { return r.empty(); });
        const std::vector<std::string> section(start + 1, end);
        check_rows(section, default_column, *registry().find_schema(t), p.name + "[].");
      }
    }
  }
}

TEST_CASE("registry: mottsim list TYPE keeps its columns apart") {
  // A value as wide as its column must not run into the next one
  // ("pulse_width1-bit drivers"): each field ends in a space.
  for (const auto& type : registry().schema_names()) {
    CAPTURE(type);
    std::ostringstream out, err;
    REQUIRE(mottsim::platform::command_list(registry(), type, out, err) == 0);
    const auto rows = lines_of(out.str());
    const auto header = std::find_if(rows.begin(), rows.end(),
                                     [](const std::string& r) { return r.rfind("  parameter ", 0) == 0; });
    REQUIRE(header != rows.end());
    const std::vector<std::string> titles = {"kind", "default", "allowed", "meaning"};
    std::vector<std::size_t> columns;
    for (const auto& t : titles) {
      columns.push_back(header->find(" " + t) + 1);
      REQUIRE(columns.back() != std::string::npos + 1);
    }
    // Parameter rows: "  name ..." with the names `list` prints, stages included.
    std::vector<std::string> names;
    std::function<void(const block_schema&, const std::string&)> collect = [&](const block_schema& b,
                                                                              const std::string& prefix) {
      for (const auto& p : b.params) {
        names.push_back(prefix + p.name);
        if (p.kind == param_kind::block && p.block) collect(*p.block, prefix + p.name + ".");
        if (p.kind == param_kind::block_list)
          for (const auto& t : p.block_types) collect(*registry().find_schema(t), p.name + "[].");
      }
    };
    collect(*registry().find_schema(type), "");
    for (const auto& row : rows) {
      const bool parameter_row = std::any_of(names.begin(), names.end(), [&](const std::string& n) {
        return row.rfind("  " + n + " ", 0) == 0;
      });
      if (!parameter_row) continue;
      CAPTURE(row);
      for (std::size_t c : columns) CHECK_MESSAGE(row[c - 1] == ' ', "a field runs into column " << c);
    }
  }
}

TEST_CASE("registry: mottsim list of an unknown type fails with a suggestion") {
  std::ostringstream out, err;
  CHECK(mottsim::platform::command_list(registry(), "cim_tiel", out, err) == 2);
  CHECK(contains(err.str(), "unknown type 'cim_tiel' (did you mean 'cim_tile'?)"));
  std::ostringstream out2, err2;
  CHECK(mottsim::platform::command_list(registry(), "nosuchtype", out2, err2) == 2);
  CHECK(contains(err2.str(), "unknown type 'nosuchtype'"));
}

TEST_CASE("registry: every shipped config validates") {
  for (const char* folder : {"configs/arch", "configs/tech", "configs/workloads"}) {
    const auto files = yaml_files(folder);
    CAPTURE(folder);
    REQUIRE_FALSE(files.empty());
    for (const auto& file : files) {
      CAPTURE(file);
      std::ostringstream out, err;
      const int status = mottsim::platform::command_validate(registry(), {file}, {}, out, err);
      CHECK_MESSAGE(status == 0, err.str());
      CHECK(err.str().empty());
      CHECK(out.str().rfind("ok: " + file, 0) == 0);
    }
  }
}

TEST_CASE("registry: every number in a technology library carries a source tag") {
  // DESIGN.md: "every number carries its source (paper, datasheet, tool) in a
  // comment". Each line under an entry that sets a parameter to a number must
  // have a comment with a tag: [C] primary source, [S] secondary, [D] derived,
  // [E] estimate.
  const auto files = yaml_files("configs/tech");
  REQUIRE_FALSE(files.empty());
  std::size_t checked = 0;
  std::string untagged;
  for (const auto& file : files) {
    std::ifstream in(file);
    REQUIRE(in);
    bool in_entries = false;
    int entry_indent = -1;
    int line_number = 0;
    for (std::string line; std::getline(in, line);) {
      ++line_number;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const auto first = line.find_first_not_of(" \t");
      if (first == std::string::npos || line[first] == '#') continue;
      if (first == 0) {  // a top-level key
        in_entries = line.rfind("entries:", 0) == 0;
        entry_indent = -1;
        continue;
      }
      if (!in_entries) continue;
      // A YAML comment starts at a '#' preceded by whitespace.
      std::string body = line, comment;
      for (std::size_t i = 1; i < line.size(); ++i) {
        if (line[i] == '#' && (line[i - 1] == ' ' || line[i - 1] == '\t')) {
          body = line.substr(0, i);
          comment = line.substr(i);
          break;
        }
      }
      // "<indent>key: value"
      const int indent = static_cast<int>(first);
      std::size_t end = first;
      while (end < body.size() && (std::isalnum(static_cast<unsigned char>(body[end])) || body[end] == '_')) ++end;
      const std::size_t colon = body.find_first_not_of(" \t", end);
      if (end == first || colon == std::string::npos || body[colon] != ':') continue;
      const std::string key = body.substr(first, end - first);
      std::string value = body.substr(colon + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      value.erase(value.find_last_not_of(" \t") + 1);
      if (entry_indent < 0 || indent <= entry_indent) {  // an entry's name line
        entry_indent = indent;
        continue;
      }
      if (key == "kind" || key == "doc") continue;
      if (!is_number(value)) continue;
      ++checked;
      if (!has_source_tag(comment))
        untagged += "\n  " + fs::path(file).filename().string() + ":" + std::to_string(line_number) + ": " + line;
    }
  }
  CHECK(checked > 50);  // the parser found the libraries' numbers
  CHECK_MESSAGE(untagged.empty(), "numbers without a [C]/[S]/[D]/[E] source tag:" << untagged);
}
