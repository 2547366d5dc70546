#!/usr/bin/env bash
# Every tests/bad_configs/<category>/*.yaml is a mistake a user could make. Its
# leading comment lines say which errors `mottsim validate` must print:
#
#   # expect: LINE:COL: text              an error at FILE:LINE:COL
#   # expect: PATH:LINE:COL: text         an error in another file; PATH is
#                                         relative to the case's folder
#
# `text` is a substring of the message; "..." in it matches anything. A case
# passes when validate exits with status 2, each expectation matches its own
# "LOCATION: error: " line, and there are exactly as many error lines as
# expectations. Subfolders of a category hold helper files, not cases.
#
# usage: bad_configs.sh <mottsim binary> <source dir>
set -uo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 <mottsim binary> <source dir>" >&2
  exit 1
fi
mottsim=$1
cd "$2" || exit 1

passed=0
failed=0

# matches TEXT PATTERN: PATTERN's "..."-separated pieces occur in TEXT in order.
matches() {
  local rest=$1 pattern=$2 piece
  while true; do
    if [[ $pattern == *"..."* ]]; then
      piece=${pattern%%...*}
      pattern=${pattern#*...}
    else
      piece=$pattern
      pattern=
    fi
    if [[ -n $piece ]]; then
      [[ $rest == *"$piece"* ]] || return 1
      rest=${rest#*"$piece"}
    fi
    [[ -z $pattern ]] && return 0
  done
}

# One FAIL per case, with every reason it failed.
report() {
  local file=$1 output=$2
  if [[ ${#problems[@]} -eq 0 ]]; then
    passed=$((passed + 1))
    return
  fi
  failed=$((failed + 1))
  echo "FAIL $file"
  printf '  %s\n' "${problems[@]}"
  if [[ -n $output ]]; then
    echo "  output of 'mottsim validate $file':"
    printf '%s\n' "$output" | sed 's/^/    /'
  fi
}

shopt -s nullglob
cases=(tests/bad_configs/*/*.yaml)
if [[ ${#cases[@]} -eq 0 ]]; then
  echo "FAIL: no cases found in tests/bad_configs/*/"
  exit 1
fi

for file in "${cases[@]}"; do
  dir=$(dirname "$file")
  problems=()

  # Expectations come from the leading comment block only.
  expectations=()
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line%$'\r'}
    [[ $line =~ ^[[:space:]]*$ ]] && continue
    [[ $line == \#* ]] || break
    if [[ $line =~ ^#[[:space:]]*expect:[[:space:]]*(.*[^[:space:]])[[:space:]]*$ ]]; then
      expectations+=("${BASH_REMATCH[1]}")
    fi
  done <"$file"
  if [[ ${#expectations[@]} -eq 0 ]]; then
    problems+=("no '# expect: LINE:COL: text' line at the top of the file")
    report "$file" ""
    continue
  fi

  output=$(timeout 10 "$mottsim" validate "$file" 2>&1)
  status=$?
  if [[ $status -ne 2 ]]; then
    case $status in
      0) why="validate accepted the file" ;;
      124) why="validate did not finish within 10 s" ;;
      1) why="internal error" ;;
      *) if ((status > 128)); then why="crashed with signal $((status - 128))"; else why="unexpected status"; fi ;;
    esac
    problems+=("exit status $status, expected 2 ($why)")
    report "$file" "$output"
    continue
  fi

  errors=()
  while IFS= read -r line; do
    [[ $line == *": error: "* ]] && errors+=("$line")
  done <<<"$output"
  used=()
  for ((i = 0; i < ${#errors[@]}; ++i)); do used[i]=0; done

  for expectation in "${expectations[@]}"; do
    if [[ $expectation =~ ^([0-9]+:[0-9]+):[[:space:]]*(.*)$ ]]; then
      where="$file:${BASH_REMATCH[1]}"
      text=${BASH_REMATCH[2]}
    elif [[ $expectation =~ ^([^[:space:]]+:[0-9]+:[0-9]+):[[:space:]]*(.*)$ ]]; then
      where="$dir/${BASH_REMATCH[1]}"
      text=${BASH_REMATCH[2]}
    else
      problems+=("malformed expectation '$expectation' (want 'LINE:COL: text' or 'PATH:LINE:COL: text')")
      continue
    fi
    found=0
    for ((i = 0; i < ${#errors[@]}; ++i)); do
      [[ ${used[i]} -eq 0 ]] || continue
      line=${errors[i]}
      prefix="$where: error: "
      [[ $line == "$prefix"* ]] || continue
      if matches "${line#"$prefix"}" "$text"; then
        used[i]=1
        found=1
        break
      fi
    done
    if [[ $found -eq 0 ]]; then
      problems+=("no error line '$where: error: ...$text...'")
    fi
  done
  if [[ ${#errors[@]} -ne ${#expectations[@]} ]]; then
    problems+=("${#errors[@]} error lines, expected ${#expectations[@]}")
  fi
  report "$file" "$output"
done

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
