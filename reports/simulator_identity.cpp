#include "reports/simulator_identity.hpp"

// The only file that includes the generated revision header, so a new
// revision recompiles this file alone.
#include "mottsim/source_revision.hpp"
#include "mottsim/version.hpp"

namespace mottsim::reports {

const char* simulator_revision() { return source_revision; }

std::string simulator_identity() {
  return std::string("mottsim ") + version_string + " (revision " + source_revision + ")";
}

}  // namespace mottsim::reports
