#pragma once
#include <map>
#include <string>

namespace mottsim::models {

// What a component did, by layer and action name. Models only count; the
// ledger prices the counts afterwards (DESIGN decision 5).
class action_counter {
 public:
  void add(int layer, const std::string& action, double count) {
    if (count != 0.0) m_counts[layer][action] += count;
  }
  // layer -> action -> count; layer -1 is work outside any layer.
  const std::map<int, std::map<std::string, double>>& by_layer() const { return m_counts; }
  std::map<std::string, double> totals() const {
    std::map<std::string, double> t;
    for (const auto& [layer, actions] : m_counts)
      for (const auto& [name, n] : actions) t[name] += n;
    return t;
  }

 private:
  std::map<int, std::map<std::string, double>> m_counts;
};

}  // namespace mottsim::models
