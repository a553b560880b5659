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
# Two `deno test` runs: netmap's suite (tests/netmap/) after everything else, because its #882
# tests leave persistent ports netmap cannot remove (on switch vale882), which the VLAN tests'
# "nothing left" checks and their switch-budget test would see (`deno test` sorts its files,
# so the order has to come from here). Through a pipe, so that Deno writes a plain report.
first=() last=()
for f in "$@"; do
  case $f in tests/netmap/*) last+=("$f") ;; *) first+=("$f") ;; esac
done
rc=0
run_phase() { # JUNIT_FILE TEST_FILE...
  local junit=$1 r
  shift
  [ $# -gt 0 ] || return 0
  # shellcheck disable=SC2086 # $check is empty or one word
  deno test -P=test $check --junit-path="$junit" "$@" 2>&1 | cat
  r=${PIPESTATUS[0]}
  [ "$r" = 0 ] || rc=$r
}
rm -f /tmp/junit.xml /tmp/junit-1.xml /tmp/junit-2.xml
run_phase /tmp/junit-1.xml "${first[@]}"
run_phase /tmp/junit-2.xml "${last[@]}"
# one JUnit file for the host: the second run's <testsuite> elements inside the first's <testsuites>
if [ -s /tmp/junit-1.xml ] && [ -s /tmp/junit-2.xml ]; then
  {
    sed '/<\/testsuites>/d' /tmp/junit-1.xml
    sed -n '/<testsuite[ >]/,/<\/testsuite>/p' /tmp/junit-2.xml
    echo '</testsuites>'
  } >/tmp/junit.xml
elif [ -s /tmp/junit-1.xml ]; then
  cp /tmp/junit-1.xml /tmp/junit.xml
elif [ -s /tmp/junit-2.xml ]; then
  cp /tmp/junit-2.xml /tmp/junit.xml
fi
if [ -s /tmp/junit.xml ]; then
  echo "NMS-VM-FILE-BEGIN junit.xml"
  gzip -c /tmp/junit.xml | base64
  echo "NMS-VM-FILE-END junit.xml"
fi
exit "$rc"
