#include "dsl/neurosim_network.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <sstream>
#include <vector>

#include "dsl/csv_fields.hpp"
#include "dsl/input_file.hpp"
#include "dsl/scalesim_topology.hpp"
#include "dsl/utf8.hpp"
#include "dsl/yaml_quote.hpp"

namespace mottsim::dsl {

namespace fs = std::filesystem;

bool is_network_csv_path(const std::string& path) { return has_extension(path, ".csv"); }

namespace {

constexpr int field_count = 8;
constexpr const char* field_names[field_count] = {"IFM height",      "IFM width", "IFM channels",
                                                  "kernel height",   "kernel width", "output channels",
                                                  "pooling (0 or 1)", "stride"};
// Far beyond any network, and small enough that products cannot overflow.
constexpr long long max_field = 1LL << 20;

struct row {
  int line = 0;
  long long v[field_count] = {};
  int column[field_count] = {};
};

// One line's fields; false (reported) when it is not eight integers.
bool parse_row(const std::string& path, const std::string& text, int line, row& out, diagnostics& errors) {
  out.line = line;
  const std::vector<csv_field> fields = split_csv_row(text);
  if (fields.size() != field_count) {
    errors.error({path, line, 1}, "a NeuroSim network row has 8 fields (IFM height, IFM width, IFM channels, kernel "
                                  "height, kernel width, output channels, pooling, stride); this one has " +
                                      std::to_string(fields.size()));
    return false;
  }
  bool ok = true;
  for (int i = 0; i < field_count; ++i) {
    const csv_field& f = fields[static_cast<std::size_t>(i)];
    out.column[i] = f.column;
    const long long x = csv_whole_number(f, 7);
    const long long low = i == 6 ? 0 : 1;
    const long long high = i == 6 ? 1 : max_field;
    if (x < low || x > high) {
      errors.error({path, line, out.column[i]}, std::string(field_names[i]) + " must be " +
                                                    (i == 6 ? "0 or 1" : "a whole number from 1 to 2^20") +
                                                    ", got '" + f.text + "'");
      ok = false;
    }
    out.v[i] = x;
  }
  return ok;
}

std::string shape_text(long long h, long long w, long long c) {
  return std::to_string(h) + "x" + std::to_string(w) + "x" + std::to_string(c);
}

}  // namespace

generated_workload network_csv_to_yaml(const std::string& path, diagnostics& errors) {
  generated_workload out(path);
  std::string text;
  if (!read_input_file(path, text, errors, "network CSV")) return out;
  // A spreadsheet's UTF-8 export may start with a byte order mark, which is
  // no part of the first field ('32' was shown as not a number).
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  // Fields are echoed in messages and layer names are written into the
  // workload, which is UTF-8 text like every YAML file.
  if (const std::size_t bad = first_invalid_utf8(text); bad != text.size()) {
    const std::size_t line_end = text.rfind('\n', bad);  // of the line before; npos on the first
    const std::size_t line_start = line_end == std::string::npos ? 0 : line_end + 1;
    const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n');
    errors.error({path, static_cast<int>(line), static_cast<int>(bad - line_start) + 1},
                 "the network CSV is not UTF-8 text (byte " + printable_text(text.substr(bad, 1)) + ")");
    return out;
  }
  std::vector<row> rows;
  std::istringstream in(text);
  std::string line_text;
  int line = 0;
  bool ok = true;
  while (std::getline(in, line_text)) {
    ++line;
    if (line_text.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::size_t first = line_text.find_first_not_of(" \t\r");
    if (std::isalpha(static_cast<unsigned char>(line_text[first]))) {
      if (rows.empty() && ok && is_scalesim_header(line_text)) return scalesim_topology_to_yaml(path, text, errors);
      errors.error({path, line, static_cast<int>(first) + 1},
                   "a NeuroSim network row holds eight integers, not text: '" + line_text.substr(first, 40) + "'");
      return out;
    }
    row r;
    if (parse_row(path, line_text, line, r, errors)) rows.push_back(r);
    else ok = false;
  }
  if (!ok) return out;
  if (rows.empty()) {
    errors.error({path, 0, 0}, "the network CSV holds no layer rows");
    return out;
  }

  const std::string stem = fs::path(path).stem().string();
  std::ostringstream y;
  y << "# " << stem << ", imported by `mottsim import` from " << fs::path(path).filename().string()
    << " (a DNN+NeuroSim network CSV).\n"
    << "# Convolutions pad (kernel - 1) / 2 on each side so each row's input is the previous row's output,\n"
    << "# as NeuroSim's files chain them (NeuroSim itself counts (IFM - kernel + 1)^2 / stride^2 input\n"
    << "# vectors per layer); pooling is 2x2 max pooling; every layer but the last has a ReLU.\n"
    << "name: " << yaml_quoted(stem) << "\n"
    << "description: " << yaml_quoted(stem + " imported from a NeuroSim network CSV") << "\n";
  out.add(y.str());
  // The input is the first row's IFM.
  out.add("input: {height: " + std::to_string(rows[0].v[0]) + ", width: " + std::to_string(rows[0].v[1]) +
              ", channels: " + std::to_string(rows[0].v[2]) + "}\n",
          {path, rows[0].line, rows[0].column[0]});
  out.add("precision: {weights: 8, activations: 8}\nlayers:\n");
  long long h = rows[0].v[0], w = rows[0].v[1], c = rows[0].v[2];
  bool flat = false;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const row& r = rows[i];
    const long long ih = r.v[0], iw = r.v[1], ic = r.v[2], kh = r.v[3], kw = r.v[4], oc = r.v[5], stride = r.v[7];
    const bool pool = r.v[6] == 1, last = i + 1 == rows.size();
    const std::string name = "layer" + std::to_string(i + 1);
    const std::string relu = last ? "" : ", activation: relu";
    const bool linear = ih == 1 && iw == 1 && kh == 1 && kw == 1;
    const source_location at_row{path, r.line, r.column[0]};
    std::ostringstream layer;
    if (linear) {
      if (ic != h * w * c) {
        errors.error({path, r.line, r.column[2]}, "IFM channels " + std::to_string(ic) + " must be the " +
                                                      std::to_string(h * w * c) + " values of the previous output (" +
                                                      shape_text(h, w, c) + ") for a fully connected row");
        return out;
      }
      if (!flat && h * w > 1) out.add("  - {name: flatten" + std::to_string(i + 1) + ", type: flatten}\n", at_row);
      if (stride != 1 || pool) {
        errors.error({path, r.line, r.column[pool ? 6 : 7]}, "a fully connected row (1x1 input, 1x1 kernel) takes "
                                                             "stride 1 and no pooling");
        return out;
      }
      layer << "  - {name: " << name << ", type: linear, out_features: " << oc << relu << "}  # line " << r.line
            << "\n";
      out.add(layer.str(), at_row);
      flat = true;
      h = w = 1;
      c = oc;
      continue;
    }
    if (flat || ih != h || iw != w || ic != c) {
      errors.error(at_row, "IFM " + shape_text(ih, iw, ic) + " does not follow from the previous row's output " +
                               shape_text(h, w, c) + (i == 0 ? "" : " (after its pooling)"));
      return out;
    }
    if (kh > ih || kw > iw) {
      errors.error({path, r.line, r.column[3]}, "the " + std::to_string(kh) + "x" + std::to_string(kw) +
                                                    " kernel is larger than the " + shape_text(ih, iw, ic) + " input");
      return out;
    }
    const long long ph = (kh - 1) / 2, pw = (kw - 1) / 2;
    layer << "  - {name: " << name << ", type: conv2d, out_channels: " << oc << ", kernel: [" << kh << ", " << kw
          << "], stride: " << stride << ", padding: [" << ph << ", " << pw << "]" << relu << "}  # line " << r.line
          << "\n";
    out.add(layer.str(), at_row);
    h = (ih + 2 * ph - kh) / stride + 1;
    w = (iw + 2 * pw - kw) / stride + 1;
    c = oc;
    if (pool) {
      if (h < 2 || w < 2) {
        errors.error({path, r.line, r.column[6]}, "2x2 pooling needs a map of at least 2x2, and this row's output is " +
                                                      shape_text(h, w, c));
        return out;
      }
      out.add("  - {name: pool" + std::to_string(i + 1) + ", type: maxpool, kernel: 2}\n", {path, r.line, r.column[6]});
      h /= 2;
      w /= 2;
    }
  }
  return out;
}

}  // namespace mottsim::dsl
