// Output directories: which names may become path components, and that
// mottsim removes only what it wrote itself.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "dsl/config_hash.hpp"
#include "dsl/diagnostics.hpp"
#include "dsl/path_component.hpp"
#include "dsl/yaml_tree.hpp"
#include "platform/data/image_io.hpp"
#include "platform/data/mnist_dataset.hpp"
#include "platform/data/output_dir.hpp"
#include "platform/data/overwrite_guard.hpp"
#include "platform/data/weights_file.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using mottsim::dsl::path_component_problem;
using mottsim::test_support::scratch_dir;
namespace platform = mottsim::platform;

TEST_CASE("path components: plain names pass, anything that can leave a directory is refused") {
  for (const char* ok : {"mott_cim", "adc-cim.v2", "A_1", "..a", "a.."}) CHECK(path_component_problem(ok).empty());
  for (const char* bad : {"", ".", "..", "/", "/tmp", "a/b", "../x", "a b", "x\\y", "a\nb", "caf\xc3\xa9"})
    CHECK_FALSE(path_component_problem(bad).empty());
  CHECK(path_component_problem(std::string(200, 'a')).empty());
  CHECK_FALSE(path_component_problem(std::string(201, 'a')).empty());
}

TEST_CASE("output dir: a run's directory is removed only while it holds nothing but what its manifest lists") {
  scratch_dir s;
  const std::string run = s.path("run");
  platform::write_output_file(run, "report.json", "{}");
  platform::write_output_file(run, "summary.md", "#");
  platform::record_output_files(run, {"report.json"});
  platform::record_output_files(run, {"summary.md"});  // adds to the list

  SUBCASE("its own files only: removed") {
    platform::remove_output_dir(run);
    CHECK_FALSE(fs::exists(run));
  }
  SUBCASE("a file the user added: nothing is removed") {
    s.write("run/notes.txt", "mine");
    CHECK_THROWS_AS(platform::remove_output_dir(run), mottsim::dsl::input_error);
    CHECK(fs::exists(s.path("run/notes.txt")));
    CHECK(fs::exists(s.path("run/report.json")));
  }
  SUBCASE("a subdirectory: nothing is removed") {
    s.write("run/sub/x", "mine");
    CHECK_THROWS_AS(platform::remove_output_dir(run), mottsim::dsl::input_error);
    CHECK(fs::exists(s.path("run/sub/x")));
  }
  SUBCASE("a listed name that is a link: the link and its target stay") {
    fs::remove(s.path("run/summary.md"));
    s.write("target/summary.md", "precious");
    fs::create_symlink(s.path("target/summary.md"), s.path("run/summary.md"));
    CHECK_THROWS_AS(platform::remove_output_dir(run), mottsim::dsl::input_error);
    CHECK(fs::exists(s.path("target/summary.md")));
  }
  SUBCASE("a manifest naming a path outside is not followed") {
    s.write("outside.txt", "precious");
    platform::record_output_files(run, {"../outside.txt"});
    platform::remove_output_dir(run);
    CHECK(fs::exists(s.path("outside.txt")));
    CHECK_FALSE(fs::exists(run));
  }
}

namespace {

std::string file_text(const std::string& path) { return mottsim::dsl::read_file_text(path); }

}  // namespace

TEST_CASE("output dir: a run's set of files replaces the earlier run's, and only what that run wrote") {
  scratch_dir s;
  const std::string run = s.path("run");
  const auto first = platform::write_output_set(run, {{"report.json", "1"}, {"report.html", "1"}, {"edges_0.png", "1"}});
  CHECK(first.empty());
  CHECK(file_text(s.path("run/.mottsim-output")) == "edges_0.png\nreport.html\nreport.json\n");
  s.write("run/notes.txt", "mine");  // the user's: never listed, never removed

  SUBCASE("what the later run does not write goes; its own files and the user's stay") {
    CHECK(platform::superseded_output_files(run, {"report.json", "summary.md"}) ==
          std::vector<fs::path>{fs::path(run) / "edges_0.png", fs::path(run) / "report.html"});
    const auto removed = platform::write_output_set(run, {{"report.json", "2"}, {"summary.md", "2"}});
    CHECK(removed.size() == 2);
    CHECK_FALSE(fs::exists(s.path("run/report.html")));
    CHECK_FALSE(fs::exists(s.path("run/edges_0.png")));
    CHECK(file_text(s.path("run/report.json")) == "2");
    CHECK(file_text(s.path("run/notes.txt")) == "mine");
    CHECK(file_text(s.path("run/.mottsim-output")) == "report.json\nsummary.md\n");
  }
  SUBCASE("a listed name that is now a link or a directory stays, and so does what a link points to") {
    fs::remove(s.path("run/report.html"));
    fs::create_symlink(s.path("run/notes.txt"), s.path("run/report.html"));
    fs::remove(s.path("run/edges_0.png"));
    s.write("run/edges_0.png/inner", "mine");
    CHECK(platform::superseded_output_files(run, {"report.json"}).empty());
    CHECK(platform::write_output_set(run, {{"report.json", "2"}}).empty());
    CHECK(fs::is_symlink(s.path("run/report.html")));
    CHECK(file_text(s.path("run/notes.txt")) == "mine");
    CHECK(fs::exists(s.path("run/edges_0.png/inner")));
  }
  SUBCASE("a manifest line that is a path, not a name of the directory, is never followed") {
    const std::string outside = s.write("outside.txt", "precious");
    s.write("run/.mottsim-output", "../outside.txt\n" + outside + "\n.\n..\n.mottsim-output\nreport.json\n");
    CHECK(platform::superseded_output_files(run, {}) == std::vector<fs::path>{fs::path(run) / "report.json"});
    platform::write_output_set(run, {{"summary.md", "2"}});
    CHECK(file_text(outside) == "precious");
    CHECK(fs::exists(s.path("run/.mottsim-output")));
    CHECK(file_text(s.path("run/.mottsim-output")) == "summary.md\n");
  }
  SUBCASE("without a manifest nothing is removed") {
    fs::remove(s.path("run/.mottsim-output"));
    CHECK(platform::write_output_set(run, {{"summary.md", "2"}}).empty());
    CHECK(fs::exists(s.path("run/report.html")));
  }
  SUBCASE("a file of the user's with an output's name stops the set before anything is written") {
    s.write("run/summary.md", "mine");
    CHECK_THROWS_AS(platform::check_output_set_replaceable(run, {"report.json", "summary.md"}),
                    mottsim::dsl::input_error);
    CHECK_THROWS_AS(platform::write_output_set(run, {{"report.json", "2"}, {"summary.md", "2"}}),
                    mottsim::dsl::input_error);
    CHECK(file_text(s.path("run/summary.md")) == "mine");
    CHECK(file_text(s.path("run/report.json")) == "1");
    CHECK(file_text(s.path("run/.mottsim-output")) == "edges_0.png\nreport.html\nreport.json\n");
    // So it is through a link to the directory (writing would follow it).
    const std::string link = s.path("link");
    fs::create_directory_symlink(run, link);
    CHECK_THROWS_AS(platform::write_output_set(link, {{"report.json", "2"}, {"summary.md", "2"}}),
                    mottsim::dsl::input_error);
    CHECK(file_text(s.path("run/summary.md")) == "mine");
    // So is one in a directory without a manifest (written before mottsim kept one, or by hand).
    fs::remove(s.path("run/.mottsim-output"));
    CHECK_THROWS_AS(platform::write_output_set(run, {{"report.json", "2"}}), mottsim::dsl::input_error);
    CHECK(file_text(s.path("run/report.json")) == "1");
  }
}

TEST_CASE("output dir: a comparison's run directories are replaced as a whole, and only while all theirs") {
  scratch_dir s;
  const std::string dir = s.path("cmp");
  platform::write_output_set(dir + "/a", {{"report.json", "a"}});
  platform::write_output_set(dir + "/b", {{"report.json", "b"}});
  platform::write_output_set(dir, {{"compare.md", "1"}}, {"a", "b"});
  CHECK(file_text(dir + "/.mottsim-output") == "a/\nb/\ncompare.md\n");

  SUBCASE("a later set without b removes b") {
    CHECK(platform::superseded_output_files(dir, {"compare.md", "a/"}) == std::vector<fs::path>{fs::path(dir) / "b"});
    CHECK(platform::write_output_set(dir, {{"compare.md", "2"}}, {"a"}).size() == 1);
    CHECK_FALSE(fs::exists(dir + "/b"));
    CHECK(fs::exists(dir + "/a/report.json"));
  }
  SUBCASE("b holding a user's file: nothing is written or removed") {
    s.write("cmp/b/notes.txt", "mine");
    CHECK_THROWS_AS(platform::check_output_set_replaceable(dir, {"compare.md"}), mottsim::dsl::input_error);
    CHECK_THROWS_AS(platform::write_output_set(dir, {{"compare.md", "2"}}), mottsim::dsl::input_error);
    CHECK(file_text(dir + "/compare.md") == "1");
    CHECK(fs::exists(dir + "/a/report.json"));
    CHECK(file_text(dir + "/b/notes.txt") == "mine");
  }
  SUBCASE("a listed directory that is now a link or a file stays") {
    fs::remove_all(dir + "/b");
    fs::create_directory_symlink(dir + "/a", dir + "/b");
    CHECK(platform::superseded_output_files(dir, {"compare.md", "a/"}).empty());
    fs::remove(dir + "/b");
    s.write("cmp/b", "mine");
    CHECK(platform::superseded_output_files(dir, {"compare.md", "a/"}).empty());
  }
  SUBCASE("an input inside a directory to be removed is refused") {
    try {
      platform::refuse_overwriting_inputs("-o", {}, {dir + "/b/report.json"}, {fs::path(dir) / "b"});
      FAIL("accepted");
    } catch (const mottsim::dsl::input_error& e) {
      CHECK(e.errors().to_string().find("(in its 'b')") != std::string::npos);
    }
  }
}

TEST_CASE("overwrite guard: an earlier run's file that this run would remove and also reads is refused") {
  scratch_dir s;
  const std::string map = s.write("out/edges_0.png", "png");
  const auto message = [&](const std::vector<fs::path>& removed, const std::string& input) {
    try {
      platform::refuse_overwriting_inputs("-o", {s.path("out/report.json")}, {input}, removed);
    } catch (const mottsim::dsl::input_error& e) {
      return e.errors().to_string();
    }
    return std::string();
  };
  CHECK(message({map}, map) == "-o: error: the input '" + map + "' is an earlier run's output in this directory, "
                               "which this run would remove as it replaces that run's files: move it out, or "
                               "choose another directory\n");
  CHECK_FALSE(message({s.path("out/../out/edges_0.png")}, map).empty());
  CHECK(message({map}, s.path("other.png")).empty());
  CHECK(message({}, map).empty());
}

TEST_CASE("output dir: a directory without a manifest, a file or a link in the way is never removed") {
  scratch_dir s;
  s.write("user/report.json", "mine");
  CHECK_THROWS_AS(platform::remove_output_dir(s.path("user")), mottsim::dsl::input_error);
  CHECK(fs::exists(s.path("user/report.json")));
  s.write("file", "mine");
  CHECK_THROWS_AS(platform::remove_output_dir(s.path("file")), mottsim::dsl::input_error);
  CHECK(fs::exists(s.path("file")));
  fs::create_directory_symlink(s.path("user"), s.path("link"));
  CHECK_THROWS_AS(platform::remove_output_dir(s.path("link")), mottsim::dsl::input_error);
  CHECK(fs::exists(s.path("user/report.json")));
  platform::remove_output_dir(s.path("absent"));  // nothing to do
}

TEST_CASE("output dir: staging never adopts an existing directory and removes only marked ones") {
  scratch_dir s;
  // A directory of the user's that happens to carry the name mottsim picks first.
  const fs::path squatter = fs::path(s.path(".compare-" + std::to_string(::getpid())));
  s.write(squatter.filename().string() + "/precious.txt", "mine");
  const fs::path stage = platform::make_staging_dir(s.path(""), "compare");
  CHECK(stage != squatter);
  CHECK(fs::is_directory(stage));
  platform::remove_staging_dir(squatter);  // unmarked: untouched
  CHECK(fs::exists(squatter / "precious.txt"));
  std::ofstream(stage / "x") << "run output";
  platform::remove_staging_dir(stage);
  CHECK_FALSE(fs::exists(stage));
}

namespace {

// The id of a process that has exited (and been reaped), so exists no more.
pid_t dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  return child;
}

std::string host_name() {
  char name[256] = {};
  ::gethostname(name, sizeof name - 1);
  return name;
}

}  // namespace

TEST_CASE("output dir: staging left by a process that is gone is removed; a live or unmarked one is not") {
  scratch_dir s;
  const std::string dead = std::to_string(dead_pid());
  const std::string alive = std::to_string(::getppid());
  const auto staged = [&](const std::string& name, const std::string& mark) {
    s.write(name + "/run/report.json", "{}");
    if (!mark.empty()) s.write(name + "/.mottsim-staging", mark);
    return fs::path(s.path(name));
  };
  const fs::path stale = staged(".compare-" + dead, dead + "\n" + host_name() + "\n");
  const fs::path stale_older = staged(".compare-" + dead + "-2", dead + "\n");  // a mark without the machine
  const fs::path live = staged(".compare-" + alive, alive + "\n" + host_name() + "\n");
  const fs::path unmarked = staged(".compare-" + dead + "-3", "");
  const fs::path other_host = staged(".compare-" + dead + "-4", dead + "\nnot-" + host_name() + "\n");
  const fs::path other_pid = staged(".compare-" + dead + "-5", alive + "\n" + host_name() + "\n");
  const fs::path other_name = staged(".sweep-" + dead, dead + "\n" + host_name() + "\n");
  const fs::path users = staged(".compare-notes", dead + "\n");
  platform::remove_stale_staging_dirs(s.path(""), "compare");
  CHECK_FALSE(fs::exists(stale));
  CHECK_FALSE(fs::exists(stale_older));
  for (const auto& kept : {live, unmarked, other_host, other_pid, other_name, users})
    CHECK_MESSAGE(fs::exists(kept / "run/report.json"), kept);
  platform::remove_stale_staging_dirs(s.path("absent"), "compare");  // nothing to do
}

TEST_CASE("overwrite guard: an output that is an input, by any name, or holds one is refused with both named") {
  scratch_dir s;
  const std::string input = s.write("in/net.csv", "x");
  s.write("out/report.json", "{}");
  fs::create_symlink(input, s.path("link.csv"));
  const auto refused = [&](const fs::path& output, const std::string& in) {
    try {
      platform::refuse_overwriting_inputs("-o", {s.path("other.yaml"), output}, {s.path("elsewhere.yaml"), in});
    } catch (const mottsim::dsl::input_error& e) {
      return e.errors().to_string();
    }
    return std::string();
  };
  CHECK(refused(input, input) == "-o: error: the output '" + input + "' would overwrite the input '" + input + "'\n");
  CHECK_FALSE(refused(s.path("in/../in/./net.csv"), input).empty());  // another spelling
  CHECK_FALSE(refused(s.path("link.csv"), input).empty());           // a link to it
  CHECK_FALSE(refused(s.path("in/new.yaml"), s.path("in/new.yaml")).empty());  // neither exists yet
  CHECK(refused(s.path("in"), input).find("would replace the directory holding the input") != std::string::npos);
  CHECK(refused(s.path("in/net.yaml"), input).empty());
  CHECK(refused(s.path("in/net.csv.bak"), input).empty());
  CHECK(refused(s.path("out/report.json"), "").empty());  // no such input
}

TEST_CASE("output dir: the root and system directories are refused, with the flag named") {
  for (const std::string dir : {"/", "/etc", "/etc/", "/usr", "/usr/lib/x", "/usr/local", "/proc/x", "/sys", "/boot/x",
                                 "/bin", "/var", "/home", "/tmp/../etc"}) {
    try {
      platform::ensure_output_dir(dir);
      FAIL("accepted " << dir);
    } catch (const mottsim::dsl::input_error& e) {
      CHECK(e.errors().errors().front().where.file == std::string("-o ") + dir);
    }
  }
}

TEST_CASE("output dir: a link to nothing, as the directory or on the way to it, is named with its target") {
  scratch_dir s;
  fs::create_symlink(s.path("nowhere"), s.path("out"));
  fs::create_symlink(s.path("gone"), s.path("parent"));
  for (const auto& [dir, link] : {std::pair<std::string, std::string>{s.path("out"), s.path("out")},
                                  {s.path("parent/run"), s.path("parent")}}) {
    CAPTURE(dir);
    try {
      platform::ensure_output_dir(dir);
      FAIL("made " << dir);
    } catch (const mottsim::dsl::input_error& e) {
      const std::string text = e.errors().to_string();
      CHECK(text.find("-o " + dir + ": error: cannot create output directory: '" + link + "' is a symbolic link to '") !=
            std::string::npos);
      CHECK(text.find("which does not exist") != std::string::npos);
      CHECK(text.find("File exists") == std::string::npos);
    }
    CHECK_FALSE(fs::exists(s.path("nowhere")));  // the target is not created
  }
  // A loop is not "does not exist": its own reason.
  fs::create_symlink(s.path("loop_b"), s.path("loop_a"));
  fs::create_symlink(s.path("loop_a"), s.path("loop_b"));
  try {
    platform::ensure_output_dir(s.path("loop_a"));
    FAIL("made a loop");
  } catch (const mottsim::dsl::input_error& e) {
    const std::string text = e.errors().to_string();
    CHECK(text.find("is a symbolic link to '" + s.path("loop_b") + "', which cannot be followed: ") != std::string::npos);
    CHECK(text.find("does not exist") == std::string::npos);
  }
  // A link to a directory that exists is written through, as before.
  fs::create_directory(s.path("real"));
  fs::create_directory_symlink(s.path("real"), s.path("to_real"));
  platform::write_output_file(s.path("to_real"), "report.json", "{}");
  CHECK(fs::exists(s.path("real/report.json")));
}

TEST_CASE("output dir: a failed write names the system's reason") {
  scratch_dir s;
  s.write("a_file", "x");
  try {
    platform::write_output_file(s.path("a_file"), "report.json", "{}");  // its "directory" is a file
    FAIL("wrote into a file");
  } catch (const mottsim::dsl::input_error& e) {
    CHECK(e.errors().to_string().find("cannot create output directory: ") != std::string::npos);
  }
  fs::create_directory(s.path("dir"));
  fs::create_directory(s.path("dir/report.json"));  // the target is a directory: rename fails
  try {
    platform::write_output_file(s.path("dir"), "report.json", "{}");
    FAIL("replaced a directory");
  } catch (const mottsim::dsl::input_error& e) {
    CHECK(e.errors().to_string().find("cannot write file: ") != std::string::npos);
    CHECK(e.errors().to_string().find("directory") != std::string::npos);  // "Is a directory"
  }
}

namespace {

// The message of the first error `read` throws (empty when it throws none).
template <typename Read>
std::string error_of(Read read) {
  try {
    read();
  } catch (const mottsim::dsl::input_error& e) {
    return e.errors().errors().front().to_string();
  }
  return "";
}

}  // namespace

TEST_CASE("every file that cannot be read says why, in the system's words, located at the file") {
  scratch_dir s;
  const std::string missing = s.path("missing.json"), folder = s.path("folder");
  fs::create_directories(folder);
  const std::string enoent = std::strerror(ENOENT), eisdir = std::strerror(EISDIR);
  CHECK(error_of([&] { mottsim::dsl::read_file_text(missing); }) ==
        missing + ": error: cannot read file: " + enoent);
  CHECK(error_of([&] { mottsim::dsl::read_file_text(folder, "results journal"); }) ==
        folder + ": error: cannot read results journal: " + eisdir);
  CHECK(error_of([&] { platform::read_weights_file(missing); }) ==
        missing + ": error: cannot open weights file: " + enoent);
  CHECK(error_of([&] { platform::read_weights_file(folder); }) ==
        folder + ": error: cannot open weights file: it is a directory, not a regular file");
  CHECK(error_of([&] { platform::read_image(missing); }) == missing + ": error: cannot open image: " + enoent);
  CHECK(error_of([&] { platform::load_mnist(folder); }).find(": error: cannot open MNIST class file: " + enoent) !=
        std::string::npos);
  mottsim::dsl::diagnostics yaml;
  CHECK(mottsim::dsl::load_yaml_file(s.path("missing.yaml"), yaml) == nullptr);
  REQUIRE(yaml.size() == 1);
  CHECK(yaml.errors()[0].message == "cannot open file: " + enoent);
  // A manifest that exists but cannot be read is an error, not an empty list.
  fs::create_directories(s.path("run/.mottsim-output"));
  CHECK(error_of([&] { platform::check_output_dir_removable(s.path("run")); })
            .find("cannot read output manifest: " + eisdir) != std::string::npos);
}

TEST_CASE("output write failures are told apart from other errors, for a sweep to retry them") {
  scratch_dir s;
  s.write("blocked", "a file where a directory should be");
  const std::string write = error_of([&] { platform::write_output_file(s.path("blocked"), "report.json", "{}"); });
  CHECK(platform::is_output_write_error(write));
  CHECK(write.find(std::strerror(ENOTDIR)) != std::string::npos);
  fs::create_directories(s.path("dir/report.json/inner"));
  const std::string onto_dir = error_of([&] { platform::write_output_file(s.path("dir"), "report.json", "{}"); });
  CHECK(platform::is_output_write_error(onto_dir));
  CHECK_FALSE(platform::is_output_write_error("w.yaml:3:5: error: layer 'fc': has more than 2^50 weights"));
  CHECK_FALSE(platform::is_output_write_error(""));
}
