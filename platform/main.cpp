#include <cstdlib>

#include "platform/cli.hpp"

// mottsim has its own main (libsystemc's would print the kernel banner before
// anything else and route through sc_elab_and_sim); the kernel starts only when
// a command simulates.
int main(int argc, char** argv) {
  setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 0);
  return mottsim::platform::run_cli(argc, argv);
}

// libsystemc.so refers to sc_main from its own main(), which is never used.
extern "C" int sc_main(int, char**) { return 1; }
