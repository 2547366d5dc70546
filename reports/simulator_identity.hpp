#pragma once
#include <string>

namespace mottsim::reports {

// The source revision the binary was built from, as `git describe --always
// --dirty` gave it at build time ("unknown" outside a git checkout). Reports
// and a sweep's record carry it, so results made by two builds of mottsim are
// told apart.
const char* simulator_revision();

// "mottsim 0.1.0 (revision e119097abcde)", for --version and messages.
std::string simulator_identity();

}  // namespace mottsim::reports
