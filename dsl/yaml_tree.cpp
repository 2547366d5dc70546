#include "dsl/yaml_tree.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

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
  for (const auto& e : entries) copy->entries.push_back({e.key, e.key_location, e.value->clone()});
  for (const auto& i : items) copy->items.push_back(i->clone());
  return copy;
}

namespace {

class tree_builder : public YAML::EventHandler {
 public:
  tree_builder(std::string file, diagnostics& errors) : m_file(std::move(file)), m_errors(errors) {}

  yaml_node_ptr root() const { return m_root; }
  int documents() const { return m_documents; }

  void OnDocumentStart(const YAML::Mark&) override { ++m_documents; }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto n = make(yaml_node::kind::null, mark);
    remember(anchor, n);
    add(n);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = m_anchors.find(anchor);
    if (it == m_anchors.end()) {
      m_errors.error(locate(mark), "alias refers to an unknown anchor");
      add(make(yaml_node::kind::null, mark));
      return;
    }
    add(it->second);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    auto n = make(yaml_node::kind::scalar, mark);
    n->text = value;
    n->quoted = (tag == "!");  // yaml-cpp tags quoted scalars with the non-specific tag "!"
    remember(anchor, n);
    add(n);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    auto n = make(yaml_node::kind::sequence, mark);
    remember(anchor, n);
    add(n);
    m_stack.push_back({n, {}});
  }
  void OnSequenceEnd() override { m_stack.pop_back(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    auto n = make(yaml_node::kind::map, mark);
    remember(anchor, n);
    add(n);
    m_stack.push_back({n, {}});
  }
  void OnMapEnd() override {
    auto map = m_stack.back().node;
    m_stack.pop_back();
    apply_merge_keys(*map);
  }

 private:
  struct frame {
    yaml_node_ptr node;
    yaml_node_ptr pending_key;  // maps: key seen, value not yet
  };

  source_location locate(const YAML::Mark& mark) const {
    return {m_file, mark.line + 1, mark.column + 1};
  }

  yaml_node_ptr make(yaml_node::kind k, const YAML::Mark& mark) const {
    auto n = std::make_shared<yaml_node>();
    n->type = k;
    n->where = locate(mark);
    return n;
  }

  void remember(YAML::anchor_t anchor, const yaml_node_ptr& n) {
    if (anchor != YAML::NullAnchor) m_anchors[anchor] = n;
  }

  void add(const yaml_node_ptr& n) {
    if (m_stack.empty()) {
      if (!m_root) m_root = n;
      return;
    }
    frame& top = m_stack.back();
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
    if (const auto* first = top.node->find_entry(key->text)) {
      m_errors.error(key->where, "duplicate key '" + key->text + "' (first given at line " +
                                     std::to_string(first->key_location.line) + ")");
      return;
    }
    top.node->entries.push_back({key->text, key->where, n});
  }

  // YAML merge keys ("<<: *base"): keys already present win, as the spec says.
  void apply_merge_keys(yaml_node& map) {
    for (std::size_t i = 0; i < map.entries.size(); ++i) {
      if (map.entries[i].key != "<<") continue;
      yaml_node_ptr source = map.entries[i].value;
      map.entries.erase(map.entries.begin() + static_cast<std::ptrdiff_t>(i));
      std::vector<yaml_node_ptr> sources;
      if (source->is_sequence()) sources = source->items;
      else sources.push_back(source);
      for (const auto& s : sources) {
        if (!s->is_map()) {
          m_errors.error(s->where, "'<<' merges maps only, got " + s->describe());
          continue;
        }
        for (const auto& e : s->entries)
          if (!map.find_entry(e.key)) map.entries.push_back(e);
      }
      --i;
    }
  }

  std::string m_file;
  diagnostics& m_errors;
  yaml_node_ptr m_root;
  std::vector<frame> m_stack;
  std::map<YAML::anchor_t, yaml_node_ptr> m_anchors;
  int m_documents = 0;
};

yaml_node_ptr parse(std::istream& in, const std::string& name, diagnostics& errors) {
  diagnostics local;
  tree_builder builder(name, local);
  try {
    YAML::Parser parser(in);
    if (parser.HandleNextDocument(builder) && parser.HandleNextDocument(builder) && builder.documents() > 1) {
      local.error({name, 1, 1}, "expected one YAML document, found several ('---')");
    }
  } catch (const YAML::Exception& e) {
    source_location where{name, e.mark.line + 1, e.mark.column + 1};
    if (e.mark.is_null()) where = {name, 0, 0};
    local.error(where, "YAML syntax: " + e.msg);
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
  std::istringstream in(text);
  return parse(in, name, errors);
}

yaml_node_ptr load_yaml_file(const std::string& path, diagnostics& errors) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    errors.error({path, 0, 0}, "is a directory, not a YAML file");
    return nullptr;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    errors.error({path, 0, 0}, std::string("cannot open file: ") + std::strerror(errno));
    return nullptr;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    errors.error({path, 0, 0}, std::string("cannot read file: ") + std::strerror(errno));
    return nullptr;
  }
  return load_yaml_string(text.str(), path, errors);
}

}  // namespace mottsim::dsl
