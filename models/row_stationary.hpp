#pragma once

namespace mottsim::dsl {
struct layer_spec;
}

// The row-stationary dataflow of Eyeriss (Chen, Emer & Sze, ISCA 2016; Chen et
// al., JSSC 2017), counted in closed form. Pure arithmetic, no SystemC.
//
// A processing element (PE) runs a 1-D convolution: it keeps one filter row (S
// weights) in its filter scratchpad, slides over one input row (held in its
// input scratchpad) and accumulates one row of F partial sums in its psum
// scratchpad. A PE set of R filter rows x E output rows computes a 2-D
// convolution; its R PEs per column add their psum rows vertically. Mapping on
// an array of `rows x cols` PEs:
//   - filter rows fill array rows (ceil(R / rows) tiles), output rows fill array
//     columns (ceil(E / cols) tiles);
//   - spare rows stack PE sets of further input channels (their psums add too),
//     spare columns place PE sets of further filters side by side;
//   - one pass runs every PE for F x S cycles, one MAC per cycle.
// The global buffer (GLB) multicasts: a filter row is read once per pass for
// all PEs of its array row, an input row once per pass for every PE that uses
// it (diagonals, and every filter of the pass). Psum rows go to the GLB once
// per pass per output row and come back for the next pass of the same output.
// Padding is counted like data (the zero rows and columns are read).
namespace mottsim::models {

struct conv_dims {
  double groups = 1;
  double c = 1, m = 1;  // input and output channels per group
  double r = 1, s = 1;  // filter height and width
  double e = 1, f = 1;  // output height and width
  double u = 1, v = 1;  // vertical and horizontal stride
  double dh = 1, dw = 1;  // dilation
};
// A conv2d's (or a linear layer's, as a 1 x 1 convolution of a 1 x 1 input) dims.
conv_dims conv_dims_of(const dsl::layer_spec& layer);

struct row_stationary_counts {
  double macs = 0;
  double passes = 0;
  double cycles = 0;  // passes x F x S
  // Scratchpad accesses (elements): per MAC one filter, one input and one psum
  // read and one psum write; each pass fills its filter row (S) and its input
  // row ((F - 1) V + (S - 1) dw + 1) once and drains its F psums once.
  double filter_reads = 0, filter_writes = 0;
  double input_reads = 0, input_writes = 0;
  double psum_reads = 0, psum_writes = 0;
  // Global-buffer accesses (elements).
  double glb_weight_reads = 0, glb_input_reads = 0;
  double glb_psum_reads = 0, glb_psum_writes = 0;  // writes include the final outputs
};

row_stationary_counts row_stationary(const conv_dims& d, double rows, double cols);

}  // namespace mottsim::models
