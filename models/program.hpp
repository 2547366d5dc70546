#pragma once
#include <functional>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "models/tile_job.hpp"

namespace mottsim::models {

// The controller's DMA moves a transfer in bursts of this many bytes.
inline constexpr double dma_burst_bytes = 4096;

// One thing the controller does. The mapper turns a workload into these; the
// controller executes them as TLM transactions.
struct program_op {
  enum class kind {
    dma,           // copy `bytes` from `src` to `dst` (read then write, in bursts)
    tile_compute,  // start `jobs` (side by side) on tile `instance` at `tile_address`
    tile_feed,     // more of the input of the jobs last started on tile `instance` is in its buffer
    tile_program,  // program `cells` cells (`rows` rows in sequence) on a tile
    tile_wait,     // wait until tile `instance` is idle
    tile_started,  // learn when tile `instance`'s jobs started: the drains after it pace themselves by it
    vector_work,   // `element_ops` 8-bit element operations on the controller
  };
  kind what = kind::dma;
  unsigned long long src = 0;
  unsigned long long dst = 0;
  double bytes = 0;
  // A tile buffer is smaller than what streams through it: addresses wrap
  // within this many bytes (0: no wrap).
  unsigned long long src_wrap = 0;
  unsigned long long dst_wrap = 0;
  // A drain: a dma out of a tile whose job is still computing. The job's
  // vector v is done `drain.first_s + v x drain.period_s` after the tile's
  // jobs started (the preceding tile_started op), and the bytes are its
  // vectors' outputs in order: each burst leaves once the vectors it carries
  // are done, so a chunk drains while the next computes. No vectors: a copy.
  tile_job_timeline drain;
  // The job whose outputs a drain carries: the tile's reply to tile_started
  // says when its parts actually output them, which `drain` only estimates.
  const tile_job* drain_job = nullptr;
  // A drain of part of the job's outputs: vectors drain_first ..
  // drain_first + drain_count - 1 (0: all of them). A streamed job's outputs
  // leave chunk by chunk, every tile's in turn, as its input came.
  long long drain_first = 0;
  long long drain_count = 0;
  // An input streaming into a running tile (models/input_stream): this chunk
  // may be written once tile `after_instance` has read the input of its
  // chunk `after_chunk` (counted from its last tile_compute), the buffer
  // space it takes being free only then. -1: no such wait.
  long long after_instance = -1;
  long long after_chunk = -1;
  unsigned long long tile_address = 0;
  long long instance = 0;
  std::vector<const tile_job*> jobs;
  // tile_compute and tile_feed of a streamed input: how many more vectors of
  // each job (in `jobs` order) have their inputs in the buffer. Empty: all.
  std::vector<long long> chunk_vectors;
  double cells = 0;
  double rows = 0;
  double element_ops = 0;
};

// Under the pipeline schedule, a stage reads what an earlier stage of the same
// inference wrote (models/pipeline_gate.hpp says when that lets it start).
struct stage_input {
  std::size_t stage = 0;  // index in program::stages
  // The values are held analog values (sample-and-hold) rather than bytes in
  // a memory: the line buffer holds one inference's, so the producer's next
  // inference waits until this stage is done with them.
  bool held = false;
};

// The ops of one layer (or of one pipeline stage).
struct program_stage {
  int layer = -1;
  std::vector<program_op> ops;
  std::vector<stage_input> inputs;  // pipeline schedule only
};

struct program {
  std::vector<program_stage> stages;
  // Pipeline schedule: every stage (after stage 0, which programs the weights
  // once) runs on its own tiles, on `inferences` inferences one after another,
  // while the other stages work on other inferences; layer schedule: one
  // inference, stages one after another.
  bool concurrent = false;
  long long inferences = 1;
  // Pipeline schedule with the default count: the run goes on past
  // `inferences`, up to `inferences_max`, until `steady` (given the
  // completion times so far) says the period has settled; then no stage
  // starts an inference none has started. 0, or `steady` empty: exactly
  // `inferences`.
  long long inferences_max = 0;
  std::function<bool(const std::vector<double>& completions_s)> steady;
  std::vector<std::unique_ptr<tile_job>> jobs;  // owned here, pointed to by ops

  const tile_job* keep(tile_job job) {
    jobs.push_back(std::make_unique<tile_job>(std::move(job)));
    return jobs.back().get();
  }
};

}  // namespace mottsim::models
