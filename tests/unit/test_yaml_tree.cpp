#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "dsl/yaml_tree.hpp"
#include "test_support.hpp"

using mottsim::dsl::diagnostics;
using mottsim::dsl::load_yaml_file;
using mottsim::dsl::load_yaml_string;
using mottsim::dsl::source_location;
using mottsim::dsl::yaml_node;

namespace {

using mottsim::test_support::scratch_dir;

namespace fs = std::filesystem;

// A fresh directory under the system temp dir, removed with everything in it.

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

void check_at(const source_location& where, int line, int column) {
  CHECK(where.line == line);
  CHECK(where.column == column);
}

mottsim::dsl::yaml_node_ptr parse(const std::string& text, diagnostics& errors) {
  return load_yaml_string(text, "t.yaml", errors);
}

}  // namespace

TEST_CASE("yaml_tree: keys and values carry 1-based line:column") {
  diagnostics errors;
  const auto root = parse(
      "name: demo\n"              // line 1
      "components:\n"             // line 2
      "  tile:\n"                 // line 3
      "    type: cim_tile\n"      // line 4
      "    rows:   128\n"         // line 5
      "    shape: {h: 3, w: 4}\n" // line 6
      "    list:\n"               // line 7
      "      - 10 ns\n"           // line 8
      "      - \"quoted\"\n",     // line 9
      errors);
  REQUIRE_MESSAGE(root, errors.to_string());
  CHECK_FALSE(errors.has_errors());
  REQUIRE(root->is_map());
  check_at(root->where, 1, 1);
  CHECK(root->where.file == "t.yaml");

  const auto* name = root->find_entry("name");
  REQUIRE(name);
  check_at(name->key_location, 1, 1);
  check_at(name->value->where, 1, 7);
  CHECK(name->value->text == "demo");

  const auto* tile = root->find("components")->find_entry("tile");
  REQUIRE(tile);
  check_at(tile->key_location, 3, 3);
  // A block map starts where its first key does.
  check_at(tile->value->where, 4, 5);

  const auto* rows = tile->value->find_entry("rows");
  REQUIRE(rows);
  check_at(rows->key_location, 5, 5);
  check_at(rows->value->where, 5, 13);
  CHECK(rows->value->text == "128");
  CHECK_FALSE(rows->value->quoted);

  const auto* shape = tile->value->find("shape");
  REQUIRE(shape);
  REQUIRE(shape->is_map());
  check_at(shape->where, 6, 12);  // the '{'
  check_at(shape->find_entry("w")->key_location, 6, 19);
  check_at(shape->find("w")->where, 6, 22);

  const auto* list = tile->value->find("list");
  REQUIRE(list);
  REQUIRE(list->is_sequence());
  REQUIRE(list->items.size() == 2);
  check_at(list->items[0]->where, 8, 9);
  CHECK(list->items[0]->text == "10 ns");
  check_at(list->items[1]->where, 9, 9);  // the opening quote
  CHECK(list->items[1]->text == "quoted");
  CHECK(list->items[1]->quoted);
}

TEST_CASE("yaml_tree: keys keep file order; nulls and empty values") {
  diagnostics errors;
  const auto root = parse("z: 1\na: 2\nm: ~\nn: null\ne:\nlast: x\n", errors);
  REQUIRE_MESSAGE(root, errors.to_string());
  REQUIRE(root->entries.size() == 6);
  CHECK(root->entries[0].key == "z");
  CHECK(root->entries[1].key == "a");
  CHECK(root->find("m")->is_null());
  CHECK(root->find("n")->is_null());
  CHECK(root->find("e")->is_null());
  CHECK(root->find("last")->text == "x");
  CHECK(root->find("missing") == nullptr);
  CHECK(root->find_entry("missing") == nullptr);
  CHECK(root->find("z")->describe() == "'1'");
  CHECK(root->describe() == "a map");
}

TEST_CASE("yaml_tree: an empty document is a null root at 1:1") {
  diagnostics errors;
  const auto root = parse("", errors);
  REQUIRE(root);
  CHECK_FALSE(errors.has_errors());
  CHECK(root->is_null());
  check_at(root->where, 1, 1);

  const auto comments_only = parse("# nothing here\n\n", errors);
  REQUIRE(comments_only);
  CHECK(comments_only->is_null());
  CHECK_FALSE(errors.has_errors());
}

TEST_CASE("yaml_tree: a duplicate key is an error at the second key naming the first") {
  diagnostics errors;
  const auto root = parse(
      "components:\n"        // 1
      "  dram:\n"            // 2
      "    type: dram\n"     // 3
      "    latency: 90 ns\n" // 4
      "    burst: 64 B\n"    // 5
      "    latency: 80 ns\n",// 6
      errors);
  CHECK_FALSE(root);
  REQUIRE(errors.size() == 1);
  const auto& d = errors.errors().front();
  CHECK(d.where.file == "t.yaml");
  check_at(d.where, 6, 5);
  CHECK_MESSAGE(contains(d.message, "duplicate key 'latency'"), d.message);
  CHECK_MESSAGE(contains(d.message, "line 4"), d.message);
  CHECK(d.to_string() == "t.yaml:6:5: error: " + d.message);
}

TEST_CASE("yaml_tree: every duplicate key is reported, in flow maps too") {
  diagnostics errors;
  const auto root = parse("a: 1\nb: {x: 1, x: 2}\na: 3\n", errors);
  CHECK_FALSE(root);
  REQUIRE(errors.size() == 2);
  check_at(errors.errors()[0].where, 2, 11);
  CHECK(contains(errors.errors()[0].message, "duplicate key 'x' (first given at line 2)"));
  check_at(errors.errors()[1].where, 3, 1);
  CHECK(contains(errors.errors()[1].message, "duplicate key 'a' (first given at line 1)"));
}

TEST_CASE("yaml_tree: the same key in different maps is fine") {
  diagnostics errors;
  const auto root = parse("a: {bits: 8}\nb: {bits: 8}\n", errors);
  REQUIRE_MESSAGE(root, errors.to_string());
  CHECK_FALSE(errors.has_errors());
}

TEST_CASE("yaml_tree: syntax errors are located") {
  SUBCASE("a second ':' on a line") {
    diagnostics errors;
    CHECK_FALSE(parse("name: x\ncapacity: 4: GiB\n", errors));
    REQUIRE(errors.size() == 1);
    check_at(errors.errors()[0].where, 2, 12);
    CHECK(contains(errors.errors()[0].message, "YAML syntax"));
  }
  SUBCASE("bad indentation") {
    diagnostics errors;
    CHECK_FALSE(parse("a: 1\n b: 2\n", errors));
    REQUIRE(errors.size() == 1);
    CHECK(errors.errors()[0].where.line == 2);
    CHECK(errors.errors()[0].where.column >= 1);
  }
  SUBCASE("an unclosed flow list") {
    diagnostics errors;
    CHECK_FALSE(parse("a: [1, 2\nb: 3\n", errors));
    REQUIRE(errors.size() == 1);
    CHECK(errors.errors()[0].where.line >= 1);
    CHECK(contains(errors.errors()[0].message, "YAML syntax"));
  }
  SUBCASE("an alias to no anchor") {
    diagnostics errors;
    CHECK_FALSE(parse("a: 1\nb: *nowhere\n", errors));
    REQUIRE(errors.size() == 1);
    check_at(errors.errors()[0].where, 2, 4);
  }
}

TEST_CASE("yaml_tree: more than one document is rejected") {
  for (const char* text : {"a: 1\n---\nb: 2\n", "---\na: 1\n---\na: 1\n", "a: 1\n---\n"}) {
    CAPTURE(text);
    diagnostics errors;
    CHECK_FALSE(parse(text, errors));
    REQUIRE(errors.size() == 1);
    CHECK(contains(errors.errors()[0].message, "one YAML document"));
    CHECK(errors.errors()[0].where.line >= 1);
  }
  // One document with explicit start and end markers is fine.
  diagnostics errors;
  const auto root = parse("---\na: 1\n...\n", errors);
  REQUIRE_MESSAGE(root, errors.to_string());
  CHECK(root->find("a")->text == "1");
  check_at(root->find_entry("a")->key_location, 2, 1);
}

TEST_CASE("yaml_tree: anchors and aliases") {
  diagnostics errors;
  const auto root = parse(
      "bits: &b 8\n"                  // 1
      "cell: &cell {levels: 4, g: 1 uS}\n" // 2
      "a: *b\n"                       // 3
      "c: *cell\n",                   // 4
      errors);
  REQUIRE_MESSAGE(root, errors.to_string());
  CHECK(root->find("a")->text == "8");
  // An alias is the anchored node: it keeps the anchor's location.
  check_at(root->find("a")->where, 1, 7);  // where '&b 8' starts
  REQUIRE(root->find("c")->is_map());
  CHECK(root->find("c")->find("levels")->text == "4");
  check_at(root->find("c")->find_entry("levels")->key_location, 2, 14);
}

TEST_CASE("yaml_tree: merge keys; keys written in the map win") {
  diagnostics errors;
  const auto root = parse(
      "base: &base {rows: 128, columns: 128, pulse: 10 ns}\n" // 1
      "tile:\n"                                              // 2
      "  <<: *base\n"                                        // 3
      "  columns: 64\n",                                     // 4
      errors);
  REQUIRE_MESSAGE(root, errors.to_string());
  const auto* tile = root->find("tile");
  REQUIRE(tile);
  CHECK(tile->find("<<") == nullptr);
  REQUIRE(tile->entries.size() == 3);
  CHECK(tile->find("columns")->text == "64");
  check_at(tile->find("columns")->where, 4, 12);
  CHECK(tile->find("rows")->text == "128");
  check_at(tile->find("rows")->where, 1, 20);  // merged values point into the anchor
  CHECK(tile->find("pulse")->text == "10 ns");
}

TEST_CASE("yaml_tree: merging a list of maps; earlier maps win") {
  diagnostics errors;
  const auto root = parse(
      "a: &a {x: 1, y: 1}\n"
      "b: &b {y: 2, z: 2}\n"
      "c:\n"
      "  <<: [*a, *b]\n"
      "  w: 0\n",
      errors);
  REQUIRE_MESSAGE(root, errors.to_string());
  const auto* c = root->find("c");
  REQUIRE(c);
  CHECK(c->entries.size() == 4);
  CHECK(c->find("x")->text == "1");
  CHECK(c->find("y")->text == "1");
  CHECK(c->find("z")->text == "2");
  CHECK(c->find("w")->text == "0");
}

TEST_CASE("yaml_tree: merging something that is not a map is an error") {
  diagnostics errors;
  CHECK_FALSE(parse("v: &v 5\nc:\n  <<: *v\n  w: 0\n", errors));
  REQUIRE(errors.size() == 1);
  CHECK(contains(errors.errors()[0].message, "'<<' merges maps only"));
  check_at(errors.errors()[0].where, 1, 4);
}

TEST_CASE("yaml_tree: a key that is not a plain value is an error") {
  diagnostics errors;
  CHECK_FALSE(parse("? [a, b]\n: 1\n", errors));
  REQUIRE(errors.size() == 1);
  CHECK(contains(errors.errors()[0].message, "map keys must be plain names"));
  check_at(errors.errors()[0].where, 1, 3);
}

TEST_CASE("yaml_tree: clone is deep, so edits never reach the original or its aliases") {
  diagnostics errors;
  const auto root = parse("a: &x {bits: 8}\nb: *x\n", errors);
  REQUIRE_MESSAGE(root, errors.to_string());
  auto copy = root->clone();
  REQUIRE(copy);
  copy->entries[1].value->entries[0].value->text = "6";  // b.bits in the copy
  CHECK(copy->find("b")->find("bits")->text == "6");
  CHECK(copy->find("a")->find("bits")->text == "8");  // the alias is no longer shared
  CHECK(root->find("b")->find("bits")->text == "8");
  CHECK(root->find("a")->find("bits")->text == "8");
  CHECK(copy->find_entry("a")->key_location.line == 1);
}

TEST_CASE("yaml_tree: files") {
  scratch_dir dir;
  SUBCASE("locations name the file") {
    const std::string path = dir.write("arch.yaml", "a: 1\nb: 2\n");
    diagnostics errors;
    const auto root = load_yaml_file(path, errors);
    REQUIRE_MESSAGE(root, errors.to_string());
    CHECK(root->find("b")->where.file == path);
    check_at(root->find("b")->where, 2, 4);
  }
  SUBCASE("errors name the file") {
    const std::string path = dir.write("dup.yaml", "a: 1\na: 2\n");
    diagnostics errors;
    CHECK_FALSE(load_yaml_file(path, errors));
    REQUIRE(errors.size() == 1);
    CHECK(errors.errors()[0].to_string() == path + ":2:1: error: duplicate key 'a' (first given at line 1)");
  }
  SUBCASE("a missing file") {
    diagnostics errors;
    const std::string path = dir.path("no_such_file.yaml");
    CHECK_FALSE(load_yaml_file(path, errors));
    REQUIRE(errors.size() == 1);
    CHECK(errors.errors()[0].where.file == path);
    CHECK(errors.errors()[0].where.line == 0);
    CHECK(contains(errors.errors()[0].message, "cannot open"));
    CHECK(errors.errors()[0].to_string() == path + ": error: cannot open file: No such file or directory");
  }
  SUBCASE("a directory") {
    diagnostics errors;
    fs::create_directories(dir.path("configs"));
    CHECK_FALSE(load_yaml_file(dir.path("configs"), errors));
    REQUIRE(errors.size() == 1);
    CHECK(errors.errors()[0].where.file == dir.path("configs"));
    CHECK(contains(errors.errors()[0].message, "directory"));
  }
  SUBCASE("a file without read permission") {
    const std::string path = dir.write("secret.yaml", "a: 1\n");
    fs::permissions(path, fs::perms::none);
    if (std::ifstream(path).good()) {
      MESSAGE("running with privileges that read any file; permission case not testable here");
    } else {
      diagnostics errors;
      CHECK_FALSE(load_yaml_file(path, errors));
      REQUIRE(errors.size() == 1);
      CHECK(errors.errors()[0].where.file == path);
      CHECK(contains(errors.errors()[0].message, "cannot open"));
    }
  }
}
