// libsystemc's main() needs an sc_main to link; the unit tests have their own
// main (doctest) and never start the kernel, so this is never called.
extern "C" int sc_main(int, char**) { return 0; }
