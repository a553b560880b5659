#!/bin/bash
# Guest side of `scripts/vm-test.sh` (default suite): run Deno tests on kernel netmap (or on
# uvale when the host set VM_BACKEND=uvale; the init exports it as NMSCRIPT_BACKEND).
# Usage (in the guest, from the repository root): guest-deno.sh [--check] TEST_FILE...
# Prints Deno's report, then hands the JUnit file to the host as base64 between markers.
set -u
check=--no-check
if [ "${1:-}" = --check ]; then
  check=
  shift
fi
echo "== deno test on backend ${NMSCRIPT_BACKEND:-kernel} (kernel $(uname -r)): $*"
# Through a pipe, so that Deno writes a plain report rather than redrawing lines on the console.
# shellcheck disable=SC2086
deno test -P=test $check --junit-path=/tmp/junit.xml "$@" 2>&1 | cat
rc=${PIPESTATUS[0]}
if [ -s /tmp/junit.xml ]; then
  echo "NMS-VM-FILE-BEGIN junit.xml"
  gzip -c /tmp/junit.xml | base64
  echo "NMS-VM-FILE-END junit.xml"
fi
exit "$rc"
