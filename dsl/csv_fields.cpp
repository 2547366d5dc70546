#include "dsl/csv_fields.hpp"

#include <algorithm>
#include <cctype>

namespace mottsim::dsl {

std::string trim_blanks(const std::string& s) {
  const std::size_t first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

std::vector<csv_field> split_csv_row(const std::string& line) {
  std::vector<csv_field> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    const std::string raw = line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const std::size_t lead = raw.find_first_not_of(" \t\r");
    out.push_back({trim_blanks(raw), static_cast<int>(start + (lead == std::string::npos ? 0 : lead)) + 1});
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (out.size() > 1 && out.back().text.empty()) out.pop_back();
  return out;
}

long long csv_whole_number(const csv_field& f, std::size_t max_digits) {
  const bool digits = !f.text.empty() && f.text.size() <= max_digits &&
                      std::all_of(f.text.begin(), f.text.end(), [](unsigned char c) { return std::isdigit(c); });
  return digits ? std::stoll(f.text) : -1;
}

}  // namespace mottsim::dsl
