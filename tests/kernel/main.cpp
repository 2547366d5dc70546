#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

// libsystemc.so refers to sc_main from its own main(); doctest's main is used.
extern "C" int sc_main(int, char**) { return 1; }
