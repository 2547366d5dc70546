#include "dsl/onnx_model.hpp"

#include <fcntl.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/wire_format_lite.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <vector>

#include "dsl/input_file.hpp"
#include "dsl/utf8.hpp"

namespace mottsim::dsl {

namespace {

namespace fs = std::filesystem;
using google::protobuf::io::CodedInputStream;
using google::protobuf::io::CodedOutputStream;
using google::protobuf::internal::WireFormatLite;

// Protobuf refuses messages of 2 GiB and more; a model that large keeps its
// weights in external files, which mottsim does not read.
constexpr std::uintmax_t max_model_bytes = (1ULL << 31) - 1;

// An initializer's raw_data larger than this stays in the file (a weight
// tensor); smaller ones (biases, shapes, normalization parameters) are
// parsed with the rest.
constexpr std::uint32_t kept_raw_bytes = 64 * 1024;

// The fields of onnx.proto the structure is read through: ModelProto.graph,
// GraphProto.initializer and TensorProto.raw_data.
constexpr int model_graph_field = 7;
constexpr int graph_initializer_field = 5;
constexpr int tensor_raw_data_field = 9;

// Copies the message `in` is reading (up to its limit, or the end of the
// file) into `out`, but for the large raw_data of the graph's initializers,
// whose place in the file goes to `in_file` (one entry per initializer, in
// file order; none when it keeps its raw_data in the copy or has none).
// `level` 0 reads a ModelProto, 1 its GraphProto, 2 an initializer. Every
// other field is copied as it is, so the generated parser reads the copy as
// it would the file (of `file_size` bytes). False when the bytes are not a
// valid message.
bool strip_raw_data(CodedInputStream& in, std::uint64_t file_size, int level, std::string& out,
                    std::vector<std::optional<onnx_model::file_span>>& in_file) {
  std::optional<onnx_model::file_span> own;
  {
    google::protobuf::io::StringOutputStream sink(&out);
    CodedOutputStream copy(&sink);
    const int wanted = level == 0 ? model_graph_field : level == 1 ? graph_initializer_field : tensor_raw_data_field;
    for (;;) {
      const std::uint32_t tag = in.ReadTag();
      if (tag == 0) {
        // The message's end, not a zero tag or the file's end inside it.
        if (!in.ConsumedEntireMessage() || in.BytesUntilLimit() > 0) return false;
        break;
      }
      const auto type = WireFormatLite::GetTagWireType(tag);
      if (type == WireFormatLite::WIRETYPE_END_GROUP) return false;
      if (type != WireFormatLite::WIRETYPE_LENGTH_DELIMITED || WireFormatLite::GetTagFieldNumber(tag) != wanted) {
        if (!WireFormatLite::SkipField(&in, tag, &copy)) return false;
        continue;
      }
      std::uint32_t length = 0;
      if (!in.ReadVarint32(&length)) return false;
      if (level == 2 && length > kept_raw_bytes) {  // the last raw_data counts, as in the parser
        own = onnx_model::file_span{static_cast<std::uint64_t>(in.CurrentPosition()), length};
        // Skipped by seeking, which passes the end of a truncated file silently.
        if (own->offset + length > file_size || !in.Skip(static_cast<int>(length))) return false;
        continue;
      }
      std::string inner;
      if (level == 2) {
        own.reset();
        if (!in.ReadString(&inner, static_cast<int>(length))) return false;
      } else {
        const auto limit = in.PushLimit(static_cast<int>(length));
        if (!strip_raw_data(in, file_size, level + 1, inner, in_file)) return false;
        in.PopLimit(limit);
      }
      copy.WriteTag(tag);
      copy.WriteVarint32(static_cast<std::uint32_t>(inner.size()));
      copy.WriteString(inner);
    }
  }  // the copy is complete in `out` once its stream is gone
  if (level == 2) in_file.push_back(own);
  return true;
}

}  // namespace

std::shared_ptr<const onnx_model> onnx_model::read(const std::string& path, diagnostics& errors) {
  const auto fail = [&](const std::string& message) {
    errors.error({path, 0, 0}, message);
    return nullptr;
  };
  // As read_input_file: its name goes into the workload and the reports.
  if (!is_valid_utf8(path))
    return fail("the ONNX model name is not valid UTF-8 text (reports name their input files in UTF-8)");
  if (const std::string problem = regular_file_problem(path); !problem.empty())
    return fail("cannot read the ONNX model: " + problem);
  // A model's weights are routinely hundreds of megabytes: unless
  // --max-file-size sets a lower limit, a model may be as large as protobuf
  // reads (2 GiB; larger models keep their weights in external files).
  std::error_code ec;
  const auto bytes = fs::file_size(path, ec);
  const std::uintmax_t limit =
      max_file_bytes() == default_max_file_bytes ? max_model_bytes : std::min(max_file_bytes(), max_model_bytes);
  if (!ec && bytes > limit) {
    return fail("the ONNX model is " + std::to_string(bytes) + " bytes, more than the limit of " +
                std::to_string(limit) +
                (limit == max_model_bytes ? " protobuf reads"
                                          : " (--max-file-size); raise it, such as --max-file-size '" +
                                                size_at_least(bytes) + "'"));
  }
  std::shared_ptr<onnx_model> model(new onnx_model);
  model->m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (model->m_fd < 0) return fail(std::string("cannot read the ONNX model: ") + std::strerror(errno));
  model->m_path = path;
  model->m_identity = file_identity(path);
  struct stat st {};
  if (::fstat(model->m_fd, &st) != 0) return fail(std::string("cannot read the ONNX model: ") + std::strerror(errno));
  std::string structure;
  std::vector<std::optional<file_span>> in_file;
  bool parsed = false;
  {
    google::protobuf::io::FileInputStream file(model->m_fd);
    CodedInputStream in(&file);
    in.SetTotalBytesLimit(static_cast<int>(limit));
    parsed = strip_raw_data(in, static_cast<std::uint64_t>(st.st_size), 0, structure, in_file);
  }
  parsed = parsed && model->m_proto.ParseFromString(structure);
  const auto& initializers = model->m_proto.graph().initializer();
  if (!parsed || static_cast<std::size_t>(initializers.size()) != in_file.size())
    return fail("not an ONNX model (the file is not a valid ONNX protobuf, or it is truncated)");
  for (int k = 0; k < initializers.size(); ++k)
    if (const auto& span = in_file[static_cast<std::size_t>(k)]) model->m_in_file[&initializers.Get(k)] = *span;
  return model;
}

onnx_model::~onnx_model() {
  if (m_fd >= 0) ::close(m_fd);
}

std::optional<onnx_model::file_span> onnx_model::raw_data_in_file(const onnx::TensorProto& t) const {
  if (const auto it = m_in_file.find(&t); it != m_in_file.end()) return it->second;
  return std::nullopt;
}

std::optional<std::uint64_t> onnx_model::raw_data_size(const onnx::TensorProto& t) const {
  if (const auto span = raw_data_in_file(t)) return span->size;
  if (t.has_raw_data()) return t.raw_data().size();
  return std::nullopt;
}

std::optional<std::string_view> onnx_model::raw_data(const onnx::TensorProto& t, std::string& storage) const {
  if (const auto span = raw_data_in_file(t)) {
    storage.resize(static_cast<std::size_t>(span->size));
    read_file(span->offset, storage.size(), storage.data());
    return std::string_view(storage);
  }
  if (t.has_raw_data()) return std::string_view(t.raw_data());
  return std::nullopt;
}

void onnx_model::read_file(std::uint64_t offset, std::size_t size, char* out) const {
  while (size > 0) {
    const ssize_t n = ::pread(m_fd, out, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      throw input_error({m_path, 0, 0}, std::string("cannot read the ONNX model: ") +
                                            (n < 0 ? std::strerror(errno) : "it is shorter than when it was opened"));
    out += n;
    offset += static_cast<std::uint64_t>(n);
    size -= static_cast<std::size_t>(n);
  }
}

}  // namespace mottsim::dsl
