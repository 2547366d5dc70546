#include "platform/elaboration/busy_trace.hpp"

namespace mottsim::platform {

void record_busy_intervals(const std::vector<component_runtime>& components) {
  for (const auto& c : components)
    for (auto* r : c.resources) r->record_intervals(true);
}

void record_busy_intervals(std::map<std::string, std::vector<models::busy_resource>>& resources) {
  for (auto& [component, list] : resources)
    for (auto& r : list) r.record_intervals(true);
}

reports::run_trace collect_busy_trace(const std::vector<component_runtime>& components, const ledger_extras& extras) {
  reports::run_trace trace;
  for (const auto& c : components) {
    const auto resources = resources_of(c, extras);
    for (std::size_t i = 0; i < resources.size(); ++i) {
      reports::trace_track t;
      t.component = c.spec->name;
      t.type = c.spec->type;
      t.label = resource_label(c, i, resources.size());
      t.intervals.reserve(resources[i]->intervals().size());
      for (const auto& iv : resources[i]->intervals()) t.intervals.push_back({iv.start_s, iv.end_s, iv.layer});
      trace.tracks.push_back(std::move(t));
    }
  }
  return trace;
}

}  // namespace mottsim::platform
