# Run at every build (cmake -P): writes OUT, a header naming the source
# revision as `git describe` gives it, and rewrites it only when the revision
# changed, so a build recompiles one file when it moves. Outside a git
# checkout the revision is "unknown".
execute_process(COMMAND git -C "${SOURCE_DIR}" describe --always --dirty --abbrev=12
                OUTPUT_VARIABLE revision OUTPUT_STRIP_TRAILING_WHITESPACE
                RESULT_VARIABLE status ERROR_QUIET)
if(NOT status EQUAL 0 OR revision STREQUAL "")
  set(revision "unknown")
endif()
# Uncommitted edits: "-dirty" alone would name every edited state alike, so
# the edits' own fingerprint follows it (tracked files; a new untracked file
# is not seen until it is added).
if(revision MATCHES "-dirty$")
  # Plain text whatever the user's git configuration (external diff tools,
  # colour), binary edits included.
  execute_process(COMMAND git -C "${SOURCE_DIR}" diff --no-ext-diff --no-color --binary HEAD
                  OUTPUT_VARIABLE edits ERROR_QUIET)
  string(SHA1 edits_hash "${edits}")
  string(SUBSTRING "${edits_hash}" 0 8 edits_hash)
  set(revision "${revision}-${edits_hash}")
endif()
set(text "#pragma once\n// Generated at build time by cmake/source_revision.cmake.\nnamespace mottsim {\ninline constexpr const char* source_revision = \"${revision}\";\n}  // namespace mottsim\n")
set(old "")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUT}" "${text}")
endif()
