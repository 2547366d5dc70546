#pragma once
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

// The shell every report.html shares: one self-contained page with the
// plotting libraries (Vega, Vega-Lite, vega-embed, compiled into mottsim)
// and its data inlined, so it opens offline and loads nothing.
namespace mottsim::reports {

struct html_table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // plain text, escaped when written
};

// A part of the page: a heading, an optional line of text, then a chart (a
// Vega-Lite spec) and/or a table.
struct html_section {
  std::string title;
  std::string text;
  nlohmann::json chart;  // null: no chart
  html_table table;
};

struct html_page {
  std::string title;
  std::string subtitle;
  std::vector<std::pair<std::string, std::string>> headline;  // label, value
  std::vector<html_section> sections;
  std::vector<std::string> footnotes;
};

// The page. Once every chart has rendered, the page's script sets
// data-status="ok" on #mottsim-status and lists each chart's mark count in
// data-marks (or data-status="error: ..."), so a headless browser can tell
// that the plots drew.
std::string render_html_page(const html_page& page);

// Text for HTML element content and attribute values.
std::string html_escape(const std::string& text);

// JSON that can sit inside a <script> element: '<', '>' and '&' as \u escapes,
// so no "</script>" or "<!--" in the data can end or alter the element.
std::string script_safe_json(const nlohmann::json& value);

// The inlined libraries' names and versions, for the page footer and README.
std::string plotting_library_versions();

}  // namespace mottsim::reports
