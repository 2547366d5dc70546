#include "dsl/scalesim_topology.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>
#include <sstream>
#include <vector>

#include "dsl/csv_fields.hpp"
#include "dsl/layer_schemas.hpp"
#include "dsl/yaml_quote.hpp"

namespace mottsim::dsl {

namespace fs = std::filesystem;

namespace {

// The workload's own limits (dsl/layer_schemas.hpp), checked here so that a
// row past them is located at its field.
constexpr long long max_size = max_spatial_size;  // heights, widths, filters, strides, M
constexpr long long max_count = max_channels;     // channels and filters, N and K

bool lower_equal(const std::string& a, const char* b) {
  std::string x = a;
  std::transform(x.begin(), x.end(), x.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return x == b;
}

std::string shape_text(long long h, long long w, long long c) {
  return std::to_string(h) + "x" + std::to_string(w) + "x" + std::to_string(c);
}

struct shape {
  long long h = 0, w = 0, c = 0;
};

class topology_reader {
 public:
  topology_reader(std::string path, diagnostics& errors) : m_path(std::move(path)), m_errors(errors) {}

  // One integer field from 1 to `high`; false (reported) otherwise.
  bool integer(const csv_field& f, const std::string& what, long long high, int line, long long& out) {
    out = csv_whole_number(f, 8);
    if (out >= 1 && out <= high) return true;
    m_errors.error({m_path, line, f.column}, what + " must be a whole number from 1 to " +
                                                 (high == max_size ? "2^16" : "2^20") + ", got '" + f.text + "'");
    return false;
  }

  std::string unique_name(const std::string& given) {
    std::string name = given;
    for (int k = 2; m_names.count(name); ++k) name = given + "_" + std::to_string(k);
    m_names.insert(name);
    return name;
  }

  // Reads `want` (H x W x C) for the row at `line`: from the previous output
  // with zero padding when it fits, else from a load of its own.
  void input_for(const std::string& name, const shape& want, long long kh, long long kw,
                 const source_location& row, long long& ph, long long& pw, generated_workload& layers) {
    ph = pw = 0;
    const long long dh = want.h - m_out.h, dw = want.w - m_out.w;
    if (m_have_out && want.c == m_out.c && dh >= 0 && dw >= 0 && dh % 2 == 0 && dw % 2 == 0 && dh / 2 <= kh / 2 &&
        dw / 2 <= kw / 2) {
      ph = dh / 2;
      pw = dw / 2;
      return;
    }
    if (!m_have_out) return;  // the first row reads the network input
    std::ostringstream load;
    load << "  - {name: " << yaml_quoted(unique_name(name + "_ifmap")) << ", type: load, height: " << want.h
         << ", width: " << want.w << ", channels: " << want.c << "}  # line " << row.line << ": "
         << shape_text(want.h, want.w, want.c) << " does not follow from " << shape_text(m_out.h, m_out.w, m_out.c)
         << "\n";
    layers.add(load.str(), row);
  }

  generated_workload read(const std::string& text) {
    std::istringstream in(text);
    std::string line_text;
    int line = 0;
    bool header_seen = false, gemm = false, ok = true;
    shape first{};
    source_location first_where;  // the first row's IFMAP Height: the network input
    generated_workload layers(m_path);
    while (std::getline(in, line_text)) {
      ++line;
      if (trim_blanks(line_text).empty()) continue;
      std::vector<csv_field> f = split_csv_row(line_text);
      if (!header_seen) {
        header_seen = true;
        gemm = f.size() >= 2 && lower_equal(f[1].text, "m");
        continue;
      }
      const std::size_t want_min = gemm ? 4 : 8, want_max = gemm ? 4 : 9;
      if (f.size() < want_min || f.size() > want_max) {
        m_errors.error({m_path, line, 1},
                       gemm ? "a SCALE-Sim GEMM row has 4 fields (Layer, M, N, K); this one has " +
                                  std::to_string(f.size())
                            : "a SCALE-Sim convolution row has 8 or 9 fields (Layer name, IFMAP Height, IFMAP Width, "
                              "Filter Height, Filter Width, Channels, Num Filter, Strides[, Stride width]); this one "
                              "has " + std::to_string(f.size()));
        ok = false;
        continue;
      }
      if (f[0].text.empty()) {
        m_errors.error({m_path, line, f[0].column}, "the layer name is empty");
        ok = false;
        continue;
      }
      std::vector<long long> v(f.size(), 0);
      bool row_ok = true;
      static const char* conv_names[] = {"", "IFMAP Height", "IFMAP Width", "Filter Height", "Filter Width",
                                         "Channels", "Num Filter", "Strides", "Stride width"};
      static const char* gemm_names[] = {"", "M", "N", "K"};
      for (std::size_t i = 1; i < f.size(); ++i) {
        const bool count = gemm ? i >= 2 : (i == 5 || i == 6);  // N, K; Channels, Num Filter
        row_ok = integer(f[i], gemm ? gemm_names[i] : conv_names[i], count ? max_count : max_size, line, v[i]) &&
                 row_ok;
      }
      if (!row_ok) {
        ok = false;
        continue;
      }
      // Convolution fields, or the GEMM as a 1x1 convolution over an M x 1 map.
      long long ih, iw, kh, kw, ch, filters, sh, sw;
      if (gemm) {
        ih = v[1], iw = 1, kh = kw = 1, ch = v[3], filters = v[2], sh = sw = 1;
      } else {
        ih = v[1], iw = v[2], kh = v[3], kw = v[4], ch = v[5], filters = v[6], sh = v[7];
        sw = f.size() == 9 ? v[8] : sh;
        if (kh > ih || kw > iw) {
          m_errors.error({m_path, line, f[kh > ih ? 3 : 4].column},
                         "the " + std::to_string(kh) + "x" + std::to_string(kw) + " filter is larger than the " +
                             std::to_string(ih) + "x" + std::to_string(iw) + " IFMAP");
          ok = false;
          continue;
        }
      }
      if (!ok) continue;  // shapes after a bad row mean nothing
      const bool depthwise = !gemm && f[0].text.find("DP") != std::string::npos;
      if (depthwise && v[5] * v[6] > max_count) {
        m_errors.error({m_path, line, f[6].column}, "a depthwise row has Channels x Num Filter outputs, and " +
                                                        std::to_string(v[5]) + " x " + std::to_string(v[6]) +
                                                        " is more than 2^20");
        ok = false;
        continue;
      }
      const shape want{ih, iw, ch};
      if (!m_have_out) {
        first = want;
        first_where = {m_path, line, f[1].column};
      }
      long long ph = 0, pw = 0;
      input_for(f[0].text, want, kh, kw, {m_path, line, f[1].column}, ph, pw, layers);
      const long long groups = depthwise ? ch : 1;
      const long long out_c = depthwise ? ch * filters : filters;
      // SCALE-Sim counts a last, partial window: its output is
      // ceil((IFMAP - filter) / stride) + 1. Padding by ceil((stride - r) / 2)
      // on each side, r = (IFMAP - filter) mod stride, gives exactly that.
      const long long rh = (ih - kh) % sh, rw = (iw - kw) % sw;
      ph += rh ? (sh - rh + 1) / 2 : 0;
      pw += rw ? (sw - rw + 1) / 2 : 0;
      std::ostringstream layer;
      layer << "  - {name: " << yaml_quoted(unique_name(f[0].text)) << ", type: conv2d, out_channels: " << out_c
            << ", kernel: [" << kh << ", " << kw << "], stride: [" << sh << ", " << sw << "]";
      if (ph || pw) layer << ", padding: [" << ph << ", " << pw << "]";
      if (groups > 1) layer << ", groups: " << groups;
      layer << ", bias: false}  # line " << line << (depthwise ? ", depthwise ('DP' in its name)" : "")
            << (gemm ? ", GEMM M=" + std::to_string(v[1]) + " N=" + std::to_string(v[2]) + " K=" +
                           std::to_string(v[3])
                     : "")
            << "\n";
      layers.add(layer.str(), {m_path, line, f[0].column});
      m_out = {(ih - kh + sh - 1) / sh + 1, (iw - kw + sw - 1) / sw + 1, out_c};
      m_have_out = true;
    }
    if (!header_seen) {
      m_errors.error({m_path, 0, 0}, "the SCALE-Sim topology is empty");
      return generated_workload(m_path);
    }
    if (ok && !m_have_out) m_errors.error({m_path, 0, 0}, "the SCALE-Sim topology holds a header and no layer rows");
    if (!ok || !m_have_out) return generated_workload(m_path);

    const std::string stem = fs::path(m_path).stem().string();
    std::ostringstream y;
    y << "# " << stem << ", imported by `mottsim import` from " << fs::path(m_path).filename().string()
      << " (a SCALE-Sim " << (gemm ? "GEMM" : "convolution") << " topology).\n"
      << "# SCALE-Sim simulates each row on its own IFMAP, padding included: a row that follows from the one\n"
      << "# before reads its output (the difference as zero padding), any other row reads a load of its own\n"
      << "# IFMAP from DRAM. Shapes and MACs are SCALE-Sim's; no activations; 8-bit data.\n"
      << "name: " << yaml_quoted(stem) << "\n"
      << "description: " << yaml_quoted(stem + " imported from a SCALE-Sim topology") << "\n";
    generated_workload out(m_path);
    out.add(y.str());
    out.add("input: {height: " + std::to_string(first.h) + ", width: " + std::to_string(first.w) +
                ", channels: " + std::to_string(first.c) + "}\n",
            first_where);
    out.add("precision: {weights: 8, activations: 8}\nlayers:\n");
    out.add(layers);
    return out;
  }

 private:
  std::string m_path;
  diagnostics& m_errors;
  std::set<std::string> m_names;
  shape m_out{};
  bool m_have_out = false;
};

}  // namespace

bool is_scalesim_header(const std::string& header) {
  const std::string t = trim_blanks(header);
  return t.compare(0, 5, "Layer") == 0;
}

generated_workload scalesim_topology_to_yaml(const std::string& path, const std::string& text, diagnostics& errors) {
  return topology_reader(path, errors).read(text);
}

}  // namespace mottsim::dsl
