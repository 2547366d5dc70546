#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "reports/compare_report.hpp"
#include "reports/html_report.hpp"
#include "reports/markdown_summary.hpp"
#include "reports/sweep_results.hpp"
#include "reports/text_escape.hpp"

using namespace mottsim;

namespace {

const std::string hostile = "=HYPERLINK(\"http://x\",\"y\")|<script>alert(1)</script>`code`[link](js:)\nnext";

// The cells of one CSV record, read as RFC 4180 says (quoted cells may hold
// commas, doubled quotes and line breaks).
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string cell;
  bool quoted = false, row_open = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    row_open = true;
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') cell += text[++i];
      else if (c == '"') quoted = false;
      else cell += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(cell);
      cell.clear();
    } else if (c == '\n') {
      rows.back().push_back(cell);
      cell.clear();
      rows.emplace_back();
      row_open = false;
    } else {
      cell += c;
    }
  }
  if (row_open) rows.back().push_back(cell);
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

// Table cell separators: '|' not escaped by a backslash.
int unescaped_pipes(const std::string& line) {
  int n = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\') ++i;
    else if (line[i] == '|') ++n;
  }
  return n;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("csv: text a spreadsheet would run as a formula gets a quote; numbers stay numbers") {
  CHECK(reports::csv_cell("=1+2") == "\"'=1+2\"");
  CHECK(reports::csv_cell("+cmd") == "\"'+cmd\"");
  CHECK(reports::csv_cell("-2+3") == "\"'-2+3\"");
  CHECK(reports::csv_cell("@SUM(A1)") == "\"'@SUM(A1)\"");
  CHECK(reports::csv_cell("\tx") == "\"'\tx\"");
  CHECK(reports::csv_cell("=HYPERLINK(\"u\",\"t\")") == "\"'=HYPERLINK(\"\"u\"\",\"\"t\"\")\"");
  // Numbers, negative ones included, are data.
  CHECK(reports::csv_cell("-1.5") == "-1.5");
  CHECK(reports::csv_cell("-4e-09") == "-4e-09");
  CHECK(reports::csv_cell("128") == "128");
  // A quantity with a sign is text: neutralised.
  CHECK(reports::csv_cell("-5 ns") == "\"'-5 ns\"");
  // Ordinary text, and text that only needs quoting.
  CHECK(reports::csv_cell("adc_cim") == "adc_cim");
  CHECK(reports::csv_cell("a,b") == "\"a,b\"");
  CHECK(reports::csv_cell("") == "");
}

TEST_CASE("results.csv neutralises hostile names and values and keeps its columns") {
  reports::sweep_table t;
  t.name = "s";
  t.parameters = {"components.x", "=evil_path"};
  t.metrics = {"latency_s"};
  reports::sweep_row r;
  r.id = "p00000";
  r.architecture = "@arch.yaml";
  r.workload = hostile;
  r.params = {{"components.x", "-1.5"}, {"=evil_path", "+1 ns"}};
  r.status = "ok";
  r.metrics["latency_s"] = -2.5;  // not a real latency; a negative number must stay a number
  r.config_hash = "-abc";
  const auto rows = parse_csv(reports::rows_to_csv(t, {r}));
  REQUIRE(rows.size() == 2);
  REQUIRE(rows[0].size() == rows[1].size());
  const auto& header = rows[0];
  const auto& cells = rows[1];
  const auto column = [&](const std::string& name) {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return cells[i];
    FAIL("no column " << name);
    return std::string();
  };
  CHECK(column("architecture") == "'@arch.yaml");
  CHECK(column("workload") == "'" + hostile);
  CHECK(column("components.x") == "-1.5");
  CHECK(column("'=evil_path") == "'+1 ns");
  CHECK(column("latency_s") == "-2.5");
  CHECK(column("config_hash") == "'-abc");
  // No cell of the file starts a formula.
  for (const auto& row : rows)
    for (const auto& cell : row)
      if (!cell.empty() && std::string("=+@").find(cell[0]) != std::string::npos) FAIL("formula cell " << cell);
}

TEST_CASE("markdown: names cannot add HTML, break table columns, open code spans or links, or end a row") {
  const std::string m = reports::markdown_text(hostile);
  CHECK(m.find('<') == std::string::npos);
  CHECK(m.find('\n') == std::string::npos);
  CHECK(unescaped_pipes(m) == 0);
  CHECK(m.find("\\`code\\`") != std::string::npos);
  CHECK(m.find("\\[link\\]") != std::string::npos);
  CHECK(m.find("&lt;script&gt;") != std::string::npos);
  CHECK(reports::markdown_text("conv1_1 & c") == "conv1_1 &amp; c");
  CHECK(reports::markdown_text("a\\b") == "a\\\\b");

  reports::run_result r;
  r.architecture = hostile;
  r.workload = hostile;
  reports::layer_result l;
  l.name = hostile;
  l.kind = "conv2d";
  r.layers.push_back(l);
  reports::component_result c;
  c.name = hostile;
  c.type = hostile;
  r.components.push_back(c);
  const std::string md = reports::to_markdown(r);
  CHECK(md.find("<script") == std::string::npos);
  std::istringstream lines(md);
  int table_rows = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("| " + reports::markdown_text(hostile), 0) == 0) {
      ++table_rows;
      // layer: 9 columns, component: 7 columns.
      const int pipes = unescaped_pipes(line);
      CHECK_MESSAGE((pipes == 10 || pipes == 8), line);
    }
  }
  CHECK(table_rows == 2);

  reports::compare_result cr;
  cr.workload = hostile;
  reports::compare_entry e;
  e.name = hostile;
  cr.entries = {e, e};
  const std::string cmd = reports::compare_to_markdown(cr);
  CHECK(cmd.find("<script") == std::string::npos);
  std::istringstream compare_lines(cmd);
  std::string header;
  std::getline(compare_lines, header);  // the title
  std::getline(compare_lines, header);  // blank
  std::getline(compare_lines, header);
  CHECK(unescaped_pipes(header) == 1 + 2 + 1 + 1);  // metric, two figures, one ratio
}

TEST_CASE("html: hostile names add no element to the run and compare pages") {
  reports::run_result plain, evil;
  plain.architecture = plain.workload = "a";
  evil.architecture = evil.workload = hostile;
  for (auto* r : {&plain, &evil}) {
    reports::layer_result l;
    l.name = r->workload;
    l.kind = "conv2d";
    l.latency_s = 1e-6;
    r->layers.push_back(l);
    reports::component_result c;
    c.name = r->workload;
    c.type = "bus";
    c.energy_j = 1e-9;
    r->components.push_back(c);
  }
  const std::string a = reports::render_run_html(plain), b = reports::render_run_html(evil);
  CHECK(count(b, "<script") == count(a, "<script"));
  CHECK(count(b, "<a") == count(a, "<a"));
  CHECK(b.find("alert(1)</script>") == std::string::npos);

  reports::compare_result pc, ec;
  pc.workload = "w";
  ec.workload = hostile;
  reports::compare_entry x;
  x.name = "a";
  pc.entries = {x, x};
  x.name = hostile;
  ec.entries = {x, x};
  const std::string ca = reports::render_compare_html(pc), cb = reports::render_compare_html(ec);
  CHECK(count(cb, "<script") == count(ca, "<script"));
  CHECK(cb.find("alert(1)</script>") == std::string::npos);
}
