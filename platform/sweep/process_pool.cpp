#include "platform/sweep/process_pool.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "dsl/diagnostics.hpp"
#include "platform/data/output_dir.hpp"

namespace mottsim::platform {

namespace {

using clock_type = std::chrono::steady_clock;

struct running_process {
  std::size_t job = 0;
  pid_t pid = -1;
  clock_type::time_point started;
  bool killed_for_time = false;
};

// What the child needs between its start and exec, prepared by the parent:
// the child shares the parent's memory until it execs, so it must not allocate.
struct child_start {
  char** argv;
  int log_fd;
  pid_t parent;
};

// Runs in the child on its own stack, sharing the parent's memory (the parent
// is suspended until exec): raw system calls only.
int exec_child(void* arg) {
  const auto* c = static_cast<const child_start*>(arg);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != c->parent) ::_exit(127);  // the parent died before prctl
  ::dup2(c->log_fd, 1);
  ::dup2(c->log_fd, 2);
  ::execv(c->argv[0], c->argv);
  ::_exit(127);
}

// Starts the job with its output going to `log_fd` (closed here). The child
// is started the way posix_spawn starts one (clone with CLONE_VM | CLONE_VFORK),
// not with fork: a fork copies the parent's page tables, and every page the
// parent then writes before the child execs is copied again. With a sweep's
// journal growing in the parent, that cost about a third of a core at 30
// points a second.
pid_t start_process(process_job job, int log_fd) {
  std::vector<char*> argv;
  for (auto& a : job.args) argv.push_back(a.data());
  argv.push_back(nullptr);
  child_start start{argv.data(), log_fd, ::getpid()};
  constexpr std::size_t stack_bytes = 64 * 1024;
  std::vector<char> stack(stack_bytes);
  // clone takes the top of the stack: it grows down on x86-64 and AArch64.
  const pid_t pid = ::clone(exec_child, stack.data() + stack.size(), CLONE_VM | CLONE_VFORK | SIGCHLD, &start);
  ::close(log_fd);
  return pid;
}

int exit_status(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

}  // namespace

process_pool::process_pool(unsigned limit, double timeout_s)
    : m_limit(limit ? limit : std::max(1u, std::thread::hardware_concurrency())), m_timeout_s(timeout_s) {}

bool process_pool::run(std::size_t count, const std::function<process_job(std::size_t)>& make,
                       const std::function<void(std::size_t, const process_outcome&)>& done,
                       const std::function<void()>& tick) {
  std::vector<running_process> running;
  std::size_t next = 0;
  bool start_failed = false;
  while ((next < count && !start_failed) || !running.empty()) {
    while (next < count && !start_failed && running.size() < m_limit) {
      process_job job = make(next);
      // Opened here, not in the child, so a full disk or a file in the way is
      // reported with its reason instead of losing the run's output.
      const int log_fd = ::open(job.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (log_fd < 0) {
        process_outcome outcome;
        outcome.not_started = dsl::diagnostic{{job.log, 0, 0}, write_failure + std::string(std::strerror(errno))}
                                  .to_string();
        done(next++, outcome);
        continue;
      }
      const pid_t pid = start_process(std::move(job), log_fd);
      if (pid < 0) {
        start_failed = true;
        break;
      }
      running.push_back({next++, pid, clock_type::now(), false});
    }
    bool any_ended = false;
    for (auto it = running.begin(); it != running.end();) {
      int status = 0;
      const pid_t r = ::waitpid(it->pid, &status, WNOHANG);
      if (r == 0) {
        const double age = std::chrono::duration<double>(clock_type::now() - it->started).count();
        if (m_timeout_s > 0 && age > m_timeout_s && !it->killed_for_time) {
          ::kill(it->pid, SIGKILL);
          it->killed_for_time = true;
        }
        ++it;
        continue;
      }
      process_outcome outcome;
      outcome.exit_status = r < 0 ? -1 : exit_status(status);
      outcome.timed_out = it->killed_for_time;
      outcome.wall_s = std::chrono::duration<double>(clock_type::now() - it->started).count();
      const std::size_t job = it->job;
      it = running.erase(it);
      any_ended = true;
      done(job, outcome);
    }
    if (!any_ended) {
      if (tick) tick();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  return !start_failed;
}

std::string self_executable() {
  std::error_code ec;
  const auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : p.string();
}

}  // namespace mottsim::platform
