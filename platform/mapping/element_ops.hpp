#pragma once
#include "dsl/workload_spec.hpp"

// The digital work of a layer counted in element operations of a vector unit
// (one 8-bit operation per lane and cycle: the controller's vector unit on the
// CIM chips, the processor's or systolic array's vector unit on the
// baselines). Every planner prices element work through these functions.
namespace mottsim::platform {

// Operations per value for an activation function:
//  relu 1 (a max); relu6 2 (max, min); hard_sigmoid 4 (multiply, add, max,
//  min); hard_swish 5 (hard_sigmoid and a multiply); sigmoid, tanh and gelu 4
//  each: a piecewise-linear table (index, look up, multiply, add), as a digital
//  unit evaluates transcendental functions; silu 5 (sigmoid and a multiply);
//  softmax 8 per value (max search, subtract, the exponential's 4, sum,
//  multiply by the reciprocal of the sum).
double activation_ops(dsl::activation_kind a);

// Operations per output of a layer normalization: sum for the mean, subtract,
// square and sum for the variance (2), multiply by the reciprocal deviation,
// scale and shift.
constexpr double layernorm_ops = 7.0;

// Operations per multiply-accumulate on a vector unit: a multiply and an add.
constexpr double mac_ops = 2.0;

// The element work of layer `l` besides its matrix products (pooling windows,
// adds, products by a gate or a constant, normalizations) plus its activation
// applied digitally to every output.
double element_ops(const dsl::layer_spec& l);

// The activation's share of element_ops(l).
double activation_element_ops(const dsl::layer_spec& l);

}  // namespace mottsim::platform
