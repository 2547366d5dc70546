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
set(text "#pragma once\n// Generated at build time by cmake/source_revision.cmake.\nnamespace mottsim {\ninline constexpr const char* source_revision = \"${revision}\";\n}  // namespace mottsim\n")
set(old "")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUT}" "${text}")
endif()
