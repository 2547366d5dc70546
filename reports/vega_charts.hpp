#pragma once
#include <string>

#include <nlohmann/json.hpp>

// Vega-Lite specs for the charts report.html draws, over rows of plain JSON
// objects. Quantities stay in SI units; axes and tooltips print them with SI
// prefixes.
namespace mottsim::reports {

// Bars of `value` per `category`, stacked by `stack`. Horizontal and sorted by
// total unless `in_data_order` (then vertical, categories in data order, as
// for layers).
nlohmann::json stacked_bar_chart(const nlohmann::json& rows, const std::string& category, const std::string& stack,
                                 const std::string& value, const std::string& value_title,
                                 bool in_data_order = false);

// Rows {component, start_s, end_s, utilization}: one rectangle per component
// and time slice, coloured from 0 to 100 %.
nlohmann::json utilization_heatmap(const nlohmann::json& rows);

// Rows {architecture, metric, ratio}: a bar from 1 to the ratio per metric and
// architecture on a log scale, with a rule at 1 (the reference).
nlohmann::json ratio_chart(const nlohmann::json& rows);

}  // namespace mottsim::reports
