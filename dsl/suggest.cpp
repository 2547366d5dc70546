#include "dsl/suggest.hpp"

#include <algorithm>
#include <cctype>

namespace mottsim::dsl {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

static std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  // Case is compared last: among candidates equally close ignoring case, the
  // one closest with case wins, so "Gbps" suggests 'Gb/s', not 'GB/s' (8x off).
  const std::string w = lower(word);
  std::optional<std::string> best;
  std::size_t best_distance = 0, best_exact = 0;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(w, lower(c));
    const std::size_t exact = edit_distance(word, c);
    if (!best || d < best_distance || (d == best_distance && exact < best_exact)) {
      best = c;
      best_distance = d;
      best_exact = exact;
    }
  }
  // A typo changes a few characters; beyond a third of the word it is another word.
  const std::size_t limit = std::max<std::size_t>(1, (std::max(word.size(), best ? best->size() : 0) + 2) / 3);
  if (best && best_distance <= limit) return best;
  return std::nullopt;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  auto m = closest_match(word, candidates);
  return m ? " (did you mean '" + *m + "'?)" : std::string();
}

}  // namespace mottsim::dsl
