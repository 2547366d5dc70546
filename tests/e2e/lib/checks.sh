# Shared by the end-to-end scripts (sourced, not a test of its own): run mottsim,
# then check its exit status and output. Callers set $mottsim, and may set
# $run_timeout (seconds, default 10) so an unbounded run fails rather than hangs.
passed=0
failed=0
out=""
status=0

# e2e_arguments "$@": every script's two arguments, the mottsim binary and the
# source directory. Sets $mottsim (absolute) and $src, and works from $src.
e2e_arguments() {
  if [[ $# -ne 2 ]]; then
    echo "usage: $0 <mottsim binary> <source dir>" >&2
    exit 1
  fi
  mottsim=$(realpath "$1")
  cd "$2" || exit 1
  src=$PWD
}

# run ARGS...: runs mottsim, keeping stdout+stderr in $out and the status in $status.
run() {
  out=$(timeout "${run_timeout:-10}" "$mottsim" "$@" 2>&1)
  status=$?
}

# verdict NAME [PROBLEM...]: passes when there is no problem.
verdict() {
  local name=$1
  shift
  if [[ $# -eq 0 ]]; then
    passed=$((passed + 1))
    return
  fi
  failed=$((failed + 1))
  echo "FAIL $name"
  printf '  %s\n' "$@"
  echo "  output:"
  printf '%s\n' "$out" | head -40 | sed 's/^/    /'
}

# output_problems EXPECTED_STATUS [REGEX...]: prints one line per way the last
# run differs from exiting with EXPECTED_STATUS and matching every extended REGEX.
output_problems() {
  local want=$1
  shift
  [[ $status -eq $want ]] || echo "exit status $status, expected $want"
  local re
  for re in "$@"; do
    grep -Eq -- "$re" <<<"$out" || echo "output does not match /$re/"
  done
}

# check NAME EXPECTED_STATUS [REGEX...]
check() {
  local name=$1
  shift
  local problems=()
  mapfile -t problems < <(output_problems "$@")
  verdict "$name" "${problems[@]}"
}

# finish: the closing line, and the script's status.
finish() {
  echo "$passed passed, $failed failed"
  [[ $failed -eq 0 ]]
}
