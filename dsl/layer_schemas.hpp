#pragma once
#include "dsl/schema_set.hpp"

namespace mottsim::dsl {

// Bounds on workload sizes: far beyond any real network, small enough that
// shapes, weight counts and MACs never overflow 64 bits.
constexpr long long max_spatial_size = 1LL << 16;  // height, width, kernel, stride, padding
constexpr long long max_channels = 1LL << 20;      // channels, groups
constexpr long long max_features = 1LL << 24;      // linear outputs

// The parameter schemas of every workload layer type (conv2d, linear, maxpool,
// avgpool, add, flatten), validated like component parameters so typos get a
// "did you mean". Built once.
//
// Not in the schemas, because no param_kind holds a list of numbers: conv2d and
// linear also take `weights:`, which the workload loader reads itself.
const schema_set& layer_schemas();

}  // namespace mottsim::dsl
