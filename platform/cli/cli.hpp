#pragma once

namespace mottsim::platform {

// Exit status: 0 success, 2 bad input (located errors printed), 1 internal failure.
int run_cli(int argc, char** argv);

}  // namespace mottsim::platform
