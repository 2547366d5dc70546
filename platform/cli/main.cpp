#include <malloc.h>

#include <cstdlib>

#include "platform/cli/cli.hpp"

// mottsim has its own main (libsystemc's would print the kernel banner before
// anything else and route through sc_elab_and_sim); the kernel starts only when
// a command simulates.
int main(int argc, char** argv) {
  setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 0);
  // Functional runs allocate and free matrices of tens of megabytes per layer
  // and batch. Served by mmap, each would be mapped and page-faulted afresh
  // (a third of an edge-detection run went to page faults): keep them in the
  // heap (up to glibc's 32 MiB limit for the threshold) and do not hand freed
  // memory back to the system between them.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  return mottsim::platform::run_cli(argc, argv);
}

// libsystemc.so refers to sc_main from its own main(), which is never used.
extern "C" int sc_main(int, char**) { return 1; }
