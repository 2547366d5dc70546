#pragma once
#include <cstdint>
#include <string>

#include "dsl/diagnostics.hpp"

namespace mottsim::dsl {

// Every file mottsim reads from its user (architectures, workloads, technology
// libraries, sweeps, weights, images, neuron tables) is read here, so one
// check refuses what would hang or exhaust memory: an endless device such as
// /dev/zero, a FIFO that never closes, a directory, or a file larger than the
// limit. The limit is 64 MiB unless `--max-file-size` raises it.
inline constexpr std::uintmax_t default_max_file_bytes = 64ULL * 1024 * 1024;

// A round size of at least `bytes`, as --max-file-size takes it ("3 MiB"):
// `bytes` rounded up in the largest binary unit it reaches.
std::string size_at_least(std::uintmax_t bytes);

std::uintmax_t max_file_bytes();
void set_max_file_bytes(std::uintmax_t bytes);

// Reads the whole file into `out`. On any problem adds one error located at
// the file (no line) and returns false. `what` names the file in messages
// ("file", "weights file", "image").
bool read_input_file(const std::string& path, std::string& out, diagnostics& errors, const std::string& what = "file");

// Same, throwing input_error.
std::string read_input_file(const std::string& path, const std::string& what);

// The path's canonical form, to recognise one file named twice; the path
// itself, made absolute and normal, when it cannot be resolved (a name too
// long, a loop of links): reading it then says why. Never throws.
std::string file_identity(const std::string& path);

// Why `path` is not a regular file mottsim can open ("does not exist", "is a
// directory", or the system's reason, such as "File name too long"), or ""
// when it is one. Never throws.
std::string regular_file_problem(const std::string& path);

// Whether the file name ends in `extension` (".onnx"), in any letter case.
bool has_extension(const std::string& path, const std::string& extension);

// "64 MiB" or "64 MB" etc. as `--max-file-size` takes it (a data size, or a
// plain number of bytes); false with a message in `error` when it is not one.
bool parse_file_size_limit(const std::string& text, std::uintmax_t& bytes, std::string& error);

}  // namespace mottsim::dsl
