#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <ostream>

#include "platform/cli/commands.hpp"
#include "platform/cli/validation_spec.hpp"
#include "reports/json_report.hpp"

namespace mottsim::platform {

namespace {

namespace fs = std::filesystem;

// The designs under DIR: DIR itself when it holds an expected.yaml, else each
// subdirectory that does, in name order.
std::vector<std::string> design_directories(const std::string& dir, dsl::diagnostics& errors) {
  std::error_code ec;
  if (fs::is_regular_file(fs::path(dir) / "expected.yaml", ec)) return {dir};
  if (!fs::is_directory(dir, ec)) {
    errors.error({dir, 0, 0}, "not a directory of validation designs");
    return {};
  }
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.is_directory() && fs::is_regular_file(entry.path() / "expected.yaml", ec))
      out.push_back(entry.path().string());
  std::sort(out.begin(), out.end());
  if (out.empty()) errors.error({dir, 0, 0}, "holds no design (a directory with an expected.yaml)");
  return out;
}

struct run_outcome {
  int status = 0;  // the child's exit status: 0 ran, 2 bad input, other: internal error
  std::string report;  // report.json text
};

// SystemC elaborates once per process, so each design runs the session in a
// forked child of this process (never a new program) and sends its
// report.json back through a pipe.
run_outcome run_design(const validation_design& d, const model_registry& registry) {
  run_outcome outcome;
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error(std::string("cannot create a pipe: ") + std::strerror(errno));
  std::cout.flush();
  std::cerr.flush();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("cannot start a run: ") + std::strerror(errno));
  if (pid == 0) {
    ::close(fds[0]);
    int status = 0;
    try {
      run_options o;
      o.architecture = d.architecture;
      o.workload = d.workload;
      o.overrides = d.overrides;
      o.mode = d.mode;
      o.schedule = schedule_named(d.schedule);
      if (!d.schedule_where.file.empty()) o.schedule_where = d.schedule_where;
      o.timeline = false;
      const std::string json = reports::to_json(run_session(o, registry));
      std::size_t done = 0;
      while (done < json.size()) {
        const ssize_t n = ::write(fds[1], json.data() + done, json.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          status = 1;
          break;
        }
        done += static_cast<std::size_t>(n);
      }
    } catch (const dsl::input_error& e) {
      e.errors().print(std::cerr);
      status = 2;
    } catch (const std::exception& e) {
      std::cerr << "mottsim: internal error: " << e.what() << '\n';
      status = 1;
    }
    std::cerr.flush();
    ::close(fds[1]);
    ::_exit(status);
  }
  ::close(fds[1]);
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    outcome.report.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  outcome.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + (WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0);
  return outcome;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string pad(const std::string& s, std::size_t width) { return s.size() >= width ? s : s + std::string(width - s.size(), ' '); }

}  // namespace

int command_validation(const model_registry& registry, const std::string& directory, std::ostream& out,
                       std::ostream& err) {
  // Every file is read and checked before anything runs: a malformed
  // expected.yaml costs no simulation.
  dsl::diagnostics errors;
  std::vector<validation_design> designs;
  for (const auto& dir : design_directories(directory, errors)) designs.push_back(load_validation_design(dir, errors));
  if (errors.has_errors()) {
    errors.print(err);
    return 2;
  }

  struct row {
    std::string design, figure, published, simulated, ratio, tol, verdict, gap;
  };
  std::vector<row> rows;
  int passed = 0, failed = 0, gaps = 0;
  for (const auto& d : designs) {
    const run_outcome run = run_design(d, registry);
    if (run.status == 2) {
      err << d.directory << "/expected.yaml: error: design '" << d.name << "' could not run (errors above)\n";
      return 2;
    }
    if (run.status != 0) {
      err << "mottsim: internal error: the run of design '" << d.name << "' ended with status " << run.status << '\n';
      return 1;
    }
    const nlohmann::json report = nlohmann::json::parse(run.report);
    for (const auto& f : d.figures) {
      std::string problem;
      const auto simulated = evaluate_expression(report, f.simulated, problem);
      if (!simulated) {
        errors.error(f.simulated.where, "figure '" + f.name + "': " + problem);
        continue;
      }
      const figure_verdict v = judge_figure(f, *simulated);
      (v == figure_verdict::pass ? passed : v == figure_verdict::fail ? failed : gaps)++;
      const std::string unit = f.unit.empty() ? "" : " " + f.unit;
      rows.push_back({d.name, f.name, number(f.published) + unit, number(*simulated) + unit,
                      f.published != 0 ? number(*simulated / f.published) : "-", f.tol.describe(), verdict_name(v),
                      f.known_gap});
    }
  }
  if (errors.has_errors()) {
    errors.print(err);
    return 2;
  }

  const std::vector<std::string> header = {"design", "figure", "published", "simulated", "ratio", "tolerance", "verdict"};
  std::vector<std::size_t> width(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) width[c] = header[c].size();
  for (const auto& r : rows) {
    const std::string cells[] = {r.design, r.figure, r.published, r.simulated, r.ratio, r.tol, r.verdict};
    for (std::size_t c = 0; c < header.size(); ++c) width[c] = std::max(width[c], cells[c].size());
  }
  for (std::size_t c = 0; c < header.size(); ++c) out << pad(header[c], width[c] + 2);
  out << '\n';
  for (const auto& r : rows) {
    const std::string cells[] = {r.design, r.figure, r.published, r.simulated, r.ratio, r.tol, r.verdict};
    std::string line;
    for (std::size_t c = 0; c < header.size(); ++c) line += pad(cells[c], width[c] + 2);
    out << line.substr(0, line.find_last_not_of(' ') + 1) << '\n';
  }
  out << rows.size() << " figures from " << designs.size() << " designs: " << passed << " pass, " << failed
      << " fail, " << gaps << " known gaps (outside tolerance, not counted as pass)\n";
  // The reasons below the table, so the table stays readable. A figure marked
  // as a known gap that is now within its tolerance is named too: its mark
  // should go.
  const auto list = [&](const char* title, const std::string& verdict) {
    bool first = true;
    for (const auto& r : rows)
      if (!r.gap.empty() && r.verdict == verdict) {
        if (first) out << title << '\n';
        first = false;
        out << "  " << r.design << " / " << r.figure << ": " << r.gap << '\n';
      }
  };
  list("known gaps:", verdict_name(figure_verdict::known_gap));
  list("marked as known gaps but within tolerance (the gap has closed: remove the mark):",
       verdict_name(figure_verdict::pass));
  return failed == 0 ? 0 : 1;
}

}  // namespace mottsim::platform
