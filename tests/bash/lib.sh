#!/usr/bin/env bash
# nmscript's bash test library, in the style of netmap's utils/test_lib (same function names and
# exit-code conventions, our own implementation). A test sources it, runs netmap's command-line
# tools (functional, fd_server, vale-ctl: ours or netmap's, whichever PATH finds first) and checks
# each exit code; the first failed check prints one line and ends the test with exit 1. Clean-up
# steps are registered next to the set-up and run last-in first-out when the test exits, also
# after a failed check, Ctrl-C or TERM.
#
# Example test:
#   source "$(dirname "$0")/lib.sh"
#   use_fd_server
#   create_vale_persistent_port p0
#   attach_to_vale_bridge vale1 p0
#   $FUNCTIONAL -i vale1:p0
#   check_success $? "pre-open vale1:p0"
#
# Environment: FUNCTIONAL (default functional), NMSCRIPT_FD_SERVER_SOCKET and NMSCRIPT_UVALE_DIR
# (passed on to our tools), NMS_TEST_VERBOSE=1 echoes every command a helper runs, NMS_RX_SECS
# (default 10) is the -T of receivers that must succeed.

FUNCTIONAL=${FUNCTIONAL:-functional}
export FUNCTIONAL

# ---- reporting ------------------------------------------------------------------------------

# note MESSAGE...: one line on stdout, prefixed with the test's name.
note() {
  echo "${0##*/}: $*"
}

# run_cmd CMD...: runs a command (echoed first when NMS_TEST_VERBOSE=1); returns its status.
run_cmd() {
  [ "${NMS_TEST_VERBOSE:-0}" = 1 ] && note "+ $*"
  "$@"
}

# check_exit GOT WANTED WHAT: ends the test with exit 1 unless GOT equals WANTED.
check_exit() {
  local got=$1 wanted=$2 what=$3
  if [ "$got" != "$wanted" ]; then
    note "$what FAIL($got != $wanted)."
    exit 1
  fi
}

# check_success GOT WHAT: the command was expected to succeed (exit 0).
check_success() {
  check_exit "$1" 0 "$2"
}

# check_failure GOT WHAT: the command was expected to fail with exit 1 (netmap's tools use
# exactly 1; a crash or a timeout from timeout(1) is a different status and fails the check).
check_failure() {
  check_exit "$1" 1 "$2"
}

# skip_test REASON: the test cannot run here; exit 4 (kselftest's "skip").
skip_test() {
  note "SKIP: $*"
  exit 4
}

# require_cmd CMD...: skip the test when a command is not on PATH.
require_cmd() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 || skip_test "'$c' is not on PATH"
  done
}

# ---- cumulative traps -------------------------------------------------------------------------
# Each signal has a stack of clean-up commands; one handler pops and runs them all (newest first).
# Commands are kept as strings in an array, so unlike netmap's version they may contain quotes.

declare -A _nms_trap_count=()

_nms_run_traps() { # signal
  local sig=$1 i n cmd
  n=${_nms_trap_count[$sig]:-0}
  _nms_trap_count[$sig]=0
  for ((i = n - 1; i >= 0; i--)); do
    eval "cmd=\${_nms_traps_${sig}[$i]}"
    eval "$cmd"
  done
}

# cumulative_trap CMD SIGNAL: adds CMD to the clean-up run on SIGNAL (EXIT, INT, TERM, ...);
# commands run in the reverse order of their registration.
cumulative_trap() {
  local cmd=$1 sig=${2#SIG} n
  n=${_nms_trap_count[$sig]:-0}
  eval "_nms_traps_${sig}[$n]=\$cmd"
  _nms_trap_count[$sig]=$((n + 1))
  if [ "$n" -eq 0 ]; then
    if [ "$sig" = EXIT ]; then
      trap "_nms_run_traps EXIT" EXIT
    else # a signal: clean up (the EXIT stack runs too, through exit)
      trap "_nms_run_traps $sig; exit 130" "$sig"
    fi
  fi
}

# on_exit CMD: shorthand for cumulative_trap CMD EXIT. INT and TERM end the test through exit,
# so the EXIT clean-up runs for them as well.
on_exit() {
  cumulative_trap "$1" EXIT
}
trap "exit 130" INT TERM HUP

# ---- fd server ----------------------------------------------------------------------------------

# close_fd_server: stops the fd server (success when none runs); it closes every port it held.
close_fd_server() {
  run_cmd $FUNCTIONAL -c
  check_success $? "close_fd_server"
}

# start_fd_server: starts the fd server in the background.
start_fd_server() {
  run_cmd $FUNCTIONAL -o
  check_success $? "start_fd_server"
}

# restart_fd_server: a fresh server, whatever ran before.
restart_fd_server() {
  close_fd_server
  start_fd_server
}

# use_fd_server: a fresh server for this test, stopped when the test exits.
use_fd_server() {
  restart_fd_server
  on_exit "$FUNCTIONAL -c >/dev/null"
}

# ---- VALE persistent ports and bridges ---------------------------------------------------------

# create_vale_persistent_port NAME [EXPECTED=0]: vale-ctl -n NAME; removed at exit.
create_vale_persistent_port() {
  local name=$1 expected=${2:-0}
  run_cmd vale-ctl -n "$name"
  check_exit $? "$expected" "create $name"
  on_exit "vale-ctl -r '$name' 2>/dev/null"
}

# destroy_vale_persistent_port NAME [EXPECTED=0]: vale-ctl -r NAME.
destroy_vale_persistent_port() {
  local name=$1 expected=${2:-0}
  run_cmd vale-ctl -r "$name"
  check_exit $? "$expected" "destroy $name"
}

# attach_to_vale_bridge BRIDGE PORT [EXPECTED=0]: vale-ctl -a BRIDGE:PORT. At exit the fd server
# is stopped first (it may hold the port open), then the port is detached.
attach_to_vale_bridge() {
  local bdg=$1 port=$2 expected=${3:-0}
  run_cmd vale-ctl -a "$bdg:$port"
  check_exit $? "$expected" "attach $bdg:$port"
  on_exit "vale-ctl -d '$bdg:$port' 2>/dev/null"
  on_exit "$FUNCTIONAL -c >/dev/null"
}

# detach_from_vale_bridge BRIDGE PORT [EXPECTED=0]: vale-ctl -d BRIDGE:PORT.
detach_from_vale_bridge() {
  local bdg=$1 port=$2 expected=${3:-0}
  run_cmd vale-ctl -d "$bdg:$port"
  check_exit $? "$expected" "detach $bdg:$port"
}

# ---- traffic ----------------------------------------------------------------------------------

# preopen PORT...: has the fd server open each port now, so that ports exist (and pipes and VALE
# ports are connected) before anybody sends; they stay open until the server stops.
preopen() {
  local p
  for p in "$@"; do
    run_cmd $FUNCTIONAL $verbosity -i "$p"
    check_success $? "pre-open $p"
  done
}

# send_recv_usage / parse_send_recv_arguments "$@": the options every traffic test takes:
# -l LEN, -f FILL, -n NUM, -q (the fill advances per frame), -v (repeatable), -h.
send_recv_usage() {
  echo "usage: ${0##*/} [-h] [-l LEN] [-f FILL] [-n NUM] [-q] [-v...]"
}
parse_send_recv_arguments() {
  local opt OPTIND=1
  while getopts "hvql:f:n:" opt; do
    case $opt in
      l) len=$OPTARG ;;
      f) fill=$OPTARG ;;
      n) num=$OPTARG ;;
      q) seq=-q ;;
      v) verbosity=${verbosity:--}v ;;
      h) send_recv_usage; exit 0 ;;
      *) send_recv_usage >&2; exit 1 ;;
    esac
  done
}
verbosity=${verbosity:-}

# rx_secs: the -T a receiver that must succeed gets. It returns as soon as its frames are there;
# the margin only covers a sender that starts late on a busy machine (functional's default is 1 s).
rx_secs=${NMS_RX_SECS:-10}

# get_random_MAC: a random unicast, locally administered MAC address (02:xx:...).
get_random_MAC() {
  printf '%02x:%02x:%02x:%02x:%02x:%02x\n' $(((RANDOM & 0xfc) | 0x02)) \
    $((RANDOM & 255)) $((RANDOM & 255)) $((RANDOM & 255)) $((RANDOM & 255)) $((RANDOM & 255))
}
