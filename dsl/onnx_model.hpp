#pragma once
#include <onnx/onnx_pb.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "dsl/diagnostics.hpp"

namespace mottsim::dsl {

// An ONNX model read once and kept for every use of it (the workload, then
// its weights): its protobuf structure is parsed without the large
// initializers' raw bytes, which stay in the file, kept open, and are read
// from it when they are needed. A model's weights are hundreds of megabytes;
// parsing them whole copies each into a freshly allocated string, and on a
// machine where a page fault on new memory is slow that copy costs more
// than the rest of a run. Only dsl's ONNX code sees this header (it needs the
// ONNX classes).
class onnx_model {
 public:
  // Null (with one error located at `path`) when the file cannot be read or
  // is no valid ONNX protobuf; the model's graph itself is the importer's to
  // judge.
  static std::shared_ptr<const onnx_model> read(const std::string& path, diagnostics& errors);

  onnx_model(const onnx_model&) = delete;
  onnx_model& operator=(const onnx_model&) = delete;
  ~onnx_model();

  const onnx::ModelProto& proto() const { return m_proto; }

  // Where an initializer's raw_data is in the file, when it was left there.
  struct file_span {
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
  };
  std::optional<file_span> raw_data_in_file(const onnx::TensorProto& t) const;
  // The tensor's raw_data (read from the file into `storage` when it was
  // left there), or nothing when it has none.
  std::optional<std::string_view> raw_data(const onnx::TensorProto& t, std::string& storage) const;
  // The size of its raw_data, or nothing when it has none.
  std::optional<std::uint64_t> raw_data_size(const onnx::TensorProto& t) const;
  // Reads `size` bytes at `offset` of the file into `out`; throws
  // input_error when the file no longer holds them (it changed since).
  void read_file(std::uint64_t offset, std::size_t size, char* out) const;
  // file_identity() of the path it was read from: the same model named twice.
  const std::string& identity() const { return m_identity; }

 private:
  onnx_model() = default;

  int m_fd = -1;
  std::string m_path;
  std::string m_identity;
  onnx::ModelProto m_proto;  // everything but the large initializers' raw_data
  std::unordered_map<const onnx::TensorProto*, file_span> m_in_file;
};

}  // namespace mottsim::dsl
