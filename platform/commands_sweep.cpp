#include <unistd.h>

#include <cmath>
#include <ostream>

#include "dsl/sweep_expansion.hpp"
#include "dsl/sweep_loader.hpp"
#include "dsl/units.hpp"
#include "platform/commands.hpp"
#include "platform/sweep_runner.hpp"

namespace mottsim::platform {

namespace {

struct shard_share {
  std::size_t index = 1;  // 1-based
  std::size_t count = 1;
};

shard_share parse_shard(const std::string& text, dsl::diagnostics& errors) {
  shard_share s;
  if (text.empty()) return s;
  const dsl::source_location where{"--shard '" + text + "'", 0, 0};
  const auto slash = text.find('/');
  long long i = 0, n = 0;
  if (slash == std::string::npos || !dsl::parse_integer(text.substr(0, slash), i) ||
      !dsl::parse_integer(text.substr(slash + 1), n)) {
    errors.error(where, "expected I/N, such as 1/4 (the first of four shards)");
    return s;
  }
  if (n < 1 || i < 1 || i > n) {
    errors.error(where, "shard I/N needs 1 <= I <= N, got I=" + std::to_string(i) + ", N=" + std::to_string(n));
    return s;
  }
  s.index = static_cast<std::size_t>(i);
  s.count = static_cast<std::size_t>(n);
  return s;
}

}  // namespace

int command_sweep(const model_registry& registry, const sweep_options& o, std::ostream& out, std::ostream& err) {
  dsl::diagnostics errors;
  const shard_share shard = parse_shard(o.shard, errors);
  if (!(o.timeout_s > 0) || !std::isfinite(o.timeout_s))
    errors.error({"--timeout", 0, 0}, "the timeout is a number of seconds greater than zero");
  if (o.out_dir.empty() && !o.dry_run)
    errors.error({"mottsim sweep", 0, 0}, "-o DIR is needed to run a sweep (or pass --dry-run to list its points)");
  const dsl::sweep_spec spec = dsl::load_sweep(o.file, registry, errors);
  if (errors.has_errors()) throw dsl::input_error(errors);

  const auto all = dsl::expand_sweep(spec);
  std::vector<dsl::sweep_point> share;
  for (const auto& p : all)
    if (p.index % shard.count == shard.index - 1) share.push_back(p);

  if (o.dry_run) {
    for (const auto& p : share) {
      out << p.id << "  " << p.architecture << "  " << p.workload_name;
      for (const auto& [path, value] : p.params) out << "  " << path << '=' << value;
      out << '\n';
    }
    out << share.size() << " points";
    if (shard.count > 1) out << " (shard " << shard.index << '/' << shard.count << " of " << all.size() << ")";
    out << '\n';
    return 0;
  }

  sweep_run_options run = o;
  run.terminal = ::isatty(STDERR_FILENO) != 0;
  return run_sweep(spec, share, run, out, err);
}

}  // namespace mottsim::platform
