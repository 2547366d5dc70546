#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "dsl/architecture_spec.hpp"
#include "dsl/workload_spec.hpp"

namespace mottsim::platform {

// Appends the files a loaded architecture was read from: its own, those it
// extends and its technology libraries.
void add_files_read(const dsl::architecture_spec& architecture, std::vector<std::string>& files);
// Appends the files a loaded workload reads: its own, its weights, its input
// image and that image's fallback, and its calibration images' directory.
void add_files_read(const dsl::workload_spec& workload, std::vector<std::string>& files);

// Throws dsl::input_error, located at `flag` (the output flag, "-o"), when one
// of `outputs` (the files a command writes and the directories it replaces)
// is one of `inputs` (the files it reads), or holds one: "-o: error: the
// output 'net.csv' would overwrite the input 'net.csv'". Commands call it
// before they write anything, so an input is never lost to a slip of -o.
// Two names are one file when std::filesystem::equivalent says so or, for an
// output that does not exist yet, when they resolve to the same path. Empty
// names are skipped. `removed` are an earlier run's files the command removes
// (superseded_output_files, output_dir.hpp): one of them that is an input is
// refused the same way.
void refuse_overwriting_inputs(const std::string& flag, const std::vector<std::filesystem::path>& outputs,
                               const std::vector<std::string>& inputs,
                               const std::vector<std::filesystem::path>& removed = {});

}  // namespace mottsim::platform
