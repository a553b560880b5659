#!/usr/bin/env bash
# `make test`: every C test (plain and ASan+UBSan), the C twin's checks, the TypeScript checks,
# every Deno test.
# Runs all stages even when one fails, then prints one closing line a machine can read:
#   "make test: N passed, N failed, N skipped"
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
DENO=./node_modules/.bin/deno
BUILD=${BUILD:-build}
passed=0 failed=0 skipped=0
failures=()

# One private uvale daemon directory for the whole run: a daemon left by an older build at the
# default path cannot answer for this one, and nothing of ours outlives the run.
NMSCRIPT_UVALE_DIR=$(mktemp -d /tmp/nmscript-test-XXXXXX)
export NMSCRIPT_UVALE_DIR
stop_uvale() {
  "$DENO" eval -q 'import { uvaleStop } from "./mod.ts"; try { uvaleStop(); } catch { /* none */ }' \
    >/dev/null 2>&1 || true
  rm -rf "$NMSCRIPT_UVALE_DIR"
}
trap stop_uvale EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

stage() { # name, command...
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$name"); fi
}

echo "== C tests"
for t in $(make -s --no-print-directory print-c-tests); do
  echo "-- $t"
  stage "$t" timeout 300 "$t"
done

echo "== the benchmark's C twin (build/pkt-gen-c, plain and ASan+UBSan)"
stage "make pkt-gen-c-check" timeout 300 make -s --no-print-directory pkt-gen-c-check

echo "== deno fmt / lint / check"
stage "deno fmt --check" "$DENO" fmt --check
stage "deno lint" "$DENO" lint
stage "deno check" "$DENO" check mod.ts src/ scripts/ tests/
stage "deno check --doc-only (JSDoc examples)" "$DENO" check --doc-only mod.ts src/

echo "== Deno tests"
mkdir -p "$BUILD"
junit="$BUILD/junit.xml"
rm -f "$junit"
NO_COLOR=1 timeout 1200 "$DENO" test -P=test --parallel --junit-path="$junit" tests/ || true
if [ -s "$junit" ]; then
  read -r dt df ds < <("$DENO" run --allow-read=. scripts/junit-counts.ts "$junit")
  passed=$((passed + dt)); failed=$((failed + df)); skipped=$((skipped + ds))
  [ "$df" -gt 0 ] && failures+=("$df Deno test(s): see $junit")
else
  failed=$((failed + 1)); failures+=("deno test produced no report")
fi

if [ ${#failures[@]} -gt 0 ]; then
  echo "Failed:"; printf '  %s\n' "${failures[@]}"
fi
echo "make test: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
