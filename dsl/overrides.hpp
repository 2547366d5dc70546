#pragma once
#include <string>
#include <vector>

#include "dsl/diagnostics.hpp"
#include "dsl/yaml_tree.hpp"

namespace mottsim::dsl {

// A command-line override `--set path.to.key=value`. Paths use '.' between map
// keys and `[i]` (or `.i`) for list items: `components.tile.readout[1].bits=6`.
struct override_flag {
  std::string flag;  // as typed, for error locations
  std::vector<std::string> path;
  yaml_node_ptr value;
};

// Parses the flag text; errors are located at the flag itself.
bool parse_override(const std::string& text, override_flag& out, diagnostics& errors);

// Writes the value into the tree, creating maps on the way. The value keeps the
// flag as its location, so validation errors name the flag.
void apply_override(yaml_node& root, const override_flag& flag, diagnostics& errors);

// A list index as a path writes it ("3" of "readout[3]"): decimal digits of a
// value any list could have. False for anything else, however many digits.
bool parse_list_index(const std::string& key, std::size_t& index);

// A path with its list indices written as plain numbers ("01" and "1" alike),
// so that two spellings of one key compare equal.
std::vector<std::string> canonical_path(std::vector<std::string> path);

// The key a `path=value` text sets, as canonical_path writes it, or nothing
// when the text does not parse (whoever applies it says why).
std::vector<std::string> override_key(const std::string& text);

// Whether key `inner` is `outer` or lies inside its value.
bool key_within(const std::vector<std::string>& inner, const std::vector<std::string>& outer);

// The location used for everything a flag sets: "--set 'k=v'".
source_location flag_location(const std::string& flag);

}  // namespace mottsim::dsl
