#pragma once
#include <string>
#include <vector>

namespace mottsim::dsl {

// One comma-separated field of a network CSV row, trimmed of blanks, with the
// 1-based column where its text starts (for located errors).
struct csv_field {
  std::string text;
  int column = 1;
};

// `line` split at its commas. Network CSV files (NeuroSim's, SCALE-Sim's) may
// end every row with a comma; the empty field that leaves is dropped.
std::vector<csv_field> split_csv_row(const std::string& line);

// `s` without leading and trailing blanks (spaces, tabs, carriage returns).
std::string trim_blanks(const std::string& s);

// A field that is a whole number of at most `max_digits` digits, or -1.
long long csv_whole_number(const csv_field& f, std::size_t max_digits);

}  // namespace mottsim::dsl
