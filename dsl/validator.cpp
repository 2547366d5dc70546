#include "dsl/validator.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "dsl/input_file.hpp"
#include "dsl/suggest.hpp"

namespace mottsim::dsl {

namespace {

std::string qualify(const std::string& context, const std::string& name) {
  return context.empty() ? "'" + name + "'" : context + ": '" + name + "'";
}

// "a crossbar", "an adc": messages read as English.
std::string with_article(const std::string& noun) {
  const bool vowel = !noun.empty() && std::string("aeiou").find(noun.front()) != std::string::npos;
  return (vowel ? "an " : "a ") + noun;
}

std::string number_text(double v) {
  char buf[48];
  if (v == std::floor(v) && std::fabs(v) < 1e15) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

void validator::check_range(const param_schema& p, const param_value& v, const std::string& context) {
  auto show = [&](double x) { return p.kind == param_kind::quantity ? format_quantity(x, p.dim) : number_text(x); };
  auto check_one = [&](double x) {
    const bool low = p.min && (p.min_exclusive ? !(x > *p.min) : x < *p.min);
    const bool high = p.max && x > *p.max;
    if (low || high) {
      m_errors.error(v.where, qualify(context, p.name) + " must be " + p.range_text() + ", got " + show(x));
      return false;
    }
    return true;
  };
  switch (p.kind) {
    case param_kind::quantity:
    case param_kind::number: check_one(v.number); break;
    case param_kind::integer: check_one(static_cast<double>(v.integer)); break;
    case param_kind::integer_list:
      for (long long x : v.integers)
        if (!check_one(static_cast<double>(x))) break;
      break;
    default: break;
  }
}

bool validator::parse_param(const yaml_node& node, const param_schema& p, const std::string& context,
                            param_value& out) {
  out.kind = p.kind;
  out.where = node.where;
  const std::string what = qualify(context, p.name);
  auto expect_scalar = [&]() {
    if (node.is_scalar()) return true;
    m_errors.error(node.where, what + " must be a single value, got " + node.describe());
    return false;
  };
  switch (p.kind) {
    case param_kind::quantity:
    case param_kind::number: {
      if (!expect_scalar()) return false;
      auto q = parse_quantity(node.text, p.kind == param_kind::quantity ? p.dim : dimension::dimensionless);
      if (!q.ok) {
        m_errors.error(node.where, what + ": " + q.error);
        return false;
      }
      out.number = q.si;
      break;
    }
    case param_kind::integer: {
      if (!expect_scalar()) return false;
      if (!parse_integer(node.text, out.integer)) {
        double magnitude = 0;
        const bool number = parse_number(node.text, magnitude);
        const bool too_large = number && std::fabs(magnitude) >= 9223372036854775807.0;
        // 1e2 is a whole number written as a decimal one: say how to write it.
        const bool whole = number && !too_large && magnitude == std::floor(magnitude);
        char digits[32];
        std::snprintf(digits, sizeof digits, "%.0f", magnitude);
        const std::string got = ", got '" + node.text + "'";
        m_errors.error(node.where, what + (too_large  ? " is beyond the range of 64-bit whole numbers" + got
                                           : whole ? " must be written in digits, as " +
                                                            std::string(digits) + got
                                                      : " must be a whole number" + got));
        return false;
      }
      break;
    }
    case param_kind::boolean: {
      if (!expect_scalar()) return false;
      if (node.text == "true") out.flag = true;
      else if (node.text == "false") out.flag = false;
      else {
        m_errors.error(node.where, what + " must be true or false, got '" + node.text + "'");
        return false;
      }
      break;
    }
    case param_kind::text: {
      if (!expect_scalar()) return false;
      out.text = node.text;
      break;
    }
    case param_kind::choice: {
      if (!expect_scalar()) return false;
      if (std::find(p.choices.begin(), p.choices.end(), node.text) == p.choices.end()) {
        m_errors.error(node.where, what + " must be " + p.range_text() + ", got '" + node.text + "'" +
                                       did_you_mean(node.text, p.choices));
        return false;
      }
      out.text = node.text;
      break;
    }
    case param_kind::file: {
      if (!expect_scalar()) return false;
      std::filesystem::path path(node.text);
      if (path.is_relative() && !node.where.file.empty() && node.where.line > 0)
        path = std::filesystem::path(node.where.file).parent_path() / path;
      if (const std::string problem = regular_file_problem(path.string()); !problem.empty()) {
        m_errors.error(node.where, what + (problem == "does not exist" ? ": no such file '" + path.string() + "'"
                                                                      : ": '" + path.string() + "' " + problem));
        return false;
      }
      out.text = path.lexically_normal().string();
      break;
    }
    case param_kind::integer_list: {
      std::vector<const yaml_node*> items;
      if (!scalar_or_items(node, items)) {
        m_errors.error(node.where, what + " must be a whole number or a list of them, got " + node.describe());
        return false;
      }
      if (items.empty()) {
        m_errors.error(node.where, what + " must not be an empty list");
        return false;
      }
      for (const auto* i : items) {
        long long x = 0;
        if (!i->is_scalar() || !parse_integer(i->text, x)) {
          m_errors.error(i->where, what + " must hold whole numbers, got " + i->describe());
          return false;
        }
        out.integers.push_back(x);
      }
      break;
    }
    case param_kind::block: {
      if (!node.is_map()) {
        m_errors.error(node.where, what + " must be a map of parameters, got " + node.describe());
        return false;
      }
      const std::size_t before = m_errors.size();
      out.block = std::make_shared<block_value>(validate(node, *p.block, context.empty() ? p.name : context + "." + p.name));
      return m_errors.size() == before;
    }
    case param_kind::block_list: {
      if (!node.is_sequence()) {
        m_errors.error(node.where, what + " must be a list of blocks, each with 'type:', got " + node.describe());
        return false;
      }
      const std::size_t before = m_errors.size();
      for (std::size_t i = 0; i < node.items.size(); ++i) {
        const yaml_node& item = *node.items[i];
        const std::string item_context = (context.empty() ? p.name : context + "." + p.name) + "[" + std::to_string(i) + "]";
        if (!item.is_map()) {
          m_errors.error(item.where, item_context + " must be a map with 'type:', got " + item.describe());
          continue;
        }
        const yaml_node* type = item.find("type");
        if (!type || !type->is_scalar()) {
          m_errors.error(item.where, item_context + " needs 'type:', one of " + p.range_text().substr(8));
          continue;
        }
        if (std::find(p.block_types.begin(), p.block_types.end(), type->text) == p.block_types.end()) {
          m_errors.error(type->where, item_context + ": unknown type '" + type->text + "', expected " +
                                          p.range_text().substr(8) + did_you_mean(type->text, p.block_types));
          continue;
        }
        const block_schema* s = m_catalog.find_schema(type->text);
        if (!s) {
          m_errors.error(type->where, item_context + ": type '" + type->text + "' is not registered");
          continue;
        }
        out.blocks.push_back(validate(item, *s, item_context, {"type"}));
      }
      return m_errors.size() == before;
    }
  }
  const std::size_t before = m_errors.size();
  check_range(p, out, context);
  return m_errors.size() == before;
}

block_value validator::validate(const yaml_node& node_in, const block_schema& schema, const std::string& context,
                                const std::vector<std::string>& extra_keys) {
  block_value result;
  result.type = schema.type;
  result.where = node_in.where;
  if (!node_in.is_map()) {
    m_errors.error(node_in.where, context + " must be a map of parameters, got " + node_in.describe());
    return result;
  }

  // `use: library.entry` starts from a technology library entry; keys given
  // here override it.
  yaml_node merged;
  merged.type = yaml_node::kind::map;
  merged.where = node_in.where;
  // Only files that can name technology libraries (architectures) know `use:`.
  const yaml_map_entry* use = m_tech ? node_in.find_entry("use") : nullptr;
  if (use) {
    const yaml_node& u = *use->value;
    const tech_entry* entry = nullptr;
    if (!u.is_scalar()) {
      m_errors.error(u.where, context + ": 'use' names a technology library entry as 'library.entry'");
    } else if (!m_tech || m_tech->qualified_names().empty()) {
      if (!m_tech || !m_tech->any_unread())  // else the unread file's errors say why
        m_errors.error(u.where,
                       context + ": 'use: " + u.text + "' needs technology libraries; list them under 'tech:'");
    } else if (!(entry = m_tech->find(u.text))) {
      const std::string library = u.text.substr(0, u.text.find('.'));
      if (m_tech->has_library(library) || u.text.find('.') == std::string::npos) {
        m_errors.error(u.where, context + ": no technology library entry '" + u.text + "'" +
                                    did_you_mean(u.text, m_tech->qualified_names()));
      } else if (!m_tech->any_unread()) {
        // A library not read at all: most likely its file is not under tech:.
        std::string known;
        for (const auto& name : m_tech->library_names()) known += (known.empty() ? "" : ", ") + name;
        m_errors.error(u.where, context + ": no technology library '" + library + "' among those listed under tech: (" +
                                    known + "); list its file under tech:" +
                                    did_you_mean(u.text, m_tech->qualified_names()));
      }
      // Otherwise a listed file that could not be read (its errors are above)
      // may hold the library: calling its entry missing as well would mislead.
    } else if (entry->kind != schema.type) {
      // A kind no type has is a slip in the library: say where, and what was meant.
      const bool unknown = !m_catalog.find_schema(entry->kind);
      m_errors.error(u.where, context + ": '" + u.text + "' describes " + with_article(entry->kind) + ", not " +
                                  with_article(schema.type) +
                                  (unknown ? "; '" + entry->kind + "' is no kind mottsim knows (the entry is at " +
                                                 entry->where.to_string() + ")" +
                                                 did_you_mean(entry->kind, m_catalog.schema_names())
                                           : ""));
      entry = nullptr;
    }
    if (entry) {
      result.tech_entry = entry->qualified_name();
      for (const auto& e : entry->params->entries) {
        const yaml_map_entry* here = node_in.find_entry(e.key);
        if (!here || here->below_use) merged.entries.push_back(e);
      }
    }
  }
  for (const auto& e : node_in.entries) {
    if (e.key == "use" && m_tech) continue;
    // A key written below a later `use:` yields to that entry's value.
    if (e.below_use && use && !result.tech_entry.empty() && merged.find_entry(e.key)) continue;
    merged.entries.push_back(e);
  }

  std::vector<std::string> allowed = schema.names();
  allowed.insert(allowed.end(), extra_keys.begin(), extra_keys.end());
  if (m_tech) allowed.push_back("use");
  const std::size_t errors_before = m_errors.size();
  for (const auto& e : merged.entries) {
    if (std::find(extra_keys.begin(), extra_keys.end(), e.key) != extra_keys.end()) continue;
    if (!schema.find(e.key))
      m_errors.error(e.key_location, context + ": unknown parameter '" + e.key + "' for " + schema.type +
                                         did_you_mean(e.key, allowed));
  }
  for (const auto& p : schema.params) {
    param_value v;
    if (const yaml_map_entry* e = merged.find_entry(p.name)) {
      if (e->value->is_null() && p.optional) continue;
      if (parse_param(*e->value, p, context, v)) result.params[p.name] = std::move(v);
      continue;
    }
    if (p.default_text) {
      if (p.kind == param_kind::block) {
        yaml_node empty;
        empty.type = yaml_node::kind::map;
        empty.where = node_in.where;
        param_value b;
        if (parse_param(empty, p, context, b)) {
          b.from_default = true;
          result.params[p.name] = std::move(b);
        }
      } else if (parse_default(m_catalog, p, schema.type, v, m_errors)) {
        result.params[p.name] = std::move(v);
      }
      continue;
    }
    if (!p.optional) {
      std::string hint = p.kind == param_kind::quantity ? " (" + with_article(dimension_name(p.dim)) + " such as '" +
                                                              example_value(p.dim) + "')"
                                                        : "";
      m_errors.error(node_in.where, context + ": missing required parameter '" + p.name + "'" + hint);
    }
  }
  // Cross-parameter checks only make sense on a block whose values all parsed.
  if (m_errors.size() == errors_before)
    for (const auto& check : schema.checks) check(result, m_errors);
  return result;
}

bool parse_default(const schema_catalog& catalog, const param_schema& p, const std::string& type, param_value& out,
                   diagnostics& errors) {
  if (!p.default_text) return false;
  yaml_node node;
  node.type = yaml_node::kind::scalar;
  node.text = *p.default_text;
  node.where = {"<default of " + type + "." + p.name + ">", 0, 0};
  if (p.kind == param_kind::integer_list && node.text.size() > 1 && node.text.front() == '[') {
    // Defaults for lists are written "[a, b]".
    node.type = yaml_node::kind::sequence;
    std::string body = node.text.substr(1, node.text.size() - 2);
    std::size_t start = 0;
    while (start <= body.size()) {
      std::size_t comma = body.find(',', start);
      if (comma == std::string::npos) comma = body.size();
      auto item = std::make_shared<yaml_node>();
      item->type = yaml_node::kind::scalar;
      item->text = body.substr(start, comma - start);
      item->where = node.where;
      node.items.push_back(item);
      start = comma + 1;
    }
  }
  validator v(catalog, nullptr, errors);
  const bool ok = v.parse_param(node, p, type, out);
  out.from_default = true;
  return ok;
}

}  // namespace mottsim::dsl
