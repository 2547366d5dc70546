#pragma once
#include "platform/model_registry.hpp"

namespace mottsim::platform {

// Attaches the SystemC factories of the built-in components that have models.
void attach_builtin_factories(model_registry& registry);

}  // namespace mottsim::platform
