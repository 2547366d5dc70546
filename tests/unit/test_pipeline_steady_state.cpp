// The pipeline schedule's figures from its stage runs
// (platform/session/pipeline_steady_state, warmup_truncation,
// pipeline_bottleneck), on series and runs written out by hand.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "platform/session/pipeline_bottleneck.hpp"
#include "platform/session/pipeline_steady_state.hpp"
#include "platform/session/warmup_truncation.hpp"

using namespace mottsim::platform;
using mottsim::reports::busy_share;

TEST_CASE("MSER-5 cuts a warm-up of high values and keeps the steady ones") {
  // 10 spacings of 2 then 40 of 1: batches 2, 2, then eight of 1. Cutting the
  // two high batches leaves no spread at all, which no shorter cut does.
  std::vector<double> series(10, 2.0);
  series.resize(50, 1.0);
  const warmup_cut cut = truncate_warmup(series);
  CHECK(cut.first == 10);
  CHECK(cut.mean == 1.0);
  CHECK(cut.standard_error == 0.0);
  CHECK(cut.converged);
}

TEST_CASE("MSER-5 cuts nothing from a series that does not vary, whatever its rounding") {
  std::vector<double> series(40, 4096e-9);
  series[17] += 1e-24;  // a rounding error of the completion times
  const warmup_cut cut = truncate_warmup(series);
  CHECK(cut.first == 0);
  CHECK(cut.mean == doctest::Approx(4096e-9).epsilon(1e-12).scale(0));
  CHECK(cut.converged);
}

TEST_CASE("MSER-5 drops a short remainder with the warm-up and cuts at most half the batches") {
  // 22 values: the first 2 are the remainder, then four batches. The series
  // falls all along, so the best cut is the longest allowed: two batches.
  std::vector<double> series;
  for (int i = 0; i < 22; ++i) series.push_back(100.0 - i);
  const warmup_cut cut = truncate_warmup(series);
  CHECK(cut.first == 2 + 2 * mser_batch);
  // Values 88 down to 79: mean 83.5. Two batches kept (means 86 and 81):
  // fewer than min_batches, so not converged; standard error
  // sqrt(((86 - 83.5)^2 + (81 - 83.5)^2) / (2 x 1)) = 2.5.
  CHECK(cut.mean == doctest::Approx(83.5).scale(0));
  CHECK(cut.standard_error == doctest::Approx(2.5).scale(0));
  CHECK_FALSE(cut.converged);
  // Under two batches: the whole series, not converged.
  const warmup_cut tiny = truncate_warmup({3.0, 5.0, 4.0});
  CHECK(tiny.first == 0);
  CHECK(tiny.mean == 4.0);
  CHECK_FALSE(tiny.converged);
}

TEST_CASE("a warm-up longer than half the run is a drift, not a steady state") {
  // 60 spacings falling by 0.01 from 1.59 to 1.00 (a queue still filling):
  // twelve batches with means 1.57 - 0.05 j. MSER cuts the most it may, six,
  // and keeps 6 batches (min_batches is 4), whose halves have means 1.22 and
  // 1.07: 0.15 apart, while each half's batch means (0.05 apart) give the
  // difference a standard error of sqrt(2 x 0.0025 / 3) = 0.041, so 3.7 of
  // them, and 13 % of the mean.
  std::vector<double> falling;
  for (int i = 0; i < 60; ++i) falling.push_back(1.59 - 0.01 * i);
  const warmup_cut cut = truncate_warmup(falling);
  CHECK(cut.first == 6 * mser_batch);
  CHECK(cut.drifting);
  CHECK_FALSE(cut.converged);
  // The same spacings alternating 1.1 and 0.9 instead: batch means alternate
  // 1.02 and 0.98, every half averages 1, nothing drifts.
  std::vector<double> alternating;
  for (int i = 0; i < 60; ++i) alternating.push_back(i % 2 == 0 ? 1.1 : 0.9);
  const warmup_cut steady = truncate_warmup(alternating);
  CHECK_FALSE(steady.drifting);
  CHECK(steady.converged);
  CHECK(steady.mean == doctest::Approx(1.0).scale(0));
  // A trend below drift_tolerance of the mean is not called a drift, however
  // small its noise: 60 spacings of 1 + 1e-5 i, kept halves 0.00015 apart (0.015 %).
  std::vector<double> creeping;
  for (int i = 0; i < 60; ++i) creeping.push_back(1.0 + 1e-5 * i);
  CHECK_FALSE(truncate_warmup(creeping).drifting);
}

TEST_CASE("a running pipeline may stop once its steady part is twice its warm-up") {
  // Completion times whose spacings are 30 of 2 then n of 1: MSER-5 cuts the
  // six high batches (nothing varies after them) and keeps n spacings, steady
  // and without drift, so truncate_warmup calls both converged; the run may
  // stop only once n is at least twice the 30 cut.
  const auto completions = [](int ones) {
    std::vector<double> c{0.0};
    for (int i = 0; i < 30 + ones; ++i) c.push_back(c.back() + (i < 30 ? 2.0 : 1.0));
    return c;
  };
  std::vector<double> spacings(30, 2.0);
  spacings.resize(60, 1.0);
  const warmup_cut short_run = truncate_warmup(spacings);
  CHECK(short_run.first == 30);
  CHECK(short_run.converged);
  CHECK_FALSE(pipeline_settled(completions(30)));
  CHECK_FALSE(pipeline_settled(completions(55)));
  CHECK(pipeline_settled(completions(60)));
}

TEST_CASE("a pipeline's fill, window of busy stages and period, from its runs") {
  // Two stages: A takes 1 s, B 3 s; B runs back to back from t = 1. Inference
  // i: A [i, i + 1] (its buffers never fill here), B [1 + 3i, 4 + 3i].
  const long long k = 40;
  std::vector<std::vector<stage_run>> runs(2);
  for (long long i = 0; i < k; ++i) {
    runs[0].push_back({static_cast<double>(i), static_cast<double>(i + 1)});
    runs[1].push_back({1.0 + 3.0 * static_cast<double>(i), 4.0 + 3.0 * static_cast<double>(i)});
  }
  const pipeline_timing t = measure_pipeline(runs, {true, true}, 0.0);
  CHECK(t.fill_s == 4.0);  // A then B
  REQUIRE(t.completions_s.size() == static_cast<std::size_t>(k));
  CHECK(t.completions_s.back() == 4.0 + 3.0 * (k - 1));
  // Every stage works from t = 1 (B's first start) until t = 40 (A's last
  // end): inferences 1 (started at 1) to 11 (done at 37; 12 is done at 40,
  // which still counts, 13 at 43 does not).
  CHECK(t.window);
  CHECK(t.window_start == 1);
  CHECK(t.window_end == 12);
  CHECK(t.period_s == 3.0);
  CHECK(t.stage_time_s[0] == 1.0);
  CHECK(t.stage_time_s[1] == 3.0);
  // 11 spacings make two batches: too few to call steady.
  CHECK_FALSE(t.steady);
}

TEST_CASE("a pipeline too short for every stage to be busy measures all its completions and says so") {
  // Two inferences through two 1 s stages: B starts inference 0 at 1, when A
  // is on inference 1, its last; A ends at 2 before inference 1 started
  // after 1 could complete.
  std::vector<std::vector<stage_run>> runs{{{0, 1}, {1, 2}}, {{1, 2}, {2, 3}}};
  const pipeline_timing t = measure_pipeline(runs, {true, true}, 0.0);
  CHECK_FALSE(t.window);
  CHECK_FALSE(t.steady);
  CHECK(t.fill_s == 2.0);
  CHECK(t.period_s == 1.0);  // (3 - 2) / 1
}

TEST_CASE("a stage with no work does not decide when the stages compete") {
  // A flatten between two stages: its zero-length runs at the ends of A's
  // would otherwise end the busy window at A's last end.
  std::vector<std::vector<stage_run>> runs(3);
  for (int i = 0; i < 30; ++i) {
    const double a = i;
    runs[0].push_back({a, a + 1});
    runs[1].push_back({a + 1, a + 1});
    runs[2].push_back({a + 1, a + 2});
  }
  const pipeline_timing with = measure_pipeline(runs, {true, false, true}, 0.0);
  CHECK(with.window_start == 1);
  CHECK(with.period_s == 1.0);
  CHECK(with.fill_s == 2.0);
}

TEST_CASE("the bottleneck is a saturated resource, else the slowest stage") {
  busy_share bottleneck;
  std::string reason;
  // The bus takes 0.97 of a 1 s period: the stages (one at 1.0) wait for it.
  auto ranked = rank_busy({{"bus", "bus", "conv1", 0.97, 0}, {"dram", "dram", "conv2", 0.5, 0}},
                          {{"conv1", "stage", "conv1", 1.0, 0}, {"conv2", "stage", "conv2", 0.6, 0}}, 1.0,
                          bottleneck, reason);
  CHECK(bottleneck.name == "bus");
  CHECK(bottleneck.utilization == doctest::Approx(0.97).scale(0));
  CHECK(reason.find("saturated") != std::string::npos);
  REQUIRE(ranked.size() == 4);
  CHECK(ranked.front().name == "conv1");  // busiest first, stages and resources together
  CHECK(ranked[1].name == "bus");
  // No resource saturated: the slowest stage sets the pace.
  rank_busy({{"bus", "bus", "conv1", 0.5, 0}}, {{"conv1", "stage", "conv1", 2.0, 0}}, 2.0, bottleneck, reason);
  CHECK(bottleneck.name == "conv1");
  CHECK(bottleneck.kind == "stage");
  CHECK(bottleneck.utilization == 1.0);
  CHECK(reason.find("bus, 25.0 %") != std::string::npos);
}
