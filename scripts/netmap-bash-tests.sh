#!/usr/bin/env bash
# Runs netmap's own bash tests (utils/tests/NNN_*, which source utils/test_lib) unchanged, with
# nmscript's drop-in launchers (functional, fd_server, vale-ctl, pkt-gen, vale-vlan-ctl and the
# legacy pair functional-legacy, fd_server-legacy) first on PATH. Each test runs the way netmap's randomized_tests runs it, from utils/:
#   functional -c; functional -o; bash tests/NNN_x [ARGS]; functional -c
# On uvale (the default backend when /dev/netmap is missing) the whole run has one private
# daemon directory, stopped and removed at the end; the fd server gets a private socket too.
# Everything started is stopped at the end, also on Ctrl-C or a timeout.
#
# Usage: scripts/netmap-bash-tests.sh [options] NETMAP_SRC [TEST...]
#   NETMAP_SRC        a netmap source tree (the directory holding utils/test_lib)
#   TEST              001, 8, 008_partial_read_pipe_test, ... (default: every utils/tests/*)
#   -a 'ARGS'         arguments for every test, e.g. -a '-n 4 -l 1500 -f x -q'
#   -R                run netmap's utils/randomized_tests -L instead (random length, fill and
#                     count for every test; needs root and bc; stops at the first failure)
#   -b DIR            use the launchers in DIR (default: ./bin if complete, else a private
#                     `make install PREFIX=<tmp>`)
#   -t SECONDS        time limit per test (default 120)
#   -v                print every test's output (default: only a failing test's)
#   -h                this help
# Output: one "TEST: NNN [ OK ]", "TEST: NNN [FAIL]" or "TEST: NNN [SKIP]" line per test, then
# "N passed, N failed, N skipped". Exit status: 0 all passed (or skipped), 1 a test failed,
# 2 bad usage or set-up error.
set -uo pipefail

TOOLS=(vale-ctl pkt-gen functional fd_server vale-vlan-ctl functional-legacy fd_server-legacy)
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
deno="$repo/node_modules/.bin/deno"

usage() { sed -n '10,24s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }
die() { # message [hint]
  echo "netmap-bash-tests: $1" >&2
  [ -n "${2:-}" ] && echo "  hint: $2" >&2
  exit 2
}

args='' bindir='' limit=120 verbose=0 randomized=0
while getopts ':a:b:t:vhR' opt; do
  case $opt in
    a) args=$OPTARG ;;
    b) bindir=$OPTARG ;;
    t) limit=$OPTARG ;;
    v) verbose=1 ;;
    R) randomized=1 ;;
    h) usage; exit 0 ;;
    :) die "option -$OPTARG needs a value" "see --help (-h)" ;;
    *) die "unknown option -$OPTARG" "see -h" ;;
  esac
done
shift $((OPTIND - 1))
[[ $limit =~ ^[1-9][0-9]*$ ]] || die "-t wants whole seconds > 0, not '$limit'"
[ $# -ge 1 ] || { usage >&2; die "missing NETMAP_SRC" "e.g. $0 ~/src/netmap"; }
src=$1
shift
utils=$src/utils
[ -f "$src/test_lib" ] && [ -d "$src/tests" ] && utils=$src # the utils directory itself
if [ ! -f "$utils/test_lib" ] || [ ! -d "$utils/tests" ]; then
  die "'$src' is not a netmap source tree: no utils/test_lib and utils/tests/" \
    "get one with: git clone https://github.com/luigirizzo/netmap"
fi
utils=$(cd "$utils" && pwd -P)

# ---- which tests ------------------------------------------------------------------------------
tests=()
if [ $# -eq 0 ]; then
  for f in "$utils"/tests/[0-9]*; do [ -f "$f" ] && tests+=("${f##*/}"); done
else
  for want in "$@"; do
    match=()
    if [[ $want =~ ^[0-9]+$ ]]; then
      num=$(printf '%03d' "$((10#$want))")
      for f in "$utils/tests/${num}"_*; do [ -f "$f" ] && match+=("${f##*/}"); done
    elif [ -f "$utils/tests/${want##*/}" ]; then
      match=("${want##*/}")
    fi
    [ ${#match[@]} -eq 1 ] || die "no single test in $utils/tests matches '$want'" \
      "give its number (8) or its file name (008_partial_read_pipe_test)"
    tests+=("${match[0]}")
  done
fi
[ ${#tests[@]} -gt 0 ] || die "no tests in $utils/tests"

# ---- private state and cleanup ----------------------------------------------------------------
tmp=$(mktemp -d /tmp/nms-netmap-bash.XXXXXX) || die "cannot create a temporary directory"
export NMSCRIPT_UVALE_DIR=$tmp/uvale
export NMSCRIPT_FD_SERVER_SOCKET=$tmp/fd-server.sock
mkdir -p "$NMSCRIPT_UVALE_DIR"
running='' # pid of the `timeout` process running the current test

stop_all() {
  trap - EXIT INT TERM HUP
  if [ -n "$running" ]; then
    kill -TERM "$running" 2>/dev/null # timeout(1) passes it on to the test's process group
    wait "$running" 2>/dev/null
    running=''
  fi
  # A test killed while starting the fd server or uvaled leaves it binding a moment later: repeat
  # until the directory is gone (then neither can start any more).
  local round
  for round in 1 2 3 4; do
    if [ -x "${bindir:-}/functional" ]; then
      timeout 20 "$bindir/functional" -c >/dev/null 2>&1
    fi
    if [ -x "$deno" ] && [ -S "$NMSCRIPT_UVALE_DIR/ctl" ]; then
      (cd "$repo" && timeout 20 "$deno" eval -q \
        "import { uvaleStop } from './mod.ts'; try { uvaleStop(); } catch { /* not running */ }" \
        >/dev/null 2>&1)
    fi
    rm -rf "$tmp" 2>/dev/null && [ ! -e "$tmp" ] && return 0
    sleep 1
  done
  echo "netmap-bash-tests: could not remove $tmp (round $round)" >&2
}
on_signal() {
  echo "netmap-bash-tests: interrupted, stopping everything" >&2
  stop_all
  exit 130
}
trap stop_all EXIT
trap on_signal INT TERM HUP

# ---- launchers --------------------------------------------------------------------------------
have_launchers() { # dir
  local t
  for t in "${TOOLS[@]}"; do [ -x "$1/$t" ] || return 1; done
}
if [ -n "$bindir" ]; then
  have_launchers "$bindir" || die "'$bindir' lacks one of: ${TOOLS[*]}" "run make install PREFIX=..."
elif have_launchers "$repo/bin"; then
  bindir=$repo/bin
else
  echo "netmap-bash-tests: installing the launchers into $tmp/bin"
  make -s -C "$repo" install PREFIX="$tmp" >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log" >&2; die "make install failed" "run 'make install' by hand"; }
  bindir=$tmp/bin
fi
bindir=$(cd "$bindir" && pwd -P)
# tests/bash/bin: our stand-ins for netmap's C helpers get_max_tx_packets and
# get_avail_tx_packets (test 008 calls them).
export PATH="$bindir:$repo/tests/bash/bin:$PATH"

backend=${NMSCRIPT_BACKEND:-}
[ -z "$backend" ] && { [ -e /dev/netmap ] && backend=kernel || backend=uvale; }
echo "netmap-bash-tests: $utils/tests with $(command -v functional) (backend $backend)"

# A test needs commands nobody provides here (e.g. functional-legacy): skip it with the reason.
missing_for() { # test file
  local cmd out=''
  for cmd in get_max_tx_packets get_avail_tx_packets functional-legacy; do
    grep -q "$cmd" "$1" && ! command -v "$cmd" >/dev/null && out+=" $cmd"
  done
  echo "${out# }"
}

# ---- run --------------------------------------------------------------------------------------
cd "$utils" || die "cannot enter $utils"
if [ "$randomized" = 1 ]; then
  [ -f randomized_tests ] || die "no randomized_tests in $utils"
  [ "$(id -u)" = 0 ] || die "randomized_tests must run as root" "run it with sudo"
  command -v bc >/dev/null || die "randomized_tests needs bc" "apt-get install bc"
  # Its modprobe/rmmod only matter on kernel netmap; their errors are harmless on uvale.
  timeout -k 5 $((limit * ${#tests[@]})) bash randomized_tests -L </dev/null &
  running=$!
  wait "$running"
  rc=$?
  running=''
  echo "randomized_tests: exit $rc"
  [ "$rc" -eq 0 ]
  exit
fi
passed=0 failed=0 skipped=0
for t in "${tests[@]}"; do
  num=${t%%_*}
  log=$tmp/$num.log
  need=$(missing_for "tests/$t")
  if [ -n "$need" ]; then
    skipped=$((skipped + 1))
    echo "TEST: $num [SKIP] $t (needs $need, which nmscript does not provide)"
    continue
  fi
  start=$SECONDS
  {
    functional -c
    functional -o || echo "netmap-bash-tests: 'functional -o' failed"
  } >"$log" 2>&1
  # shellcheck disable=SC2086 # ARGS is a list of words on purpose
  timeout -k 5 "$limit" bash "tests/$t" $args >>"$log" 2>&1 </dev/null &
  running=$!
  wait "$running"
  rc=$?
  running=''
  timeout 20 functional -c >>"$log" 2>&1
  timeout 20 functional-legacy -c >>"$log" 2>&1
  dt=$((SECONDS - start))
  if [ "$rc" -eq 0 ]; then
    passed=$((passed + 1))
    echo "TEST: $num [ OK ] $t (${dt}s)"
  else
    failed=$((failed + 1))
    why="exit $rc"
    [ "$rc" -eq 124 ] && why="timed out after ${limit}s"
    echo "TEST: $num [FAIL] $t ($why, ${dt}s)"
  fi
  if [ "$verbose" = 1 ] || [ "$rc" -ne 0 ]; then sed 's/^/    /' "$log"; fi
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
