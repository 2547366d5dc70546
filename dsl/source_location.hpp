#pragma once
#include <string>

namespace mottsim::dsl {

// Where a value came from. Lines and columns are 1-based; line 0 means the value
// came from somewhere without lines (a command-line flag, a built-in default).
struct source_location {
  std::string file;
  int line = 0;
  int column = 0;

  std::string to_string() const;
};

}  // namespace mottsim::dsl
