#include "dsl/yaml_tree.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>
#include <unordered_map>

#include "dsl/input_file.hpp"
#include "dsl/utf8.hpp"

namespace mottsim::dsl {

const char* kind_name(yaml_node::kind k) {
  switch (k) {
    case yaml_node::kind::null: return "nothing";
    case yaml_node::kind::scalar: return "a single value";
    case yaml_node::kind::sequence: return "a list";
    case yaml_node::kind::map: return "a map";
  }
  return "?";
}

bool scalar_or_items(const yaml_node& n, std::vector<const yaml_node*>& out) {
  if (n.is_scalar()) out.push_back(&n);
  else if (n.is_sequence())
    for (const auto& i : n.items) out.push_back(i.get());
  else return false;
  return true;
}

std::string resolve_relative(const std::string& from_file, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_relative()) p = std::filesystem::path(from_file).parent_path() / p;
  return p.lexically_normal().string();
}

const yaml_map_entry* yaml_node::find_entry(std::string_view key) const {
  for (const auto& e : entries)
    if (e.key == key) return &e;
  return nullptr;
}

const yaml_node* yaml_node::find(std::string_view key) const {
  const auto* e = find_entry(key);
  return e ? e->value.get() : nullptr;
}

std::string yaml_node::describe() const {
  if (type == kind::scalar) return "'" + text + "'";
  return kind_name(type);
}

yaml_node_ptr yaml_node::clone() const {
  auto copy = std::make_shared<yaml_node>();
  copy->type = type;
  copy->where = where;
  copy->text = text;
  copy->quoted = quoted;
  for (const auto& e : entries) copy->entries.push_back({e.key, e.key_location, e.value->clone(), e.below_use});
  for (const auto& i : items) copy->items.push_back(i->clone());
  return copy;
}

namespace {

// Thrown by the tree builder to stop yaml-cpp once going on is pointless (a
// limit is exceeded); the error is already recorded.
struct stop_parsing {};

class tree_builder : public YAML::EventHandler {
 public:
  tree_builder(std::string file, const std::string& text, diagnostics& errors)
      : m_file(std::move(file)), m_text(text), m_errors(errors) {}

  yaml_node_ptr root() const { return m_root; }
  int documents() const { return m_documents; }

  void OnDocumentStart(const YAML::Mark&) override { ++m_documents; }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto n = make(yaml_node::kind::null, mark);
    remember(anchor, n, {1, 1});
    add(n, {1, 1});
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = m_anchors.find(anchor);
    if (it == m_anchors.end()) {
      m_errors.error(locate(mark), "alias refers to an unknown anchor");
      add(make(yaml_node::kind::null, mark), {1, 1});
      return;
    }
    const yaml_node_ptr& target = it->second.node;
    // A node still open is an ancestor of this alias: the alias would put a
    // node inside itself, a tree without end.
    for (const auto& f : m_stack) {
      if (f.node != target) continue;
      const bool same_line = target->where.line == static_cast<int>(mark.line) + 1;
      m_errors.error(locate(mark), "alias '" + alias_text(mark) + "' refers to " + kind_name(target->type) +
                                       " that contains it" +
                                       (same_line ? "" : " (the anchor at line " + std::to_string(target->where.line) + ")") +
                                       ": an alias cycle has no end");
      add(make(yaml_node::kind::null, mark), {1, 1});
      return;
    }
    const subtree_size size = it->second.size;
    check_depth(mark, m_stack.size() + size.height, true);
    m_alias_nodes += size.nodes;
    if (m_alias_nodes > max_alias_nodes) {
      m_errors.error(locate(mark), "aliases here repeat more than " + std::to_string(max_alias_nodes) +
                                       " values in all (alias '" + alias_text(mark) + "' alone repeats " +
                                       std::to_string(size.nodes) + "); write the values out, or alias less");
      throw stop_parsing{};
    }
    add(target, size);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    auto n = make(yaml_node::kind::scalar, mark);
    n->text = value;
    n->quoted = (tag == "!");  // yaml-cpp tags quoted scalars with the non-specific tag "!"
    if (const std::string problem = quote_problem(mark); !problem.empty()) m_errors.error(locate(mark), problem);
    if (const std::size_t bad = first_invalid_utf8(value); bad != value.size()) {
      char byte[8];
      std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(value[bad]));
      m_errors.error(locate(mark), std::string("text is not valid UTF-8 (byte ") + byte + " at offset " +
                                       std::to_string(bad) + " of the value); YAML files are Unicode text");
    }
    remember(anchor, n, {1, 1});
    add(n, {1, 1});
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(yaml_node::kind::sequence, mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(yaml_node::kind::map, mark, anchor);
  }
  void OnMapEnd() override {
    apply_merge_keys(m_stack.back());
    close();
  }

 private:
  // A subtree as readers see it, every alias expanded.
  struct subtree_size {
    std::size_t nodes = 1;
    std::size_t height = 1;  // a leaf is 1
  };
  struct anchored {
    yaml_node_ptr node;
    subtree_size size;
  };
  struct frame {
    yaml_node_ptr node;
    YAML::anchor_t anchor = YAML::NullAnchor;
    yaml_node_ptr pending_key;  // maps: key seen, value not yet
    std::unordered_map<std::string, int> key_lines;  // maps: line of each key, for duplicates
    subtree_size size;
  };

  source_location locate(const YAML::Mark& mark) const {
    return {m_file, mark.line + 1, mark.column + 1};
  }

  // What is wrong with the quoted scalar at `mark`, or "". yaml-cpp ends one
  // that has no closing quote at the end of the text without a word, and one
  // whose closing quote is missing but a later line (a comment, a value) has
  // a quote ends there: either way a forgotten quote swallows every key
  // between. Said when the quote is never closed, or when the value runs
  // over lines that read as keys at the indentation of its own key or less.
  std::string quote_problem(const YAML::Mark& mark) const {
    // yaml-cpp counts positions after a UTF-8 byte-order mark.
    const std::size_t bom = m_text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
    if (mark.pos < 0 || static_cast<std::size_t>(mark.pos) + bom >= m_text.size()) return "";
    std::size_t start = static_cast<std::size_t>(mark.pos) + bom;
    // A tag or an anchor may come first ("!!str \"x", "&a 'x'"): the quote follows it.
    while (start < m_text.size() && (m_text[start] == '!' || m_text[start] == '&')) {
      while (start < m_text.size() && m_text[start] != ' ' && m_text[start] != '\n') ++start;
      while (start < m_text.size() && m_text[start] == ' ') ++start;
    }
    if (start >= m_text.size() || (m_text[start] != '"' && m_text[start] != '\'')) return "";  // a plain scalar
    const char quote = m_text[start];
    std::size_t end = std::string::npos;
    for (std::size_t i = start + 1; i < m_text.size() && end == std::string::npos; ++i) {
      if (quote == '"' && m_text[i] == '\\') {
        ++i;  // an escape: the next character is not the end
      } else if (m_text[i] == quote) {
        if (quote == '\'' && i + 1 < m_text.size() && m_text[i + 1] == '\'') ++i;  // '' inside single quotes
        else end = i;
      }
    }
    if (end == std::string::npos)
      return "this quoted value is never closed: without its closing quote it takes in the rest of the file, keys "
             "and all; close it";
    // The indentation of the value's key: its own line's, or, for a value on a
    // line of its own, the key's line above; a list item's continuation lines
    // sit right of its dash.
    const auto line_of = [&](std::size_t at) {
      const std::size_t nl = at == 0 ? std::string::npos : m_text.rfind('\n', at - 1);
      return nl == std::string::npos ? std::size_t{0} : nl + 1;
    };
    std::size_t line_start = line_of(start);
    std::size_t own_indent = m_text.find_first_not_of(' ', line_start) - line_start;
    if (line_start + own_indent == start && line_start > 0) {
      std::size_t above = line_of(line_start - 1);
      while (above > 0 && m_text.find_first_not_of(" \r", above) >= line_start - 1) above = line_of(above - 1);
      own_indent = m_text.find_first_not_of(' ', above) - above;
    } else if (m_text[line_start + own_indent] == '-') {
      own_indent += 1;
    }
    int line = static_cast<int>(mark.line) + 1;
    for (std::size_t nl = m_text.find('\n', start); nl != std::string::npos && nl < end;
         nl = m_text.find('\n', nl + 1)) {
      ++line;
      const std::size_t content = m_text.find_first_not_of(' ', nl + 1);
      if (content == std::string::npos || content >= end) break;
      const std::size_t indent = content - nl - 1;
      std::size_t k = content;
      while (k < end && (std::isalnum(static_cast<unsigned char>(m_text[k])) || m_text[k] == '_' || m_text[k] == '-' ||
                         m_text[k] == '.' || m_text[k] == '[' || m_text[k] == ']'))
        ++k;
      const bool reads_as_key = k > content && k < end && m_text[k] == ':' &&
                                (k + 1 >= m_text.size() || m_text[k + 1] == ' ' || m_text[k + 1] == '\n' ||
                                 m_text[k + 1] == '\r');
      if (indent <= own_indent && reads_as_key)
        return "this quoted value runs on to line " + std::to_string(line) + ", which reads as a key ('" +
               m_text.substr(content, k + 1 - content) + "'): its closing quote is missing, and a quote further "
               "on closed it; close it where the value ends";
    }
    return "";
  }

  // "*name" as written at the alias.
  std::string alias_text(const YAML::Mark& mark) const {
    if (mark.pos < 0 || static_cast<std::size_t>(mark.pos) >= m_text.size() || m_text[mark.pos] != '*') return "*";
    std::size_t end = static_cast<std::size_t>(mark.pos) + 1;
    while (end < m_text.size() && !std::isspace(static_cast<unsigned char>(m_text[end])) &&
           std::string_view(",[]{}").find(m_text[end]) == std::string_view::npos && end - mark.pos < 64)
      ++end;
    return m_text.substr(static_cast<std::size_t>(mark.pos), end - static_cast<std::size_t>(mark.pos));
  }

  yaml_node_ptr make(yaml_node::kind k, const YAML::Mark& mark) const {
    auto n = std::make_shared<yaml_node>();
    n->type = k;
    n->where = locate(mark);
    return n;
  }

  void check_depth(const YAML::Mark& mark, std::size_t depth, bool alias) {
    if (depth <= static_cast<std::size_t>(max_yaml_depth)) return;
    m_errors.error(locate(mark), "nesting deeper than " + std::to_string(max_yaml_depth) + " levels" +
                                     (alias ? " (counting what aliases refer to)" : ""));
    throw stop_parsing{};
  }

  void open(yaml_node::kind k, const YAML::Mark& mark, YAML::anchor_t anchor) {
    check_depth(mark, m_stack.size() + 1, false);
    auto n = make(k, mark);
    // Registered now so an alias inside it finds it (and is refused as a cycle).
    remember(anchor, n, {});
    m_stack.push_back({n, anchor, {}, {}, {}});
  }

  void close() {
    frame f = std::move(m_stack.back());
    m_stack.pop_back();
    if (f.anchor != YAML::NullAnchor) {
      auto it = m_anchors.find(f.anchor);
      if (it != m_anchors.end() && it->second.node == f.node) it->second.size = f.size;
    }
    add(f.node, f.size);
  }

  void remember(YAML::anchor_t anchor, const yaml_node_ptr& n, subtree_size size) {
    if (anchor != YAML::NullAnchor) m_anchors[anchor] = {n, size};
  }

  void add(const yaml_node_ptr& n, subtree_size size) {
    if (m_stack.empty()) {
      if (!m_root) m_root = n;
      return;
    }
    frame& top = m_stack.back();
    top.size.nodes += size.nodes;
    top.size.height = std::max(top.size.height, size.height + 1);
    if (top.node->is_sequence()) {
      top.node->items.push_back(n);
      return;
    }
    if (!top.pending_key) {
      top.pending_key = n;
      return;
    }
    yaml_node_ptr key = std::move(top.pending_key);
    top.pending_key.reset();
    if (!key->is_scalar()) {
      m_errors.error(key->where, "map keys must be plain names, not " + std::string(kind_name(key->type)));
      return;
    }
    const auto [first, fresh] = top.key_lines.emplace(key->text, key->where.line);
    if (!fresh) {
      m_errors.error(key->where, "duplicate key '" + key->text + "' (first given at line " +
                                     std::to_string(first->second) + ")");
      return;
    }
    top.node->entries.push_back({key->text, key->where, n});
  }

  // YAML merge keys ("<<: *base"): keys already present win, as the spec says,
  // and among merged maps the earlier one wins.
  void apply_merge_keys(frame& f) {
    yaml_node& map = *f.node;
    auto merge = std::find_if(map.entries.begin(), map.entries.end(), [](const auto& e) { return e.key == "<<"; });
    if (merge == map.entries.end()) return;
    const yaml_node_ptr source = merge->value;
    map.entries.erase(merge);
    f.key_lines.erase("<<");
    std::vector<yaml_node_ptr> sources;
    if (source->is_sequence()) sources = source->items;
    else sources.push_back(source);
    for (const auto& s : sources) {
      if (!s->is_map()) {
        m_errors.error(s->where, "'<<' merges maps only, got " + s->describe());
        continue;
      }
      for (const auto& e : s->entries)
        if (f.key_lines.emplace(e.key, e.key_location.line).second) map.entries.push_back(e);
    }
  }

  std::string m_file;
  const std::string& m_text;
  diagnostics& m_errors;
  yaml_node_ptr m_root;
  std::vector<frame> m_stack;
  std::map<YAML::anchor_t, anchored> m_anchors;
  std::size_t m_alias_nodes = 0;  // nodes repeated by aliases so far
  int m_documents = 0;
};

// The encoding yaml-cpp would read `text` in when it is not UTF-8: UTF-16 or
// UTF-32, told (as yaml-cpp tells them) by a byte-order mark or by the zero
// bytes that ASCII characters have in them. yaml-cpp would convert such text,
// but mottsim's YAML is UTF-8, as its locations (bytes) and reports assume.
struct wide_text {
  const char* description;  // null: not UTF-16 or UTF-32
  const char* iconv_name;   // what iconv calls it
};

wide_text wide_encoding(const std::string& text) {
  const auto byte = [&](std::size_t i) { return i < text.size() ? static_cast<unsigned char>(text[i]) : 0x100; };
  if (byte(0) == 0 && byte(1) == 0 && byte(2) == 0xFE && byte(3) == 0xFF)
    return {"UTF-32 (big-endian, with a byte-order mark)", "UTF-32"};
  if (byte(0) == 0xFF && byte(1) == 0xFE && byte(2) == 0 && byte(3) == 0)
    return {"UTF-32 (little-endian, with a byte-order mark)", "UTF-32"};
  if (byte(0) == 0xFE && byte(1) == 0xFF) return {"UTF-16 (big-endian, with a byte-order mark)", "UTF-16"};
  if (byte(0) == 0xFF && byte(1) == 0xFE) return {"UTF-16 (little-endian, with a byte-order mark)", "UTF-16"};
  if (byte(0) == 0 && byte(1) == 0 && byte(2) == 0 && byte(3) != 0x100) return {"UTF-32 (big-endian)", "UTF-32BE"};
  if (byte(0) != 0 && byte(1) == 0 && byte(2) == 0 && byte(3) == 0) return {"UTF-32 (little-endian)", "UTF-32LE"};
  if (byte(0) == 0 && byte(1) != 0x100) return {"UTF-16 (big-endian)", "UTF-16BE"};
  if (byte(0) != 0 && byte(1) == 0) return {"UTF-16 (little-endian)", "UTF-16LE"};
  return {nullptr, nullptr};
}

// yaml-cpp's messages for a tab in indentation ("illegal map value", "end of
// map not found") do not say so: names the error's line, or the one before it,
// when its indentation holds a tab (a comment's is harmless, and a tab further
// up, in a block scalar's text say, is legal).
std::string tab_indent_hint(const std::string& text, int error_line) {
  if (error_line < 1) return "";
  int line = 1;
  std::size_t begin = 0;
  while (begin <= text.size() && line <= error_line) {
    const std::size_t next = text.find('\n', begin);
    const std::string_view row(text.data() + begin, (next == std::string::npos ? text.size() : next) - begin);
    if (line >= error_line - 1) {
      const std::size_t content = row.find_first_not_of(" \t");
      const std::string_view indent = row.substr(0, content == std::string_view::npos ? row.size() : content);
      const bool comment = content != std::string_view::npos && row[content] == '#';
      if (!comment && indent.find('\t') != std::string_view::npos)
        return "; line " + std::to_string(line) + " indents with a tab, which YAML does not allow: indent with spaces";
    }
    if (next == std::string::npos) break;
    begin = next + 1;
    ++line;
  }
  return "";
}

yaml_node_ptr parse(const std::string& text, const std::string& name, diagnostics& errors) {
  if (const wide_text wide = wide_encoding(text); wide.description) {
    errors.error({name, 1, 1}, std::string("YAML text must be UTF-8, and this file is ") + wide.description +
                                   "; convert it, e.g. with 'iconv -f " + wide.iconv_name + " -t UTF-8'");
    return nullptr;
  }
  diagnostics local;
  tree_builder builder(name, text, local);
  std::istringstream in(text);
  try {
    YAML::Parser parser(in);
    if (parser.HandleNextDocument(builder) && parser.HandleNextDocument(builder) && builder.documents() > 1) {
      local.error({name, 1, 1}, "expected one YAML document, found several ('---')");
    }
  } catch (const stop_parsing&) {
  } catch (const YAML::Exception& e) {
    source_location where{name, e.mark.line + 1, e.mark.column + 1};
    if (e.mark.is_null()) where = {name, 0, 0};
    local.error(where, "YAML syntax: " + e.msg + tab_indent_hint(text, e.mark.is_null() ? -1 : e.mark.line + 1));
  }
  errors.append(local);
  if (local.has_errors()) return nullptr;
  auto root = builder.root();
  if (!root) {
    root = std::make_shared<yaml_node>();
    root->where = {name, 1, 1};
  }
  return root;
}

}  // namespace

yaml_node_ptr load_yaml_string(const std::string& text, const std::string& name, diagnostics& errors) {
  return parse(text, name, errors);
}

yaml_node_ptr load_yaml_file(const std::string& path, diagnostics& errors) {
  std::string text;
  if (!read_input_file(path, text, errors)) return nullptr;
  return load_yaml_string(text, path, errors);
}

}  // namespace mottsim::dsl
