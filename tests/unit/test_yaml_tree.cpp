#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "dsl/input_file.hpp"
#include "dsl/utf8.hpp"
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
  SUBCASE("a tab in indentation is named, whatever yaml-cpp calls the error") {
    for (const char* text : {"name: x\nc:\n\tt:\n\t\ttype: y\n", "name: x\nc:\n  t:\n  \ttype: y\n"}) {
      CAPTURE(text);
      diagnostics errors;
      CHECK_FALSE(parse(text, errors));
      REQUIRE(errors.size() == 1);
      CHECK(contains(errors.errors()[0].message, "indents with a tab, which YAML does not allow"));
    }
    diagnostics errors;  // a tab inside a value is not indentation
    CHECK_FALSE(parse("a: 1: 2\nb: x\ty\n", errors));
    REQUIRE(errors.size() == 1);
    CHECK_FALSE(contains(errors.errors()[0].message, "tab"));
    // A tab in a block scalar's text, further up, is legal: the error below is not blamed on it.
    diagnostics later;
    CHECK_FALSE(parse("a: |\n  x\ty\n  \tz\nb: 1\nc: 2\nd: [1, 2\n", later));
    REQUIRE(later.size() == 1);
    CHECK_FALSE(contains(later.errors()[0].message, "tab"));
  }
  SUBCASE("a quoted value never closed, which would take in every key after it") {
    // yaml-cpp reads both to the end of the text without a word.
    for (const char* text : {"name: x\ndoc: \"one\nbits: 6\nrate: 1 GHz\n", "name: x\ndoc: 'it''s\nbits: 6\n",
                             "\xEF\xBB\xBFname: x\ndoc: \"a \\\" b\nbits: 6\n", "name: x\ndoc: !!str \"one\nbits: 6\n",
                             "name: x\ndoc: &d \"one\nbits: 6\n"}) {
      CAPTURE(text);
      diagnostics errors;
      CHECK_FALSE(parse(text, errors));
      REQUIRE(errors.size() == 1);
      check_at(errors.errors()[0].where, 2, 6);
      CHECK(contains(errors.errors()[0].message, "never closed"));
    }
  }
  SUBCASE("a quote missing, closed by a quote further on, with keys between") {
    // The second line's quote is never closed on it; the comment's quote closes
    // it, and yaml-cpp reads 'bits: 6' as part of the text.
    diagnostics errors;
    CHECK_FALSE(parse("name: x\ndoc: \"6-bit ADC\nbits: 6\n# on a wafer of 12\"\nrate: 1 GHz\n", errors));
    REQUIRE(errors.size() == 1);
    check_at(errors.errors()[0].where, 2, 6);
    CHECK(contains(errors.errors()[0].message, "runs on to line 3, which reads as a key ('bits:')"));
  }
  SUBCASE("closed quotes are not flagged: escapes, '' and quotes over several lines") {
    diagnostics errors;
    const auto root =
        parse("a: \"x \\\" y\"\nb: 'it''s'\nc: \"two\n  lines\"\n'd': ''\ne: \"\"\nf: it's plain\n"
              "g: \"a: b\n  c: d\"\nh:\n  \"on its own line\n  i: j\"\nk:\n  - \"item\n    l: m\"\n",
              errors);
    CHECK_FALSE(errors.has_errors());
    REQUIRE(root);
    CHECK(root->find("a")->text == "x \" y");
    CHECK(root->find("b")->text == "it's");
    CHECK(root->find("c")->text == "two lines");
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

TEST_CASE("yaml_tree: an alias inside its own anchor is a located error, not endless recursion") {
  for (const char* text : {"components: &x [*x]\n", "a: &x {b: *x}\n", "a: &x\n  b:\n    - {c: *x}\n"}) {
    CAPTURE(text);
    diagnostics errors;
    CHECK_FALSE(parse(text, errors));
    REQUIRE(errors.size() == 1);
    CHECK(contains(errors.errors()[0].message, "alias '*x' refers to"));
    CHECK(contains(errors.errors()[0].message, "alias cycle"));
  }
  diagnostics errors;
  CHECK_FALSE(parse("components: &x [*x]\n", errors));
  check_at(errors.errors()[0].where, 1, 17);  // at the alias
  // An anchor used after it is complete is no cycle, however often.
  diagnostics fine;
  const auto root = parse("a: &x {b: 1}\nc: [*x, *x, {d: *x}]\n", fine);
  REQUIRE_MESSAGE(root, fine.to_string());
  CHECK(root->find("c")->items[2]->find("d")->find("b")->text == "1");
}

namespace {

// An anchor of `width` scalars, then a list of `uses` aliases to it.
std::string repeated_anchor(std::size_t width, std::size_t uses) {
  std::string text = "a: &a [";
  for (std::size_t i = 0; i < width; ++i) text += (i ? ", " : "") + std::to_string(i);
  text += "]\nb:\n";
  for (std::size_t i = 0; i < uses; ++i) text += "  - *a\n";
  return text;
}

}  // namespace

TEST_CASE("yaml_tree: aliases may repeat at most max_alias_nodes values") {
  // Each alias repeats the list and its 999 items: 1000 values.
  const std::size_t per_alias = 1000;
  const std::size_t allowed = mottsim::dsl::max_alias_nodes / per_alias;  // 100
  REQUIRE(allowed * per_alias == mottsim::dsl::max_alias_nodes);
  SUBCASE("exactly the budget") {
    diagnostics errors;
    const auto root = parse(repeated_anchor(per_alias - 1, allowed), errors);
    REQUIRE_MESSAGE(root, errors.to_string());
    CHECK(root->find("b")->items.size() == allowed);
  }
  SUBCASE("one alias more is refused at that alias") {
    diagnostics errors;
    CHECK_FALSE(parse(repeated_anchor(per_alias - 1, allowed + 1), errors));
    REQUIRE(errors.size() == 1);
    CHECK(contains(errors.errors()[0].message, "repeat more than 100000 values"));
    CHECK(contains(errors.errors()[0].message, "alias '*a' alone repeats 1000"));
    check_at(errors.errors()[0].where, 3 + static_cast<int>(allowed), 5);  // the 101st '- *a'
  }
  SUBCASE("billion laughs stops at the budget") {
    std::string text = "l0: &l0 [x, x, x, x, x, x, x, x, x]\n";
    for (int level = 1; level <= 9; ++level) {
      const std::string prev = "*l" + std::to_string(level - 1);
      text += "l" + std::to_string(level) + ": &l" + std::to_string(level) + " [";
      for (int k = 0; k < 9; ++k) text += (k ? ", " : "") + prev;
      text += "]\n";
    }
    diagnostics errors;
    CHECK_FALSE(parse(text, errors));
    REQUIRE(errors.size() == 1);
    CHECK(contains(errors.errors()[0].message, "repeat more than"));
    // An alias to level k repeats 1 + 9 + ... + 9^(k+1) values (10, 91, 820,
    // 7381, 66430): levels 1-4 repeat 74,718 in all, and the first alias of
    // level 5 (line 6) passes 100,000.
    CHECK(contains(errors.errors()[0].message, "alias '*l4' alone repeats 66430"));
    check_at(errors.errors()[0].where, 6, 10);
  }
}

TEST_CASE("yaml_tree: nesting is bounded, by brackets or through aliases") {
  const int limit = mottsim::dsl::max_yaml_depth;
  auto nested = [](int depth) { return std::string(depth, '[') + std::string(depth, ']') + "\n"; };
  SUBCASE("brackets") {
    diagnostics errors;
    REQUIRE_MESSAGE(parse(nested(limit), errors), errors.to_string());
    CHECK_FALSE(parse(nested(limit + 1), errors));
    REQUIRE(errors.size() == 1);
    CHECK(contains(errors.errors()[0].message, "nesting deeper than 256 levels"));
    check_at(errors.errors()[0].where, 1, limit + 1);  // the first '[' too many
  }
  SUBCASE("far deeper than yaml-cpp's own limit") {
    // yaml-cpp recurses per level too; the tree builder stops it first.
    diagnostics errors;
    CHECK_FALSE(parse(nested(100000), errors));
    REQUIRE(errors.size() == 1);
    CHECK(contains(errors.errors()[0].message, "nesting deeper than"));
  }
  SUBCASE("a chain of aliases, each one level deeper") {
    // Line k holds "- &aK [*aK-1]": list level 1 + nesting k+1 when expanded.
    auto chain = [](int n) {
      std::string text = "- &a0 [x]\n";
      for (int k = 1; k < n; ++k)
        text += "- &a" + std::to_string(k) + " [*a" + std::to_string(k - 1) + "]\n";
      return text;
    };
    diagnostics errors;
    REQUIRE_MESSAGE(parse(chain(limit - 2), errors), errors.to_string());  // deepest: 1 + 254 + 1 = 256
    CHECK_FALSE(parse(chain(limit - 1), errors));
    REQUIRE(errors.size() == 1);
    CHECK(contains(errors.errors()[0].message, "nesting deeper than 256 levels (counting what aliases refer to)"));
    CHECK(errors.errors()[0].where.line == limit - 1);
  }
}

TEST_CASE("yaml_tree: a large map keeps every key, and duplicates are found by lookup, not by scanning") {
  // 200,000 keys: a scan of the earlier keys for each one (20 billion string
  // compares) would not finish within the test's time.
  const int n = 200000;
  std::string text;
  text.reserve(static_cast<std::size_t>(n) * 16);
  for (int i = 0; i < n; ++i) text += "k" + std::to_string(i) + ": " + std::to_string(i) + "\n";
  text += "k12345: again\n";
  diagnostics errors;
  CHECK_FALSE(parse(text, errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors.errors()[0].message == "duplicate key 'k12345' (first given at line 12346)");
  check_at(errors.errors()[0].where, n + 1, 1);

  text.resize(text.size() - std::string("k12345: again\n").size());
  diagnostics fine;
  const auto root = parse(text, fine);
  REQUIRE_MESSAGE(root, fine.to_string());
  REQUIRE(root->entries.size() == static_cast<std::size_t>(n));
  CHECK(root->entries.front().key == "k0");
  CHECK(root->entries.back().key == "k199999");
  CHECK(root->entries.back().value->text == "199999");
}

TEST_CASE("yaml_tree: text that is not UTF-8 is a located error") {
  diagnostics errors;
  CHECK_FALSE(parse("name: ok\nlabel: \"ab\xff\"\nkey\xc3: 1\n", errors));
  REQUIRE(errors.size() == 2);
  CHECK(contains(errors.errors()[0].message, "not valid UTF-8 (byte 0xFF at offset 2"));
  check_at(errors.errors()[0].where, 2, 8);
  CHECK(contains(errors.errors()[1].message, "not valid UTF-8 (byte 0xC3 at offset 3"));
  check_at(errors.errors()[1].where, 3, 1);
  diagnostics fine;
  REQUIRE_MESSAGE(parse("name: \"Ω µs – 日本\"\n", fine), fine.to_string());
}

TEST_CASE("yaml_tree: UTF-16 and UTF-32 text is a located error, not read as such") {
  // yaml-cpp would read these (converting them); mottsim's YAML is UTF-8.
  const std::string name = "name: x\n";
  std::string le = "\xff\xfe", be = "\xfe\xff", le_bare, be32;
  for (char c : name) {
    le += std::string{c, '\0'};
    be += std::string{'\0', c};
    le_bare += std::string{c, '\0'};
    be32 += std::string{'\0', '\0', '\0', c};
  }
  for (const auto& [text, encoding] :
       {std::pair<std::string, std::string>{le, "UTF-16 (little-endian, with a byte-order mark)"},
        {be, "UTF-16 (big-endian, with a byte-order mark)"},
        {le_bare, "UTF-16 (little-endian)"},
        {be32, "UTF-32 (big-endian)"},
        {std::string("\xff\xfe\0\0", 4) + "n\0\0\0", "UTF-32 (little-endian, with a byte-order mark)"}}) {
    CAPTURE(encoding);
    diagnostics errors;
    CHECK_FALSE(parse(text, errors));
    REQUIRE(errors.size() == 1);
    check_at(errors.errors()[0].where, 1, 1);
    CHECK(contains(errors.errors()[0].message, "YAML text must be UTF-8, and this file is " + encoding));
  }
  // UTF-8, with or without its byte-order mark, is read.
  diagnostics fine;
  CHECK(parse("\xef\xbb\xbfname: x\n", fine));
  CHECK(parse("name: x\n", fine));
  CHECK_FALSE(fine.has_errors());
}

TEST_CASE("diagnostics: what a message quotes prints as text, on one line") {
  // Bytes that are no UTF-8 as \xNN, control characters escaped; valid UTF-8
  // (and the message's own words) as they are.
  mottsim::dsl::diagnostics errors;
  errors.error({"m.onnx", 0, 0}, "node 'a\xff" "b\r\nc\x1b[31m' (R\xc3lu): caf\xc3\xa9 \xe6\x97\xa5");
  CHECK(errors.to_string() == "m.onnx: error: node 'a\\xffb\\r\\nc\\x1b[31m' (R\\xc3lu): caf\xc3\xa9 \xe6\x97\xa5\n");
  CHECK(mottsim::dsl::printable_text("\xf0\x9f\x98") == "\\xf0\\x9f\\x98");  // a cut-off 4-byte character
  CHECK(mottsim::dsl::printable_text("tab\there\x7f") == "tab\\there\\x7f");
}

TEST_CASE("yaml_tree: input files are bounded in size and must be regular files") {
  scratch_dir dir;
  const auto saved = mottsim::dsl::max_file_bytes();
  struct restore {
    std::uintmax_t bytes;
    ~restore() { mottsim::dsl::set_max_file_bytes(bytes); }
  } restore_limit{saved};
  CHECK(saved == 64ull * 1024 * 1024);
  mottsim::dsl::set_max_file_bytes(64);
  SUBCASE("at the limit and one byte past it") {
    const std::string at_limit = dir.write("a.yaml", "a: " + std::string(60, 'x') + "\n");  // 64 bytes
    const std::string past = dir.write("b.yaml", "a: " + std::string(61, 'x') + "\n");     // 65 bytes
    diagnostics errors;
    CHECK(load_yaml_file(at_limit, errors));
    CHECK_FALSE(load_yaml_file(past, errors));
    REQUIRE(errors.size() == 1);
    CHECK(errors.errors()[0].to_string() ==
          past + ": error: the file is 65 B, larger than the --max-file-size limit of 64 B; raise it with "
                 "--max-file-size SIZE, such as --max-file-size '65 B'");
  }
  SUBCASE("an endless device") {
    diagnostics errors;
    CHECK_FALSE(load_yaml_file("/dev/zero", errors));
    REQUIRE(errors.size() == 1);
    CHECK(errors.errors()[0].to_string() ==
          "/dev/zero: error: cannot open file: it is a character device, not a regular file");
  }
  SUBCASE("a FIFO with no writer is refused at once, not waited on") {
    const std::string fifo = dir.path("pipe.yaml");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    diagnostics errors;
    CHECK_FALSE(load_yaml_file(fifo, errors));
    REQUIRE(errors.size() == 1);
    CHECK(contains(errors.errors()[0].message, "it is a FIFO (named pipe), not a regular file"));
  }
  SUBCASE("a file name that is not UTF-8") {
    const std::string path = dir.write("bad\xff.yaml", "a: 1\n");
    diagnostics errors;
    CHECK_FALSE(load_yaml_file(path, errors));
    REQUIRE(errors.size() == 1);
    CHECK(contains(errors.errors()[0].message, "name is not valid UTF-8"));
  }
}

TEST_CASE("yaml_tree: --max-file-size takes a data size or a number of bytes") {
  std::uintmax_t bytes = 0;
  std::string error;
  CHECK(mottsim::dsl::parse_file_size_limit("256 MiB", bytes, error));
  CHECK(bytes == 256ull * 1024 * 1024);
  CHECK(mottsim::dsl::parse_file_size_limit("1e6", bytes, error));
  CHECK(bytes == 1000000);
  CHECK(mottsim::dsl::parse_file_size_limit("2 GB", bytes, error));
  CHECK(bytes == 2000000000ull);
  // Up to what a file offset holds, so the units reach exa.
  CHECK(mottsim::dsl::parse_file_size_limit("7 EiB", bytes, error));
  CHECK(bytes == 7ull << 60);
  CHECK(mottsim::dsl::parse_file_size_limit("2 PB", bytes, error));
  CHECK(bytes == 2000000000000000ull);
  CHECK(mottsim::dsl::parse_file_size_limit("3 PiB", bytes, error));
  CHECK(bytes == 3ull << 50);
  for (const char* bad : {"0", "-5 MiB", "10 ns", "lots", "1e30 B", "8 EiB", "10 EB"}) {
    CAPTURE(bad);
    CHECK_FALSE(mottsim::dsl::parse_file_size_limit(bad, bytes, error));
    CHECK_FALSE(error.empty());
  }
}

TEST_CASE("yaml_tree: --max-file-size is a whole number of bytes, taken exactly") {
  std::uintmax_t bytes = 0;
  std::string error;
  // A fraction of a byte is refused, not rounded down (1.5 used to become 1 B).
  for (const char* fractional : {"1.5", "1.5 B", "0.1 KiB", "2.5e0"}) {
    CAPTURE(fractional);
    error.clear();
    CHECK_FALSE(mottsim::dsl::parse_file_size_limit(fractional, bytes, error));
    CHECK(error.find("whole number of bytes") != std::string::npos);
  }
  // Fractions of a larger unit that come to whole bytes are sizes.
  CHECK(mottsim::dsl::parse_file_size_limit("1.5 KiB", bytes, error));
  CHECK(bytes == 1536);
  // The largest file offset, 2^63 - 1, exactly (as a double it is 2^63).
  CHECK(mottsim::dsl::parse_file_size_limit("9223372036854775807", bytes, error));
  CHECK(bytes == 9223372036854775807ull);
  CHECK(mottsim::dsl::parse_file_size_limit(" 42 ", bytes, error));
  CHECK(bytes == 42);
  CHECK_FALSE(mottsim::dsl::parse_file_size_limit("9223372036854775808", bytes, error));
  CHECK_FALSE(mottsim::dsl::parse_file_size_limit("99999999999999999999999", bytes, error));
}
