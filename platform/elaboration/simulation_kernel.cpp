#include "platform/elaboration/simulation_kernel.hpp"

#include <systemc>

// The SystemC kernel runs each thread process on a stack of its own and
// switches between them with QuickThreads, behind AddressSanitizer's back.
// Debian's libsystemc 2.3.4 (built with QuickThreads only: no pthreads
// coroutines, nothing to choose at run time) tells ASan about a switch only
// half-way: __sanitizer_start_switch_fiber with the target's stack, but the
// main coroutine's stack is recorded as empty, and a process that ends switches
// away (qt_abort) without telling ASan at all. Once sc_start returns, ASan
// therefore believes the main thread runs on the last finished process's stack
// (or on none). An exception thrown after that, a located input error such as a
// bad --image, makes ASan skip __asan_handle_no_return ("ASan is ignoring
// requested __asan_handle_no_return"), so the stack frames the exception
// unwinds keep their redzone and scope poison, and the next calls that reuse
// that stack abort with a false "stack-use-after-scope" or
// "stack-buffer-underflow".
//
// The fix is at the one place mottsim hands the main stack to the kernel and
// gets it back: the main stack's bounds as ASan knows them are read before
// sc_start, and afterwards (also when sc_start throws) ASan is told, through the
// same fiber-switch interface the kernel uses, that the program is back on that
// stack, and the dead part of it below the current frame, where the kernel ran,
// is cleared of stale poison. Errors after the simulation are then checked like
// any others. Detection stays on in full (use-after-scope included); turning
// -fsanitize-address-use-after-scope off would not have been enough, since
// stale redzones give false reports of their own.
//
// What remains: an exception thrown inside the simulation (a process throwing,
// or the kernel reporting an error) still runs with ASan's stale bounds, so
// ASan prints its warning once; the catch below then clears the poison the
// exception left, so no false report follows. mottsim's processes do not
// throw. A build without ASan just calls sc_start.
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>

#include <cstddef>

namespace {

struct stack_bounds {
  const void* bottom = nullptr;
  std::size_t size = 0;
};

// ASan's bounds of the stack running now. Only finishing a switch reports the
// bounds it leaves, so this switches to a stand-in range and straight back; no
// code runs on the stand-in.
stack_bounds current_stack_bounds() {
  static char stand_in[4096];
  void* fake_stack = nullptr;
  stack_bounds bounds;
  __sanitizer_start_switch_fiber(&fake_stack, stand_in, sizeof stand_in);
  __sanitizer_finish_switch_fiber(nullptr, &bounds.bottom, &bounds.size);
  __sanitizer_start_switch_fiber(nullptr, bounds.bottom, bounds.size);
  __sanitizer_finish_switch_fiber(fake_stack, nullptr, nullptr);
  return bounds;
}

// Tells ASan the program runs on `stack` again and unpoisons that stack below
// this function's frame: nothing lives there once the kernel has returned.
[[gnu::noinline]] void return_to_stack(const stack_bounds& stack) {
  __sanitizer_start_switch_fiber(nullptr, stack.bottom, stack.size);
  __sanitizer_finish_switch_fiber(nullptr, nullptr, nullptr);
  const auto* bottom = static_cast<const char*>(stack.bottom);
  const auto* frame = static_cast<const char*>(__builtin_frame_address(0));
  if (frame > bottom && frame <= bottom + stack.size)
    __asan_unpoison_memory_region(bottom, static_cast<std::size_t>(frame - bottom));
}

}  // namespace

namespace mottsim::platform {

void run_simulation_kernel() {
  const stack_bounds main_stack = current_stack_bounds();
  try {
    sc_core::sc_start();
  } catch (...) {
    return_to_stack(main_stack);
    __asan_handle_no_return();  // the frames the rethrow unwinds, now that ASan knows the stack
    throw;
  }
  return_to_stack(main_stack);
}

}  // namespace mottsim::platform

#else

namespace mottsim::platform {

void run_simulation_kernel() { sc_core::sc_start(); }

}  // namespace mottsim::platform

#endif
