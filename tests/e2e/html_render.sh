#!/usr/bin/env bash
# Every kind of report.html (run, functional run, compare, sweep) opened in
# headless Chromium with the network blocked: each chart must render (the
# page sets data-status="ok" on #mottsim-status once every vegaEmbed promise
# has resolved, with each chart's mark count), the browser console must stay
# silent, and no script, style or image may come from a URL.
#
# usage: html_render.sh <mottsim binary> <source dir> <sweep_report_fixture binary>
# Exits 77 (skipped) only when Chromium cannot start at all; `make test`
# installs it (Debian package chromium).
set -uo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 <mottsim binary> <source dir> <sweep_report_fixture binary>" >&2
  exit 1
fi
mottsim=$1
fixture=$3
cd "$2" || exit 1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

browser=""
for candidate in chromium chromium-browser; do
  if command -v "$candidate" >/dev/null 2>&1; then browser=$(command -v "$candidate"); break; fi
done

# Headless, no sandbox (CI runs as root), no GPU, and no network: every host
# name fails to resolve and any proxied request goes to a closed local port.
chrome() {
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run --no-default-browser-check \
    --user-data-dir="$work/profile" --host-resolver-rules="MAP * ~NOTFOUND" \
    --proxy-server="http://127.0.0.1:9" --disable-background-networking --disable-component-update \
    --disable-sync --enable-logging=stderr --v=0 "$@"
}

if [[ -z "$browser" ]] || ! chrome --dump-dom about:blank >"$work/probe.out" 2>"$work/probe.err" ||
   ! grep -q "<html" "$work/probe.out"; then
  echo "SKIP: headless Chromium cannot start here (install the Debian package 'chromium', e.g. 'make deps')."
  [[ -s "$work/probe.err" ]] && tail -5 "$work/probe.err"
  exit 77
fi

passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

make_report() {  # make_report NAME COMMAND...: runs the command, expects NAME's report.html
  local name=$1
  shift
  if ! "$@" >"$work/$name.log" 2>&1; then
    fail "$name: the command failed: $*"
    cat "$work/$name.log"
    return 1
  fi
}

make_report run "$mottsim" run configs/arch/adc_cim.yaml configs/workloads/vgg8_cifar10.yaml -o "$work/run"
make_report functional "$mottsim" run configs/arch/mott_cim.yaml configs/workloads/edge_detect.yaml \
  --mode functional -o "$work/functional"
make_report baseline "$mottsim" run configs/arch/cpu_baseline.yaml configs/workloads/lenet5_mnist.yaml \
  -o "$work/baseline"
make_report compare "$mottsim" compare configs/arch/cpu_baseline.yaml configs/arch/mott_cim.yaml \
  --workload configs/workloads/edge_detect.yaml -o "$work/compare"
mkdir -p "$work/sweep"
make_report sweep "$fixture" "$work/sweep/report.html"

check_page() {  # check_page NAME: renders $work/NAME/report.html and checks it
  local name=$1
  local page="$work/$name/report.html"
  if [[ ! -s "$page" ]]; then
    fail "$name: no report.html"
    return
  fi

  # Nothing that would load from the network: no src/href to http(s) or
  # protocol-relative URLs, and no external script at all.
  if grep -Eiq "<(script|link|img|iframe|source|embed)[^>]*(src|href)=[\"']?(https?:)?//" "$page"; then
    fail "$name: references a URL to load:"
    grep -Eio "<(script|link|img|iframe|source|embed)[^>]*(src|href)=[\"']?(https?:)?//[^\"' >]*" "$page" | head -5
  else
    pass
  fi
  if grep -Eiq "<script[^>]*\bsrc=" "$page"; then fail "$name: has a <script src=...>"; else pass; fi

  local expected
  expected=$(grep -o '<div class="chart" id="chart[0-9]*">' "$page" | wc -l)
  if [[ $expected -lt 1 ]]; then fail "$name: the page has no chart"; else pass; fi

  chrome --virtual-time-budget=20000 --dump-dom "file://$page" >"$work/$name.dom" 2>"$work/$name.console"
  local status_div
  status_div=$(grep -o '<div id="mottsim-status"[^>]*>' "$work/$name.dom")
  local status charts marks
  status=$(sed -n 's/.*data-status="\([^"]*\)".*/\1/p' <<<"$status_div")
  charts=$(sed -n 's/.*data-charts="\([^"]*\)".*/\1/p' <<<"$status_div")
  marks=$(sed -n 's/.*data-marks="\([^"]*\)".*/\1/p' <<<"$status_div")
  if [[ "$status" == "ok" ]]; then pass; else fail "$name: charts did not render (status '${status:-missing}')"; fi
  if [[ "$charts" == "$expected" ]]; then pass; else fail "$name: $charts of $expected charts reported"; fi
  local m empty=0
  IFS=',' read -r -a counts <<<"$marks"
  for m in "${counts[@]}"; do [[ "$m" =~ ^[1-9][0-9]*$ ]] || empty=1; done
  if [[ ${#counts[@]} -eq $expected && $empty -eq 0 ]]; then pass; else fail "$name: a chart has no marks ($marks)"; fi

  # Chromium logs every console message (log, warning, error, uncaught
  # exception, failed load) as a CONSOLE line: the page must print none.
  if grep -q ":CONSOLE" "$work/$name.console"; then
    fail "$name: the browser console was not silent:"
    grep ":CONSOLE" "$work/$name.console" | head -10
  else
    pass
  fi
  echo "$name: status=$status charts=$charts marks=$marks ($(wc -c <"$page") bytes)"
}

for name in run functional baseline compare sweep; do check_page "$name"; done

# The functional page carries output quality in its headline; the sweep page
# lists its Pareto points and escapes text from the document.
grep -q "PSNR" "$work/functional/report.html" && pass || fail "functional: no PSNR in the headline"
grep -q "<td>p0" "$work/sweep/report.html" && pass || fail "sweep: no Pareto point in its table"
grep -q "adc bits &lt;/script&gt; rows" "$work/sweep/report.html" && pass || fail "sweep: name not escaped"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
