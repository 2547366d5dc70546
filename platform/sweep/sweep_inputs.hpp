#pragma once
#include <map>
#include <string>
#include <vector>

#include "dsl/sweep_spec.hpp"

namespace mottsim::platform {

// What a sweep's results depend on beyond each point's own settings (which
// every row of results.jsonl records): the run settings of the sweep file
// (mode, seed, chips, schedule), the source revision of the mottsim that ran
// them, and the bytes of every file its points read (the base architectures,
// what they extend, their technology libraries and the files a swept value
// names; the workloads, their weights and images). `sweep --resume` compares them with
// what the sweep recorded when it began, so results of two different
// designs never share one table. The sweep file's constraints and
// objectives are not among them: resumed rows are judged again under them.
inline constexpr const char* sweep_inputs_name = "sweep_inputs.json";

// Each of `files` by its absolute path -> its bytes' FNV-1a fingerprint
// ("absent" for one that does not exist; for a directory, one of its
// files' names and bytes).
std::map<std::string, std::string> fingerprint_sweep_inputs(const std::vector<std::string>& files);

// Refuses, located at dir/results.jsonl, to continue a sweep whose recorded
// inputs (dir/sweep_inputs.json) differ from these, naming what changed; and
// refuses a record that is missing or is not one. Without results
// (`has_results` false) there is nothing to mix, and it passes. The record's
// revision must be this build's.
void check_resumed_sweep_inputs(const std::string& dir, const dsl::sweep_spec& spec,
                                const std::map<std::string, std::string>& files, bool has_results);

// The same check for a shard `sweep merge` joins, over the files the shard
// recorded (fingerprinted again: a file edited after the shard ran, what a
// base extends or a technology library, is found though the merge reads only
// the sweep file, its bases and workloads), and against `revision`, the build
// the other shards were run by (`revision_from` says which, for the message),
// since the merge computes nothing itself; "unknown" checks none.
void check_shard_sweep_inputs(const std::string& dir, const dsl::sweep_spec& spec, const std::string& revision,
                              const std::string& revision_from);

// The source revision of the mottsim that began the sweep in dir ("" without
// a record, or for one written before mottsim recorded revisions).
std::string recorded_sweep_revision(const std::string& dir);

// Writes dir/sweep_inputs.json.
void write_sweep_inputs(const std::string& dir, const dsl::sweep_spec& spec,
                        const std::map<std::string, std::string>& files);

}  // namespace mottsim::platform
