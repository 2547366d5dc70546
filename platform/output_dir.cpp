#include "platform/output_dir.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "dsl/diagnostics.hpp"

namespace mottsim::platform {

namespace fs = std::filesystem;

void ensure_output_dir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    throw dsl::input_error({"-o " + dir, 0, 0}, "cannot create output directory: " +
                                                   (ec ? ec.message() : std::string("a file is in the way")));
}

void write_output_file(const std::string& dir, const std::string& name, const std::string& text) {
  ensure_output_dir(dir);
  std::error_code ec;
  const fs::path final_path = fs::path(dir) / name;
  const fs::path tmp = fs::path(dir) / ("." + name + ".tmp" + std::to_string(::getpid()));
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      fs::remove(tmp, ec);
      throw dsl::input_error({final_path.string(), 0, 0}, "cannot write file");
    }
  }
  fs::rename(tmp, final_path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw dsl::input_error({final_path.string(), 0, 0}, "cannot write file: " + ec.message());
  }
}

}  // namespace mottsim::platform
