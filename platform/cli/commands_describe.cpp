#include <algorithm>
#include <iomanip>
#include <ostream>

#include "dsl/architecture_loader.hpp"
#include "models/network_shape.hpp"
#include "platform/cli/commands.hpp"

namespace mottsim::platform {

namespace {

std::string value_text(const dsl::param_schema* p, const dsl::param_value& v) {
  switch (v.kind) {
    case dsl::param_kind::quantity: return dsl::format_quantity(v.number, p ? p->dim : dsl::dimension::dimensionless);
    case dsl::param_kind::number: return dsl::format_quantity(v.number, dsl::dimension::dimensionless);
    case dsl::param_kind::integer: return std::to_string(v.integer);
    case dsl::param_kind::boolean: return v.flag ? "true" : "false";
    case dsl::param_kind::integer_list: {
      std::string s = "[";
      for (std::size_t i = 0; i < v.integers.size(); ++i) s += (i ? ", " : "") + std::to_string(v.integers[i]);
      return s + "]";
    }
    default: return v.text;
  }
}

std::string origin(const dsl::param_value& v) {
  if (v.from_default) return "default";
  return v.where.to_string();
}

void print_block(const model_registry& registry, const dsl::block_value& b, const std::string& indent,
                 std::ostream& out) {
  const dsl::block_schema* schema = registry.find_schema(b.type);
  if (!b.tech_entry.empty()) out << indent << "(based on technology entry " << b.tech_entry << ")\n";
  for (const auto& [name, v] : b.params) {
    const dsl::param_schema* p = schema ? schema->find(name) : nullptr;
    if (v.kind == dsl::param_kind::block && v.block) {
      out << indent << name << ": " << v.block->type << '\n';
      print_block(registry, *v.block, indent + "  ", out);
      continue;
    }
    if (v.kind == dsl::param_kind::block_list) {
      for (std::size_t i = 0; i < v.blocks.size(); ++i) {
        out << indent << name << "[" << i << "]: " << v.blocks[i].type << '\n';
        print_block(registry, v.blocks[i], indent + "  ", out);
      }
      continue;
    }
    out << indent << std::left << std::setw(26) << name << std::setw(18) << value_text(p, v) << origin(v) << '\n';
  }
}

// How a network's routers are laid out and what attaches where: the
// replicated components (the tiles) spread over the routers or leaves, the
// others sit at the port (models/mesh_network.hpp, models/htree_network.hpp).
void print_topology(const dsl::architecture_spec& spec, const dsl::component_spec& net, std::ostream& out) {
  const auto& p = net.params;
  const bool mesh = p.has("columns");
  if (!mesh && !p.has("leaves")) return;
  const long long per = p.integer("concentration");
  if (mesh) {
    const long long cols = p.integer("columns"), rows = p.integer("rows");
    out << "  topology: " << cols << " x " << rows << " mesh, " << models::mesh_routers(cols, rows) << " routers, "
        << models::mesh_directed_links(cols, rows) << " directed links, XY routing; port at router ("
        << p.integer("port_column") << "," << p.integer("port_row") << ")\n";
  } else {
    const long long leaves = p.integer("leaves");
    out << "  topology: H-tree of " << leaves << " leaves, depth " << models::htree_depth(leaves) << ", "
        << models::htree_switches(leaves) << " switches; port at the root\n";
  }
  long long placed = 0;
  for (const auto& c : spec.components)
    for (const auto& conn : c.connections) {
      if (conn.bus != net.name) continue;
      if (c.count <= 1 || c.role != dsl::component_role::target || models::at_network_port(c.type)) {
        out << "    " << c.name << (c.count > 1 ? " x" + std::to_string(c.count) : "")
            << (conn.via.empty() ? "" : " (via " + conn.via + ")") << ": at the port\n";
        continue;
      }
      if (models::sliced_over_network(c.type)) {
        const long long routers = mesh ? models::mesh_routers(p.integer("columns"), p.integer("rows")) : p.integer("leaves");
        out << "    " << c.name << " x" << c.count << ": sliced, " << c.count / std::max(1LL, routers) << " at every "
            << (mesh ? "router (slice k at router k in snake order)" : "leaf") << '\n';
        continue;
      }
      const long long first = placed / per, last = (placed + c.count - 1) / per;
      out << "    " << c.name << " x" << c.count << ": " << per << " per " << (mesh ? "router" : "leaf") << ", "
          << (mesh ? "routers " : "leaves ") << first << ".." << last
          << (mesh ? " in snake order (row 0 left to right, row 1 right to left, ...)" : " left to right") << '\n';
      placed += c.count;
    }
}

}  // namespace

int command_describe(const model_registry& registry, const std::string& file, const std::vector<std::string>& overrides,
                     std::ostream& out, std::ostream& err) {
  dsl::diagnostics errors;
  auto arch = dsl::load_architecture(file, overrides, registry, errors);
  if (errors.has_errors()) {
    errors.print(err);
    return 2;
  }
  const auto& spec = arch.spec;
  out << "architecture " << spec.name << " (" << spec.file << ")\n";
  if (!spec.description.empty()) out << "  " << spec.description << '\n';
  out << "  node " << dsl::format_quantity(spec.node_m, dsl::dimension::length) << "; technology libraries:";
  for (const auto& t : spec.tech_files) out << ' ' << t;
  out << '\n';
  // `--set tech[i]` indexes the list as the files give it, a base's and each
  // derived file's in turn, a library listed twice included; the line above
  // reads each library once. Shown when the two differ, so i can be read here.
  if (const dsl::yaml_node* tech = arch.resolved ? arch.resolved->find("tech") : nullptr;
      tech && tech->is_sequence() && tech->items.size() != spec.tech_files.size()) {
    out << "  tech list as --set tech[i] indexes it:";
    for (std::size_t i = 0; i < tech->items.size(); ++i) {
      const auto& item = *tech->items[i];
      const std::string path = item.where.line > 0 ? dsl::resolve_relative(item.where.file, item.text) : item.text;
      out << " [" << i << "] " << path;
    }
    out << '\n';
  }
  for (const auto& o : spec.overrides) out << "  override --set " << o << '\n';
  for (const auto& c : spec.components) {
    out << '\n' << c.name << ": " << c.type << (c.count > 1 ? " x" + std::to_string(c.count) : std::string())
        << (registry.can_simulate(c.type) ? "" : "  [no SystemC model yet]") << '\n';
    for (const auto& conn : c.connections) {
      out << "  connect " << conn.bus << (conn.via.empty() ? "" : " via " + conn.via);
      if (c.role == dsl::component_role::target) {
        char buf[96];
        std::snprintf(buf, sizeof buf, " window [0x%llx, 0x%llx)", conn.base, conn.base + conn.size);
        out << buf;
      }
      out << '\n';
    }
    if (c.role == dsl::component_role::interconnect) print_topology(spec, c, out);
    print_block(registry, c.params, "  ", out);
  }
  return 0;
}

}  // namespace mottsim::platform
