#pragma once
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace mottsim::platform {

// Creates `dir` (and its parents) unless it is already a directory. Throws
// dsl::input_error, located at "-o DIR", when it cannot be made, or when it is
// the root or a system directory (/etc, /usr, /proc, ...), which mottsim never
// writes into.
void ensure_output_dir(const std::string& dir);

// Writes `text` to `dir/name` atomically (temporary file, then rename), so an
// interrupted run never leaves a half-written report. Creates `dir`. Throws
// dsl::input_error, with the system's reason, when the directory cannot be
// made or written.
void write_output_file(const std::string& dir, const std::string& name, const std::string& text);

// How write_output_file and ensure_output_dir begin their messages.
inline constexpr const char* write_failure = "cannot write file: ";
inline constexpr const char* create_failure = "cannot create output directory: ";

// Whether a located error line ("FILE: error: ...") says output could not be
// written (a full disk, a file in the way, no permission): the run itself was
// sound, so a sweep may run it again once the cause is fixed.
bool is_output_write_error(const std::string& error_line);

// The file in a run's output directory that lists, one name a line, every file
// mottsim wrote there (and, for a comparison, every run directory it put
// there, as "NAME/"). Only what it lists is ever removed again.
inline constexpr const char* output_manifest_name = ".mottsim-output";

// Adds `names` to the manifest of `dir` (keeping the names already there).
void record_output_files(const std::string& dir, const std::vector<std::string>& names);

// What an earlier command wrote into `dir` that a command writing `names`
// there (file names, and "NAME/" for run directories) would remove: what the
// manifest lists and `names` does not, where it still is what was written, a
// regular file (not a link) or, for "NAME/", a directory. Empty without a
// manifest.
std::vector<std::filesystem::path> superseded_output_files(const std::string& dir,
                                                           const std::vector<std::string>& names);

// Throws, as check_output_dir_removable, when a run directory among what
// writing `names` would supersede holds anything mottsim did not write, and
// when one of the files `names` lists is already in `dir` but its manifest
// does not list it (a file of the user's that writing would replace): the
// command can say so before it runs anything.
void check_output_set_replaceable(const std::string& dir, const std::vector<std::string>& names);

// Writes one command's files, name -> contents, into `dir` (each atomically,
// as write_output_file) so that `dir` then holds this command's outputs
// alone; `run_dirs` are the run directories it already put there (a
// comparison's). What superseded_output_files names is removed (a run
// directory as remove_output_dir removes it), and the manifest lists exactly
// `files` and `run_dirs`. Whatever the manifest does not list (a user's own
// file) is never touched. Until the end the manifest lists the earlier
// outputs and the new ones both, so a command killed midway leaves nothing
// unlisted. Returns what it removed.
std::vector<std::filesystem::path> write_output_set(const std::string& dir,
                                                    const std::vector<std::pair<std::string, std::string>>& files,
                                                    const std::vector<std::string>& run_dirs = {});

// What write_output_set does once its files are written, for a command that
// writes its own over time (a sweep, whose results grow point by point): what
// an earlier command wrote into `dir` and `names` does not list is removed,
// and the manifest then lists exactly `names`. Returns what it removed.
std::vector<std::filesystem::path> replace_output_set(const std::string& dir, const std::vector<std::string>& names);

// Refuses a run's or a comparison's -o directory that holds a sweep's
// results (a results.jsonl, or a cluster sweep's slurm/shards.json): the
// journal `sweep --resume` continues is hours
// of points, and a report written beside it would mix two commands' outputs.
// Said before anything runs: "-o: error: ... choose another -o directory".
void refuse_sweep_directory(const std::string& dir);

// The line a command prints after write_output_set about what it removed
// ("" when nothing).
std::string removed_outputs_text(const std::vector<std::filesystem::path>& removed);

// Removes a run's output directory that an earlier command wrote: the files its
// manifest lists, the manifest, then the directory itself. A directory holding
// anything else (a file the user put there, a subdirectory, a link) is left
// alone and a dsl::input_error names what is in the way. Absent is fine.
void remove_output_dir(const std::filesystem::path& dir);

// The checks of remove_output_dir without removing anything, so a command can
// check every directory it will replace before it replaces the first.
void check_output_dir_removable(const std::filesystem::path& dir);

// A fresh hidden directory `parent/.PREFIX-PID[-N]` that did not exist before,
// marked as mottsim's own staging area. Throws dsl::input_error when it cannot
// be made.
std::filesystem::path make_staging_dir(const std::filesystem::path& parent, const std::string& prefix);

// Removes a directory made by make_staging_dir, after checking its mark; a
// directory without the mark is never touched. Never throws.
void remove_staging_dir(const std::filesystem::path& dir);

// Removes what commands killed before they could clean up left behind: the
// directories `parent/.PREFIX-PID[-N]` whose mark says make_staging_dir made
// them on this machine for a process that no longer exists. Those of running
// processes, of other machines (a shared file system) and anything unmarked
// are left alone. Never throws.
void remove_stale_staging_dirs(const std::filesystem::path& parent, const std::string& prefix);

// The same for write_output_file's temporary files: removes `dir/.NAME.tmpPID`
// for each of `names` whose process does not exist here and which nothing has
// written for ten minutes (a command killed while it wrote NAME). Never throws.
void remove_stale_temporary_files(const std::filesystem::path& dir, const std::vector<std::string>& names);

}  // namespace mottsim::platform
