#include "run_mottsim.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

std::string source_path(const std::string& relative) { return std::string(MOTTSIM_SOURCE_DIR) + "/" + relative; }

mottsim_run run_command(const std::string& args) {
  mottsim_run r;
  const std::string cmd = std::string(MOTTSIM_BINARY) + " " + args + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
  const int status = pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

scratch_dir::scratch_dir() {
  std::random_device rd;
  m_path = (std::filesystem::temp_directory_path() /
            ("mottsim_sim_" + std::to_string(::getpid()) + "_" + std::to_string(rd()) + "_" + std::to_string(rd())))
               .string();
  std::filesystem::create_directories(m_path);
}

scratch_dir::~scratch_dir() {
  std::error_code ec;
  std::filesystem::remove_all(m_path, ec);
}

std::string scratch_dir::path(const std::string& name) const { return name.empty() ? m_path : m_path + "/" + name; }

std::string scratch_dir::write(const std::string& name, const std::string& text) const {
  const std::string p = path(name);
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

// Runs in a scratch output directory, reads what the caller needs, removes it.
static mottsim_traced_run run_in_scratch(const std::string& arch, const std::string& workload,
                                         const std::string& extra, bool read_trace) {
  std::random_device rd;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("mottsim_sim_" + std::to_string(::getpid()) + "_" + std::to_string(rd()));
  mottsim_traced_run r;
  static_cast<mottsim_run&>(r) =
      run_command("run " + source_path(arch) + " " + source_path(workload) + " -o " + dir.string() + " " + extra);
  if (r.status == 0) {
    std::ifstream in(dir / "report.json");
    r.report = nlohmann::json::parse(in);
    std::ifstream trace(dir / "trace.json");
    if (read_trace && trace) r.trace = nlohmann::json::parse(trace);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return r;
}

mottsim_traced_run run_mottsim_traced(const std::string& arch, const std::string& workload,
                                      const std::string& extra) {
  return run_in_scratch(arch, workload, extra, true);
}

mottsim_run run_mottsim(const std::string& arch, const std::string& workload, const std::string& extra) {
  return run_in_scratch(arch, workload, extra, false);
}

static const nlohmann::json* find_action(const nlohmann::json& report, const std::string& component,
                                         const std::string& action) {
  for (const auto& c : report.at("components"))
    if (c.at("name") == component) {
      const auto& a = c.at("actions");
      return a.contains(action) ? &a.at(action) : nullptr;
    }
  return nullptr;
}

double action_count(const nlohmann::json& report, const std::string& component, const std::string& action) {
  const auto* a = find_action(report, component, action);
  return a ? a->at("count").get<double>() : 0.0;
}

double action_energy(const nlohmann::json& report, const std::string& component, const std::string& action) {
  const auto* a = find_action(report, component, action);
  return a ? a->at("energy_j").get<double>() : 0.0;
}

doctest::Approx rel(double v, double eps) { return doctest::Approx(v).scale(v == 0 ? 1 : 0).epsilon(eps); }

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

double check_hand_prices(const nlohmann::json& report, std::initializer_list<hand_price> prices) {
  double dynamic = 0;
  for (const auto& p : prices) {
    CAPTURE(p.component);
    CAPTURE(p.action);
    const double count = action_count(report, p.component, p.action);
    CHECK(count > 0);
    CHECK(action_energy(report, p.component, p.action) == rel(count * p.price_j));
    dynamic += count * p.price_j;
  }
  return dynamic;
}
