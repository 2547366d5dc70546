#include "platform/mapping/activation_homes.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mottsim::platform {

bool is_view(const dsl::layer_spec& l) {
  switch (l.kind) {
    case dsl::layer_kind::flatten:
    case dsl::layer_kind::slice: return true;
    case dsl::layer_kind::reshape: return !l.reorders;
    case dsl::layer_kind::activation: return l.activation == dsl::activation_kind::none;
    default: return false;
  }
}

std::size_t activation_buffer::slice_of_tile(long long tile) const {
  if (slices.size() <= 1 || tiles_per_slice <= 0) return 0;
  return static_cast<std::size_t>(std::clamp<long long>(tile / tiles_per_slice, 0,
                                                        static_cast<long long>(slices.size()) - 1));
}

namespace {

// Layers that share one tensor's storage (union-find over layer indices).
struct storage_groups {
  std::vector<int> parent;
  std::vector<bool> fixed;      // holds the network input or a load's tensor: stays where it starts
  std::vector<bool> has_concat; // already joined into a concat, at its offset there

  explicit storage_groups(std::size_t n) : parent(n), fixed(n, false), has_concat(n, false) {
    std::iota(parent.begin(), parent.end(), 0);
  }
  int root(int i) {
    while (parent[static_cast<std::size_t>(i)] != i) {
      parent[static_cast<std::size_t>(i)] = parent[static_cast<std::size_t>(parent[static_cast<std::size_t>(i)])];
      i = parent[static_cast<std::size_t>(i)];
    }
    return i;
  }
  void join(int a, int b) {
    a = root(a);
    b = root(b);
    if (a == b) return;
    if (b < a) std::swap(a, b);
    parent[static_cast<std::size_t>(b)] = a;
    fixed[static_cast<std::size_t>(a)] = fixed[static_cast<std::size_t>(a)] || fixed[static_cast<std::size_t>(b)];
    has_concat[static_cast<std::size_t>(a)] =
        has_concat[static_cast<std::size_t>(a)] || has_concat[static_cast<std::size_t>(b)];
  }
};

}  // namespace

unsigned long long place_activations(const dsl::workload_spec& workload, const activation_buffer& buffer,
                                     const memory_window& dram, network_plan& plan) {
  const std::size_t n = workload.layers.size();
  const double act_bytes = workload.activation_bits / 8.0;
  const double image_bytes = static_cast<double>(workload.input.elements()) * act_bytes;
  const data_home image{dram.name, dram.base};
  // The layers each layer reads (its input, and a second operand); -1 is the
  // network's input.
  std::vector<std::vector<int>> operands(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& l = workload.layers[i];
    operands[i].push_back(workload.producer_of(static_cast<int>(i)));
    if (!l.add_from.empty()) operands[i].push_back(workload.index_of(l.add_from));
  }

  // Which layers share storage. A view of the network input is the input.
  storage_groups groups(n);
  std::vector<bool> views_image(n, false);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& l = workload.layers[i];
    layer_plan& lp = plan.layers[i];
    lp.copies.clear();
    const int p = operands[i].front();
    if (l.kind == dsl::layer_kind::load) groups.fixed[i] = true;
    if (is_view(l)) {
      if (p >= 0) groups.join(static_cast<int>(i), p);
      else {
        views_image[i] = true;
        groups.fixed[static_cast<std::size_t>(groups.root(static_cast<int>(i)))] = true;
      }
    } else if (l.kind == dsl::layer_kind::concat) {
      double joined = 0.0;
      for (const int o : operands[i]) {
        const double bytes = o < 0 ? image_bytes : plan.layers[static_cast<std::size_t>(o)].output_bytes;
        joined += bytes;
        const int g = o < 0 ? -1 : groups.root(o);
        if (g >= 0 && !groups.fixed[static_cast<std::size_t>(g)] && !groups.has_concat[static_cast<std::size_t>(g)] &&
            g != groups.root(static_cast<int>(i))) {
          groups.join(static_cast<int>(i), o);
          continue;
        }
        lp.copies.push_back({o, bytes, {}});
      }
      groups.has_concat[static_cast<std::size_t>(groups.root(static_cast<int>(i)))] = true;
      // A stored constant joined (a class token) is read from DRAM, where
      // the weights are.
      if (l.constant_size > 0) lp.copies.push_back({constant_source, std::max(0.0, lp.output_bytes - joined), {}});
    } else if (l.kind == dsl::layer_kind::reshape) {
      lp.copies.push_back({p, lp.input_bytes, {}});  // a reordering reshape: a strided copy
    }
  }

  // Each group's extent and whether a half of the global buffer can hold it.
  struct extent {
    int lo = -1, hi = -1, members = 0;
    double bytes = 0.0;
    bool read_outside = false;  // read by a layer other than the one after it
  };
  std::vector<extent> ext(n);
  for (std::size_t i = 0; i < n; ++i) {
    extent& e = ext[static_cast<std::size_t>(groups.root(static_cast<int>(i)))];
    if (e.lo < 0) e.lo = static_cast<int>(i);
    e.hi = static_cast<int>(i);
    ++e.members;
    e.bytes = std::max(e.bytes, plan.layers[i].output_bytes);
  }
  for (std::size_t k = 0; k < n; ++k)
    for (const int o : operands[k]) {
      if (o < 0) continue;
      const int g = groups.root(o);
      if (g == groups.root(static_cast<int>(k))) continue;
      if (static_cast<int>(k) != ext[static_cast<std::size_t>(g)].hi + 1) ext[static_cast<std::size_t>(g)].read_outside = true;
    }

  // The slice beside each layer's reading: its middle tile's, or for a layer
  // off the tiles, the slice its own output goes to (its reader's).
  std::vector<std::size_t> reader_slice(n, 0);
  for (std::size_t k = n; k-- > 0;) {
    const layer_plan& lp = plan.layers[k];
    if (lp.on_tiles && lp.tiles > 0) {
      reader_slice[k] = buffer.slice_of_tile(lp.first_tile + (lp.tiles - 1) / 2);
    } else {
      const auto next = static_cast<std::size_t>(ext[static_cast<std::size_t>(groups.root(static_cast<int>(k)))].hi) + 1;
      if (next < n) reader_slice[k] = reader_slice[next];
    }
  }

  // Homes, in the order the groups are first written; each slice's halves
  // alternate between the groups it holds.
  unsigned long long dram_next = dram.base + static_cast<unsigned long long>(std::ceil(image_bytes));
  std::vector<int> buffer_half(buffer.slices.size(), 0);
  std::vector<data_home> group_home(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto g = static_cast<std::size_t>(groups.root(static_cast<int>(i)));
    if (g != i) continue;  // a group's root is its first layer
    const extent& e = ext[g];
    const auto bytes = static_cast<unsigned long long>(std::ceil(e.bytes));
    const bool contiguous = e.hi - e.lo + 1 == e.members;
    const std::size_t reader = static_cast<std::size_t>(e.hi) + 1;
    const std::size_t s = reader < n ? reader_slice[reader] : 0;
    if (views_image[g]) {
      group_home[g] = image;  // views of the network input
    } else if (!buffer.slices.empty() && !groups.fixed[g] && contiguous && !e.read_outside && reader < n &&
               bytes <= buffer.slices[s].size / 2) {
      const memory_window& slice = buffer.slices[s];
      group_home[g] = {slice.name, slice.base + static_cast<unsigned long long>(buffer_half[s]) * (slice.size / 2)};
      buffer_half[s] ^= 1;
    } else {
      group_home[g] = {dram.name, dram_next};
      dram_next += (bytes + 63) / 64 * 64;
    }
  }

  // Each layer's home: its group's, a slice at its offset in what it views.
  // (A concat's operands all take the concat's address: within one memory
  // the address only names the memory, and every transfer is priced by its
  // bytes.)
  std::vector<unsigned long long> offset(n, 0);
  auto home_of = [&](int layer) -> data_home {
    if (layer < 0) return image;
    data_home h = group_home[static_cast<std::size_t>(groups.root(layer))];
    h.address += offset[static_cast<std::size_t>(layer)];
    return h;
  };
  for (std::size_t i = 0; i < n; ++i) {
    const auto& l = workload.layers[i];
    layer_plan& lp = plan.layers[i];
    const int p = operands[i].front();
    if (l.kind == dsl::layer_kind::slice && p >= 0 && groups.root(p) == groups.root(static_cast<int>(i))) {
      const double step = l.along_height ? static_cast<double>(l.in_shape.width * l.in_shape.channels) : 1.0;
      offset[i] = offset[static_cast<std::size_t>(p)] +
                  static_cast<unsigned long long>(std::floor(static_cast<double>(l.slice_begin) * step * act_bytes));
    }
    lp.output = home_of(static_cast<int>(i));
    lp.inputs.clear();
    lp.input_layers.clear();
    for (const int o : operands[i]) {
      lp.inputs.push_back(home_of(o));
      lp.input_layers.push_back(o);
    }
    for (auto& c : lp.copies)
      c.from = c.layer == constant_source ? data_home{dram.name, dram.base} : home_of(c.layer);
  }
  return dram_next;
}

}  // namespace mottsim::platform
