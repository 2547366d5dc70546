#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mottsim::dsl {

// Edit distance (insertions, deletions, substitutions, adjacent swaps).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate a user most likely meant, if any is close enough to be a typo:
// a case-insensitive match first, then the nearest by edit distance.
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace mottsim::dsl
