#pragma once
#include <vector>

#include "dsl/workload_spec.hpp"

namespace mottsim::platform {

// How a tile job's input reaches its buffer while the job runs (ISAAC's
// pipelining, Shafiee et al. 2016: a tile starts a convolution once the input
// rows its first outputs need are in its eDRAM buffer, and the rows after
// them arrive while it computes). A convolution's output row r needs input
// rows r x stride - padding .. r x stride - padding + kernel - 1, so the input
// arrives in chunks of rows: chunk 0 the rows of the first `rows_per_chunk`
// output rows, every later chunk the stride x rows_per_chunk rows the next
// output rows add. A fully-connected layer (one vector, or no rows) needs its
// whole input for its first output: one chunk.
struct stream_geometry {
  bool rows = false;       // a 2-D convolution: the input arrives row by row
  long long out_width = 1; // output positions per output row
  long long kernel = 1;    // kernel rows
  long long stride = 1;    // input rows per output row
  long long padding = 0;   // zero rows above the input
  long long in_rows = 1;   // rows of the input (the padding below it supplies the rest)
  // Bytes of one whole input row: what a row takes in the buffer at most. A
  // job holding crossbars of several column blocks is sent its rows once per
  // block, but the buffer holds each input value once.
  double in_row_bytes = 0.0;
};

// The rows of a 2-D convolution's input: `kernel` rows (dilation included)
// at `stride` per output row of `out_width` positions, `padding` zero rows
// above an input of `in_rows` rows of `in_row_bytes` each.
stream_geometry convolution_rows(long long out_width, long long kernel, long long stride, long long padding,
                                 long long in_rows, double in_row_bytes = 0.0);

// A layer's geometry: a 2-D convolution's input comes in rows, anything else
// (a fully-connected layer) all at once.
stream_geometry geometry_of(const dsl::layer_spec& l, double bytes_per_value);

struct input_chunk {
  double bytes = 0.0;     // of the job's input, in order
  long long vectors = 0;  // the output positions it completes
};

struct input_stream_plan {
  std::vector<input_chunk> chunks;
  // The buffer's double buffering: chunk c may be written once chunk
  // c - 1 - lead has been read by the crossbars (its rows no longer needed).
  // At least `chunks` when the job's whole input fits: no chunk waits.
  long long lead = 0;
};

// At most this many chunks a job: the first chunk is then at most about a
// sixteenth of the input, so the fill streaming saves is within 1/16 of the
// input's transfer time of what finer chunks would save, while every further
// chunk costs the simulation a transfer and a command per job (a ViT's 197
// token rows of 768 bytes would take 33 a job, 1,000 tile jobs of them).
constexpr long long max_stream_chunks = 16;

// Splits a job of `vectors` output positions and `bytes` of input into
// chunks. A chunk carries at least `min_chunk_bytes` (a DMA burst: smaller
// ones would cost a transfer each for nothing), whole output rows, and at
// least 1 / max_stream_chunks of the job's output rows; the
// buffer (`buffer_bytes`, the job's share of the tile's) holds the window the
// rows being computed need plus the chunks ahead of them. The chunks' bytes
// add up to `bytes` and their vectors to `vectors`.
input_stream_plan plan_input_stream(const stream_geometry& g, double bytes, long long vectors, double buffer_bytes,
                                    double min_chunk_bytes);

}  // namespace mottsim::platform
