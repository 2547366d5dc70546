#include "reports/vega_charts.hpp"

namespace mottsim::reports {

namespace {

using nlohmann::json;

// d3 formats: SI prefixes for quantities, trailing zeros trimmed.
constexpr const char* si_format = "~s";
constexpr const char* si_tooltip_format = ".4~s";

json tooltip_field(const std::string& field, const std::string& type, const char* format = nullptr) {
  json t = {{"field", field}, {"type", type}};
  if (format) t["format"] = format;
  return t;
}

}  // namespace

json stacked_bar_chart(const json& rows, const std::string& category, const std::string& stack,
                       const std::string& value, const std::string& value_title, bool in_data_order) {
  json axis_value = {{"field", value},
                     {"type", "quantitative"},
                     {"stack", "zero"},
                     {"title", value_title},
                     {"axis", {{"format", si_format}}}};
  json axis_category = {{"field", category}, {"type", "nominal"}, {"title", category}};
  json spec = {{"data", {{"values", rows}}}, {"mark", {{"type", "bar"}}}, {"width", 640}};
  json encoding;
  if (in_data_order) {
    axis_category["sort"] = nullptr;
    axis_category["axis"] = {{"labelAngle", -40}};
    encoding["x"] = axis_category;
    encoding["y"] = axis_value;
  } else {
    axis_category["sort"] = "-x";
    encoding["y"] = axis_category;
    encoding["x"] = axis_value;
  }
  encoding["color"] = {{"field", stack}, {"type", "nominal"}, {"title", stack}};
  encoding["tooltip"] = json::array(
      {tooltip_field(category, "nominal"), tooltip_field(stack, "nominal"),
       tooltip_field(value, "quantitative", si_tooltip_format)});
  spec["encoding"] = encoding;
  return spec;
}

json utilization_heatmap(const json& rows) {
  return {{"data", {{"values", rows}}},
          {"mark", {{"type", "rect"}}},
          {"width", 700},
          {"encoding",
           {{"x",
             {{"field", "start_s"},
              {"type", "quantitative"},
              {"title", "time since the inference started (s)"},
              {"scale", {{"nice", false}}},
              {"axis", {{"format", si_format}}}}},
            {"x2", {{"field", "end_s"}}},
            {"y", {{"field", "component"}, {"type", "nominal"}, {"sort", nullptr}}},
            {"color",
             {{"field", "utilization"},
              {"type", "quantitative"},
              {"scale", {{"domain", {0, 1}}, {"scheme", "blues"}}},
              {"legend", {{"format", ".0%"}}}}},
            {"tooltip", json::array({tooltip_field("component", "nominal"),
                                     tooltip_field("start_s", "quantitative", si_tooltip_format),
                                     tooltip_field("utilization", "quantitative", ".1%")})}}}};
}

json ratio_chart(const json& rows) {
  json bars = {{"mark", {{"type", "bar"}}},
               {"encoding",
                {{"y", {{"field", "metric"}, {"type", "nominal"}, {"sort", nullptr}, {"title", nullptr}}},
                 {"yOffset", {{"field", "architecture"}, {"type", "nominal"}, {"sort", nullptr}}},
                 {"x",
                  {{"field", "ratio"},
                   {"type", "quantitative"},
                   {"scale", {{"type", "log"}}},
                   {"title", "ratio to the reference"}}},
                 // Bars grow from 1 (the reference), so a log scale needs no zero.
                 {"x2", {{"datum", 1}}},
                 {"color", {{"field", "architecture"}, {"type", "nominal"}, {"sort", nullptr}}},
                 {"tooltip", json::array({tooltip_field("architecture", "nominal"), tooltip_field("metric", "nominal"),
                                          tooltip_field("ratio", "quantitative", ".3~g")})}}}};
  json reference = {{"data", {{"values", json::array({{{"ratio", 1}}})}}},
                    {"mark", {{"type", "rule"}, {"color", "#444"}, {"strokeDash", {4, 3}}}},
                    {"encoding", {{"x", {{"field", "ratio"}, {"type", "quantitative"}}}}}};
  return {{"data", {{"values", rows}}}, {"width", 640}, {"layer", json::array({bars, reference})}};
}

}  // namespace mottsim::reports
