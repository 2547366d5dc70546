#include "platform/mapping/input_stream.hpp"

#include "dsl/checked_arithmetic.hpp"

#include <algorithm>
#include <cmath>

namespace mottsim::platform {

stream_geometry convolution_rows(long long out_width, long long kernel, long long stride, long long padding,
                                 long long in_rows, double in_row_bytes) {
  stream_geometry g;
  g.rows = true;
  g.out_width = out_width;
  g.kernel = kernel;
  g.stride = stride;
  g.padding = padding;
  g.in_rows = in_rows;
  g.in_row_bytes = in_row_bytes;
  return g;
}

stream_geometry geometry_of(const dsl::layer_spec& l, double bytes_per_value) {
  stream_geometry g = convolution_rows(l.out_shape.width, l.dilation_h * (l.kernel_h - 1) + 1, l.stride_h, l.pad_h,
                                       l.in_shape.height,
                                       static_cast<double>(l.in_shape.width * l.in_shape.channels) * bytes_per_value);
  g.rows = l.kind == dsl::layer_kind::conv2d && l.out_shape.height > 1;
  return g;
}

input_stream_plan plan_input_stream(const stream_geometry& g, double bytes, long long vectors, double buffer_bytes,
                                    double min_chunk_bytes) {
  input_stream_plan p;
  const long long width = std::max<long long>(1, g.out_width);
  const long long out_rows = dsl::ceil_div(vectors, width);
  const long long stride = std::max<long long>(1, g.stride);
  // The rows output row 0 needs (the padding supplies the others), then
  // `stride` more per output row.
  const long long first_rows = std::max<long long>(1, g.kernel - g.padding);
  const long long band = std::max<long long>(1, std::min(g.in_rows, first_rows + (out_rows - 1) * stride));
  const double row_bytes = bytes / static_cast<double>(std::max<long long>(1, band));
  // Output rows per chunk: enough for a chunk after the first to fill a burst.
  const long long per_chunk =
      std::max({1LL, static_cast<long long>(std::ceil(min_chunk_bytes / (row_bytes * stride) - 1e-9)),
                dsl::ceil_div(out_rows, max_stream_chunks)});
  const long long chunks = dsl::ceil_div(out_rows, per_chunk);
  if (!g.rows || vectors <= 0 || bytes <= 0 || chunks <= 1) {
    p.chunks = {{bytes, vectors}};
    p.lead = 1;
    return p;
  }
  // Whole bytes per chunk (a transfer moves whole bytes): each chunk ends at
  // its rows' share of the input, rounded.
  double sent = 0.0;
  for (long long c = 0; c < chunks; ++c) {
    const long long first_row = c * per_chunk, end_row = std::min(out_rows, first_row + per_chunk);
    const long long rows_so_far = std::min(band, first_rows + (end_row - 1) * stride);
    const double end = c + 1 == chunks ? bytes : std::round(static_cast<double>(rows_so_far) * row_bytes);
    input_chunk chunk;
    chunk.bytes = end - sent;
    sent = end;
    chunk.vectors = std::min(vectors, end_row * width) - first_row * width;
    p.chunks.push_back(chunk);
  }
  // While chunk c - 1's output rows are computed the buffer holds their
  // window ((per_chunk - 1) x stride + kernel rows) and the chunks loaded
  // ahead of it, per_chunk x stride rows each: chunk c may be written once
  // chunk c - 1 - lead is read, where (lead + 1) chunks plus the window's
  // overlap fit.
  const double held_row_bytes = g.in_row_bytes > 0 ? std::min(row_bytes, g.in_row_bytes) : row_bytes;
  const double held_rows = std::floor(buffer_bytes / held_row_bytes + 1e-9);
  if (held_rows >= static_cast<double>(band)) {
    p.lead = chunks;
  } else {
    const double fit = std::floor((held_rows - static_cast<double>(g.kernel) + static_cast<double>(stride)) /
                                  static_cast<double>(per_chunk * stride));
    p.lead = std::max<long long>(0, static_cast<long long>(fit) - 1);
  }
  return p;
}

}  // namespace mottsim::platform
