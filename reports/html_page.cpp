#include "reports/html_page.hpp"

#include <sstream>

#include "reports/embedded_scripts.hpp"

namespace mottsim::reports {

namespace {

const char* const style = R"css(
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2em auto; max-width: 72em;
       padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
.subtitle { color: #555; margin-top: 0; }
.headline { display: flex; flex-wrap: wrap; gap: 0.8em; margin: 1.2em 0; padding: 0; }
.headline div { border: 1px solid #ddd; border-radius: 6px; padding: 0.5em 0.9em; min-width: 9em; }
.headline dt { font-size: 0.8em; color: #666; }
.headline dd { margin: 0; font-size: 1.25em; font-weight: 600; }
section { margin: 2em 0; }
h2 { font-size: 1.2em; border-bottom: 1px solid #eee; padding-bottom: 0.2em; }
table { border-collapse: collapse; font-size: 0.9em; margin-top: 0.8em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; }
th { background: #f6f6f6; }
.chart, .table { overflow-x: auto; }
footer { color: #777; font-size: 0.8em; margin-top: 3em; }
)css";

// Draws every chart, then reports on #mottsim-status what drew (see the header).
const char* const driver = R"js(
(function () {
  var status = document.getElementById('mottsim-status');
  function fail(e) {
    status.setAttribute('data-status', 'error: ' + (e && e.message ? e.message : String(e)));
    console.error('mottsim report: a chart failed to render:', e);
  }
  try {
    var charts = JSON.parse(document.getElementById('mottsim-charts').textContent);
    var options = { renderer: 'svg', actions: { export: true, source: false, compiled: false, editor: false } };
    Promise.all(charts.map(function (c) {
      return vegaEmbed('#' + c.id, c.spec, options).then(function (result) {
        return result.view.runAsync().then(function () {
          return document.getElementById(c.id).querySelectorAll('g.role-mark > *').length;
        });
      });
    })).then(function (marks) {
      status.setAttribute('data-charts', String(marks.length));
      status.setAttribute('data-marks', marks.join(','));
      var empty = marks.some(function (m) { return m === 0; });
      status.setAttribute('data-status', empty ? 'error: a chart drew no marks' : 'ok');
    }, fail);
  } catch (e) {
    fail(e);
  }
})();
)js";

void write_table(std::ostringstream& o, const html_table& t) {
  if (t.header.empty() && t.rows.empty()) return;
  o << "<div class=\"table\"><table>\n";
  if (!t.header.empty()) {
    o << "<tr>";
    for (const auto& h : t.header) o << "<th>" << html_escape(h) << "</th>";
    o << "</tr>\n";
  }
  for (const auto& row : t.rows) {
    o << "<tr>";
    for (const auto& cell : row) o << "<td>" << html_escape(cell) << "</td>";
    o << "</tr>\n";
  }
  o << "</table></div>\n";
}

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string script_safe_json(const nlohmann::json& value) {
  // Outside strings JSON has no '<', '>' or '&', and inside them \u escapes
  // mean the same characters, so the parsed value is unchanged.
  const std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '<') out += "\\u003c";
    else if (c == '>') out += "\\u003e";
    else if (c == '&') out += "\\u0026";
    else out += c;
  }
  return out;
}

std::string plotting_library_versions() {
  return std::string("Vega ") + MOTTSIM_VEGA_VERSION + ", Vega-Lite " + MOTTSIM_VEGA_LITE_VERSION + " and vega-embed " +
         MOTTSIM_VEGA_EMBED_VERSION + " (BSD-3-Clause)";
}

std::string render_html_page(const html_page& page) {
  nlohmann::json charts = nlohmann::json::array();
  std::ostringstream body;
  for (std::size_t i = 0; i < page.sections.size(); ++i) {
    const html_section& s = page.sections[i];
    body << "<section>\n<h2>" << html_escape(s.title) << "</h2>\n";
    if (!s.text.empty()) body << "<p>" << html_escape(s.text) << "</p>\n";
    if (!s.chart.is_null()) {
      const std::string id = "chart" + std::to_string(charts.size());
      body << "<div class=\"chart\" id=\"" << id << "\"></div>\n";
      charts.push_back({{"id", id}, {"spec", s.chart}});
    }
    write_table(body, s.table);
    body << "</section>\n";
  }

  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    << "<title>" << html_escape(page.title) << "</title>\n<style>" << style << "</style>\n"
    << "<script>" << embedded_script_vega() << "</script>\n"
    << "<script>" << embedded_script_vega_lite() << "</script>\n"
    << "<script>" << embedded_script_vega_embed() << "</script>\n"
    << "</head>\n<body>\n<h1>" << html_escape(page.title) << "</h1>\n";
  if (!page.subtitle.empty()) o << "<p class=\"subtitle\">" << html_escape(page.subtitle) << "</p>\n";
  if (!page.headline.empty()) {
    o << "<dl class=\"headline\">\n";
    for (const auto& [label, value] : page.headline)
      o << "<div><dt>" << html_escape(label) << "</dt><dd>" << html_escape(value) << "</dd></div>\n";
    o << "</dl>\n";
  }
  o << body.str() << "<footer>\n";
  for (const auto& f : page.footnotes) o << "<p>" << html_escape(f) << "</p>\n";
  o << "<p>Charts drawn with " << html_escape(plotting_library_versions())
    << ", inlined: this file needs no network.</p>\n"
    << "<div id=\"mottsim-status\" data-status=\"pending\" hidden></div>\n</footer>\n"
    << "<script type=\"application/json\" id=\"mottsim-charts\">" << script_safe_json(charts) << "</script>\n"
    << "<script>" << driver << "</script>\n</body>\n</html>\n";
  return o.str();
}

}  // namespace mottsim::reports
