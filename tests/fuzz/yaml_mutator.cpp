// yaml_mutator: writes one mutant of a YAML file for the fuzz scripts.
//
//   yaml_mutator SEED INDEX IN OUT
//
// The mutant is a function of (SEED, INDEX, the bytes of IN) only, so a failing
// mutant is reproduced by rerunning the same command. It applies one to three
// mutations, each a mistake a user (or a broken tool) could make:
//   - a line deleted, duplicated, swapped with another, or re-indented;
//   - a number replaced by an extreme (1e308, -1, 0, 2^64, NaN, huge integers ...);
//   - a unit replaced by one of another dimension (ns <-> GHz <-> KiB <-> pJ ...);
//   - a value replaced by a YAML node of another kind ([], {}, ~, ...);
//   - random bytes inserted (NUL, control characters, invalid UTF-8);
//   - the file truncated.
// It prints what it did on one line ("delete line 12; number 3:7 '4' -> '1e308'").
#include <cstdint>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

// Every draw goes through pick(), not <random>'s distributions, whose results
// differ between standard libraries; mt19937_64's own sequence is fixed by the
// standard, so a (seed, index) pair names the same mutant everywhere.
class chooser {
 public:
  chooser(std::uint64_t seed, std::uint64_t index) : m_gen(mix(seed) ^ mix(index + 0x9e3779b97f4a7c15ULL)) {}
  std::size_t pick(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(m_gen() % n); }
  template <typename T>
  const T& pick_from(const std::vector<T>& items) { return items[pick(items.size())]; }

 private:
  // splitmix64's finalizer: nearby seeds and indices give unrelated streams.
  static std::uint64_t mix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }
  std::mt19937_64 m_gen;
};

// The file as lines, each with its own line ending, so that joining them gives
// back the original bytes.
std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end + 1 - start));
    start = end + 1;
  }
  return lines;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line;
  return text;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// A token found in the text: [begin, end) and its 1-based line and column.
struct token {
  std::size_t begin = 0, end = 0;
  std::size_t line = 0, column = 0;
};

// Where comments start on each line is approximated by " #" or a leading "#";
// mutating a comment tests nothing, so tokens inside comments are skipped.
template <typename Matcher>
std::vector<token> find_tokens(const std::string& text, Matcher match) {
  std::vector<token> found;
  std::size_t line = 1, line_start = 0;
  bool in_comment = false;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      line_start = i + 1;
      in_comment = false;
      ++i;
      continue;
    }
    if (c == '#' && (i == line_start || text[i - 1] == ' ')) in_comment = true;
    if (in_comment) {
      ++i;
      continue;
    }
    const std::size_t length = match(text, i);
    if (length > 0) {
      found.push_back({i, i + length, line, i - line_start + 1});
      i += length;
    } else {
      ++i;
    }
  }
  return found;
}

// A number not glued to a word on its left: 12, -3.5, 1e-9.
std::size_t match_number(const std::string& text, std::size_t i) {
  if (i > 0 && (is_alpha(text[i - 1]) || is_digit(text[i - 1]) || text[i - 1] == '_' || text[i - 1] == '.')) return 0;
  std::size_t j = i;
  if (j < text.size() && (text[j] == '-' || text[j] == '+')) ++j;
  const std::size_t digits_start = j;
  while (j < text.size() && is_digit(text[j])) ++j;
  if (j < text.size() && text[j] == '.') {
    ++j;
    while (j < text.size() && is_digit(text[j])) ++j;
  }
  if (j == digits_start || !is_digit(text[digits_start])) return 0;
  if (j < text.size() && (text[j] == 'e' || text[j] == 'E')) {
    std::size_t k = j + 1;
    if (k < text.size() && (text[k] == '-' || text[k] == '+')) ++k;
    if (k < text.size() && is_digit(text[k])) {
      while (k < text.size() && is_digit(text[k])) ++k;
      j = k;
    }
  }
  return j - i;
}

// A unit: a word right after a number and one space ("1 ns", "25.6 GB/s").
std::size_t match_unit(const std::string& text, std::size_t i) {
  if (i < 2 || text[i - 1] != ' ' || !is_digit(text[i - 2])) return 0;
  std::size_t j = i;
  while (j < text.size() && (is_alpha(text[j]) || text[j] == '/' || text[j] == '^' || is_digit(text[j]))) ++j;
  return j > i && is_alpha(text[i]) ? j - i : 0;
}

// A plain scalar value after "key: " up to the end of the line or a comment.
std::size_t match_value(const std::string& text, std::size_t i) {
  if (i < 2 || text[i - 1] != ' ' || text[i - 2] != ':') return 0;
  std::size_t j = i;
  while (j < text.size() && text[j] != '\n' && !(text[j] == '#' && text[j - 1] == ' ')) ++j;
  while (j > i && text[j - 1] == ' ') --j;
  return j - i;
}

const std::vector<std::string> extreme_numbers = {
    "1e308", "-1e308", "1e400", "1e-308", "4.9e-324", "-1", "0", "-0", "0.0",
    "18446744073709551616",  // 2^64
    "18446744073709551615", "9223372036854775808", "9223372036854775807", "-9223372036854775809",
    "4294967296", "2147483648", "99999999999999999999999999999999", "1000000000000",
    ".nan", "NaN", "nan", ".inf", "-.inf", "inf", "0x7fffffff", "1_000", "1e", "0.5"};

// Units of every dimension the configs use, so a swap usually changes dimension.
const std::vector<std::string> units = {"ns", "ps", "s", "GHz", "MHz", "Hz", "KiB", "MiB", "B", "bit", "pJ", "fJ", "J",
                                        "mW", "W", "V", "mV", "ohm", "kohm", "uS", "um^2", "mm^2", "GB/s", "fF",
                                        "uA", "K", "%", "furlong", ""};

const std::vector<std::string> odd_nodes = {"[]", "{}", "~", "null", "\"\"", "[1, 2]", "{a: 1}", "true",
                                            "!!binary AAAA", "&anchor 3", "*anchor", "'unterminated", "[unclosed",
                                            "- item", "key: value", "|\n  block", std::string(300, 'x')};

std::string mutate_once(std::string text, chooser& rng, std::string& what) {
  std::vector<std::string> lines = split_lines(text);
  const auto line_name = [](std::size_t i) { return "line " + std::to_string(i + 1); };
  switch (rng.pick(9)) {
    case 0:
      if (!lines.empty()) {
        const std::size_t i = rng.pick(lines.size());
        lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(i));
        what = "delete " + line_name(i);
        return join_lines(lines);
      }
      break;
    case 1:
      if (!lines.empty()) {
        const std::size_t i = rng.pick(lines.size());
        lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(i), lines[i]);
        what = "duplicate " + line_name(i);
        return join_lines(lines);
      }
      break;
    case 2:
      if (lines.size() >= 2) {
        const std::size_t i = rng.pick(lines.size()), j = rng.pick(lines.size());
        std::swap(lines[i], lines[j]);
        what = "swap " + line_name(i) + " and " + line_name(j);
        return join_lines(lines);
      }
      break;
    case 3:
      if (!lines.empty()) {
        const std::size_t i = rng.pick(lines.size());
        if (rng.pick(2) == 0 || lines[i].rfind("  ", 0) != 0) {
          lines[i].insert(0, "  ");
          what = "indent " + line_name(i);
        } else {
          lines[i].erase(0, 2);
          what = "dedent " + line_name(i);
        }
        return join_lines(lines);
      }
      break;
    case 4:
    case 5: {  // numbers are where most of the checking is, so they are drawn twice as often
      const auto numbers = find_tokens(text, match_number);
      if (numbers.empty()) break;
      const token& t = rng.pick_from(numbers);
      const std::string& to = rng.pick_from(extreme_numbers);
      what = "number " + std::to_string(t.line) + ":" + std::to_string(t.column) + " '" +
             text.substr(t.begin, t.end - t.begin) + "' -> '" + to + "'";
      return text.replace(t.begin, t.end - t.begin, to);
    }
    case 6: {
      const auto found = find_tokens(text, match_unit);
      if (found.empty()) break;
      const token& t = rng.pick_from(found);
      const std::string& to = rng.pick_from(units);
      what = "unit " + std::to_string(t.line) + ":" + std::to_string(t.column) + " '" +
             text.substr(t.begin, t.end - t.begin) + "' -> '" + to + "'";
      return text.replace(t.begin, t.end - t.begin, to);
    }
    case 7: {
      const auto values = find_tokens(text, match_value);
      if (values.empty()) break;
      const token& t = rng.pick_from(values);
      const std::string& to = rng.pick_from(odd_nodes);
      std::string shown = to.size() > 20 ? to.substr(0, 3) + "...(" + std::to_string(to.size()) + " chars)" : to;
      if (const auto newline = shown.find('\n'); newline != std::string::npos) shown.replace(newline, 1, "\\n");
      what = "value " + std::to_string(t.line) + ":" + std::to_string(t.column) + " -> '" + shown + "'";
      return text.replace(t.begin, t.end - t.begin, to);
    }
    default:
      break;
  }
  // Byte-level mistakes always apply, so every draw mutates something.
  if (rng.pick(2) == 0 && !text.empty()) {
    const std::size_t at = rng.pick(text.size());
    what = "truncate at byte " + std::to_string(at);
    return text.substr(0, at);
  }
  const std::size_t at = rng.pick(text.size() + 1);
  const std::size_t count = 1 + rng.pick(8);
  std::string bytes;
  std::ostringstream hex;
  for (std::size_t k = 0; k < count; ++k) {
    const auto b = static_cast<unsigned char>(rng.pick(256));
    bytes += static_cast<char>(b);
    hex << (k ? " " : "") << std::hex << static_cast<unsigned>(b);
  }
  what = "insert bytes [" + hex.str() + "] at byte " + std::to_string(at);
  return text.insert(at, bytes);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: yaml_mutator SEED INDEX IN OUT\n";
    return 2;
  }
  std::uint64_t seed = 0, index = 0;
  try {
    seed = std::stoull(argv[1]);
    index = std::stoull(argv[2]);
  } catch (const std::exception&) {
    std::cerr << "yaml_mutator: SEED and INDEX must be non-negative integers\n";
    return 2;
  }
  std::ifstream in(argv[3], std::ios::binary);
  if (!in) {
    std::cerr << "yaml_mutator: cannot read " << argv[3] << '\n';
    return 2;
  }
  std::ostringstream content;
  content << in.rdbuf();
  std::string text = content.str();

  chooser rng(seed, index);
  const std::size_t draws = rng.pick(20);  // one mutation 60% of the time, two 25%, three 15%
  const std::size_t mutations = draws < 12 ? 1 : draws < 17 ? 2 : 3;
  std::string description;
  for (std::size_t m = 0; m < mutations; ++m) {
    std::string what;
    text = mutate_once(std::move(text), rng, what);
    description += (m ? "; " : "") + what;
  }

  std::ofstream out(argv[4], std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) {
    std::cerr << "yaml_mutator: cannot write " << argv[4] << '\n';
    return 2;
  }
  std::cout << description << '\n';
  return 0;
}
