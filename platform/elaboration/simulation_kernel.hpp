#pragma once

namespace mottsim::platform {

// Runs the SystemC kernel to the end of the elaborated simulation
// (sc_core::sc_start()). Every command that simulates calls this rather than
// sc_start, so that errors found after the simulation are still checked by
// AddressSanitizer in sanitizer builds (see simulation_kernel.cpp).
void run_simulation_kernel();

}  // namespace mottsim::platform
