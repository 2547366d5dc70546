// How a tile job's input is split into chunks of rows (platform/mapping's
// plan_input_stream), checked against the receptive fields worked out by hand.
#include <doctest/doctest.h>

#include "platform/mapping/input_stream.hpp"

using mottsim::platform::convolution_rows;
using mottsim::platform::plan_input_stream;
using mottsim::platform::stream_geometry;

TEST_CASE("input stream: a fully-connected layer needs its whole input at once") {
  stream_geometry fc;  // no rows: one vector of everything
  const auto p = plan_input_stream(fc, 100000, 1, 8192, 4096);
  REQUIRE(p.chunks.size() == 1);
  CHECK(p.chunks[0].bytes == 100000);
  CHECK(p.chunks[0].vectors == 1);
}

TEST_CASE("input stream: a stride-2 convolution adds two rows per output row") {
  // 3x3, stride 2, padding 1, 16 input rows of 1 KiB, 8 x 8 outputs. Output
  // row r needs rows 2r - 1 .. 2r + 1: row 0 rows 0-1, every later one rows
  // 2r and 2r + 1. Chunks of a 2 KiB burst: one output row each.
  const stream_geometry g = convolution_rows(8, 3, 2, 1, 16);
  const auto p = plan_input_stream(g, 16 * 1024, 64, 1e9, 2048);
  REQUIRE(p.chunks.size() == 8);
  double bytes = 0;
  long long vectors = 0;
  for (const auto& c : p.chunks) {
    CHECK(c.bytes == 2048);
    CHECK(c.vectors == 8);
    bytes += c.bytes;
    vectors += c.vectors;
  }
  CHECK(bytes == 16 * 1024);  // the input once, in pieces
  CHECK(vectors == 64);
  CHECK(p.lead >= 8);  // the whole input fits: no chunk waits
  // A buffer of 5 rows holds the 3-row window and one 2-row chunk ahead
  // (lead 1); of 4 rows, only the window and a chunk in its place (lead 0).
  CHECK(plan_input_stream(g, 16 * 1024, 64, 5 * 1024, 2048).lead == 1);
  CHECK(plan_input_stream(g, 16 * 1024, 64, 4 * 1024, 2048).lead == 0);
}

TEST_CASE("input stream: a chunk holds whole output rows and at least a burst") {
  // 1 KiB rows, stride 1, 3x3, padding 1, 8 rows: a 4 KiB burst is 4 rows,
  // so 4 output rows a chunk: rows 0-4 (5 KiB) for output rows 0-3, then
  // rows 5-7 (the padding supplies the 9th) for output rows 4-7.
  const stream_geometry g = convolution_rows(8, 3, 1, 1, 8);
  const auto p = plan_input_stream(g, 8 * 1024, 64, 1e9, 4096);
  REQUIRE(p.chunks.size() == 2);
  CHECK(p.chunks[0].bytes == 5 * 1024);
  CHECK(p.chunks[0].vectors == 32);
  CHECK(p.chunks[1].bytes == 3 * 1024);
  CHECK(p.chunks[1].vectors == 32);
  // An input under a burst is sent whole.
  CHECK(plan_input_stream(g, 2048, 64, 1e9, 4096).chunks.size() == 1);
}

TEST_CASE("input stream: at most max_stream_chunks chunks a job") {
  // A ViT layer as a 1x1 convolution over 197 token rows of 768 bytes: a
  // 4 KiB burst is 6 rows (33 chunks); at most 16 chunks means
  // ceil(197 / 16) = 13 rows a chunk, ceil(197 / 13) = 16 chunks.
  const stream_geometry g = convolution_rows(1, 1, 1, 0, 197);
  const auto p = plan_input_stream(g, 197 * 768, 197, 1e9, 4096);
  REQUIRE(p.chunks.size() == static_cast<std::size_t>(mottsim::platform::max_stream_chunks));
  CHECK(p.chunks.front().vectors == 13);
  CHECK(p.chunks.front().bytes == 13 * 768);
  long long vectors = 0;
  double bytes = 0;
  for (const auto& c : p.chunks) {
    vectors += c.vectors;
    bytes += c.bytes;
  }
  CHECK(vectors == 197);
  CHECK(bytes == 197 * 768);
}
