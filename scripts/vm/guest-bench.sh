#!/bin/bash
# Guest side of `scripts/vm-test.sh --bench PARTS`: side-by-side measurements on kernel netmap,
# in one boot. Every figure is timed inside the guest and printed as one line
#   NMS-BENCH <part> <name> key=value ...
# which the host collects (scripts/vm-test.sh prints them at the end of the run).
# Usage (in the guest, from the repository root): guest-bench.sh PART[,PART...]
#   pktgen      netmap's C pkt-gen and pkt-gen.ts (bin/pkt-gen), 60-byte frames, on a netmap pipe
#               and a VALE pair: C tx -> C rx, then TS tx -> TS rx, then the crossed pairs
#   suite-c     netmap's utils/tests with its bash library and C functional (guest-netmap.sh c)
#   suite-deno  the ported suite in ONE Deno process (tests/netmap/run_all.ts): one start-up;
#               after a first-use run (test 024 alone: Deno's cache, netmap's global pool),
#               netmap's 27 counterparts, then the whole suite (30)
#   suite-deno-child  the ported suite as `deno test` runs it by default: a `deno run` child per
#               test (tests/testing_netmap_suite_test.ts), one Deno start-up per test
#   deno-start  Deno's start-up: `deno eval 0`, three times (what each test child pays)
# suite-c and suite-deno do not share a boot well: netmap's tests leave persistent ports and their
# switches behind (netmap#882), which keep netmap loaded and fill its 8 switches (the ported tests
# leave theirs on one shared switch, vale882, so suite-deno and suite-deno-child do share a boot).
# BENCH_SECS (default 15: V8 needs 2-4 s under TCG to compile pkt-gen.ts's loops, which a
# 5 s run would mostly measure) is the sending time of one pktgen run; BENCH_PAIRS (default
# "c:c ts:ts c:ts ts:c", rx:tx; tools c, ts, and ts0 = pkt-gen.ts --spin 0) chooses the pktgen
# pairs; TS_PKTGEN (default bin/pkt-gen) is the
# "ts" tool, e.g. another tree's pkt-gen.ts behind a launcher, to compare two versions in one boot.
# Every process is bounded: rx and tx run under `timeout`, and the sender gets -n as well.
set -u
secs=${BENCH_SECS:-15}
pairs=${BENCH_PAIRS:-c:c ts:ts c:ts ts:c}
C_PKTGEN=/netmap/bin/pkt-gen
TS_PKTGEN=${TS_PKTGEN:-$VM_ROOT/bin/pkt-gen}
tmp=$(mktemp -d /tmp/bench.XXXXXX)

centis() { # time since boot in hundredths of a second (busybox date has no %N)
  local s
  read -r s _ </proc/uptime
  echo "${s/./}"
}
secs_since() { # T0 (centis) -> "S.CC"
  local d=$(($(centis) - $1))
  printf '%d.%02d' $((d / 100)) $((d % 100))
}

# wait_for FILE TEXT SECONDS: until FILE holds TEXT; false after SECONDS.
wait_for() {
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    grep -Eq "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# stop PID SECONDS: ^C to PID, then up to SECONDS for it to leave, then SIGKILL.
stop() {
  local i
  kill -INT "$1" 2>/dev/null || return 0
  for ((i = 0; i < $2 * 10; i++)); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.1
  done
  echo "bench: pid $1 ignored ^C for $2 s: killed"
  kill -KILL "$1" 2>/dev/null
}

# mpps LOG: the "Speed:" figure of a pkt-gen summary, in Mpps ("-" when there is none).
mpps() {
  sed -n 's/^Speed: \([0-9.]*\) \([KMG]*\)pps.*/\1 \2/p' "$1" | tail -n 1 |
    awk '{ f = $1; if ($2 == "") f /= 1e6; if ($2 == "K") f /= 1e3; if ($2 == "G") f *= 1e3
           printf "%.3f", f } END { if (NR == 0) printf "-" }'
}

# steady LOG: the median of pkt-gen's per-second rate lines, first and last left out (start-up
# and the partial last interval), in Mpps; "-" with fewer than three lines.
steady() {
  sed -n 's/.* \([0-9.]*\) \([KMG]*\)pps (.*/\1 \2/p' "$1" |
    awk '{ f = $1; if ($2 == "") f /= 1e6; if ($2 == "K") f /= 1e3; if ($2 == "G") f *= 1e3
           if (f > 0) print f }' | sed '1d;$d' | sort -n |
    awk '{ v[NR] = $1 } END { if (NR == 0) { printf "-"; exit }
           if (NR % 2) printf "%.3f", v[(NR + 1) / 2]; else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

tool() { if [ "$1" = c ]; then echo "$C_PKTGEN"; else echo "$TS_PKTGEN"; fi; }
# tool_args TOOL: extra options of a tool ("ts0": pkt-gen.ts polling at once, as the C tool)
tool_args() { if [ "$1" = ts0 ]; then echo "--spin 0"; fi; }

# pktgen_run SCENARIO RX_PORT TX_PORT RX_TOOL TX_TOOL (tools: c | ts)
pktgen_run() {
  local name=$1 rxp=$2 txp=$3 rxt=$4 txt=$5 rx tx rxlog=$tmp/rx.log txlog=$tmp/tx.log
  rm -f "$rxlog" "$txlog"
  echo "== pktgen $name: rx $rxt on $rxp, tx $txt on $txp, 60 B, ${secs} s"
  # rx first (a C sender on a pipe whose peer is gone waits for ever), and everything bounded
  # -w 0: no wait for a link (both tools would wait 2 s). Readiness is read from the lines each
  # tool writes when its port is open: netmap's C tool buffers stdout in a file, hence its D()
  # lines on stderr ("reading from", "start, fd") and pkt-gen.ts's "Receiving from"/"Sending on".
  # shellcheck disable=SC2046 # tool_args is empty or words
  timeout -s KILL $((secs + 60)) "$(tool "$rxt")" -i "$rxp" -f rx -w 0 $(tool_args "$rxt") \
    >"$rxlog" 2>&1 &
  rx=$!
  if ! wait_for "$rxlog" 'reading from|Receiving from' 30; then
    echo "bench: rx did not start within 30 s:"
    cat "$rxlog"
    stop "$rx" 2
    return 1
  fi
  sleep 0.5
  # shellcheck disable=SC2046
  timeout -s KILL $((secs + 45)) "$(tool "$txt")" -i "$txp" -f tx -l 60 -w 0 -n 4000000000 \
    $(tool_args "$txt") >"$txlog" 2>&1 &
  tx=$!
  # the sending time starts when the sender has its port (not counting Deno's start-up)
  wait_for "$txlog" 'start, fd|Sending on' 30 && sleep "$secs"
  stop "$tx" 10
  wait "$tx" 2>/dev/null
  sleep 1.5 # netmap's C rx leaves by itself after 1 s without frames; pkt-gen.ts needs ^C
  stop "$rx" 5
  wait "$rx" 2>/dev/null
  echo "-- rx ($rxt):"
  grep -E 'pps|Received' "$rxlog" | grep -v 'waiting for initial'
  echo "-- tx ($txt):"
  grep -E 'pps|Sent' "$txlog"
  printf 'NMS-BENCH pktgen %s rx=%s tx=%s rx_mpps=%s rx_steady_mpps=%s tx_mpps=%s tx_steady_mpps=%s\n' \
    "$name" "$rxt" "$txt" "$(mpps "$rxlog")" "$(steady "$rxlog")" "$(mpps "$txlog")" \
    "$(steady "$txlog")"
}

part_pktgen() {
  local p
  for p in $pairs; do
    pktgen_run pipe 'netmap:p}1' 'netmap:p{1' "${p%:*}" "${p#*:}"
    pktgen_run vale 'vale0:b' 'vale0:a' "${p%:*}" "${p#*:}"
  done
}

part_suite_c() {
  local t0 rc
  t0=$(centis)
  # shellcheck disable=SC2046 # the test names have no spaces
  bash scripts/vm/guest-netmap.sh c $(ls /netmap/utils/tests)
  rc=$?
  printf 'NMS-BENCH suite-c netmap-bash-functional seconds=%s exit=%s\n' "$(secs_since "$t0")" "$rc"
}

part_suite_deno() {
  local t0
  # Two one-time costs come first, timed on their own line: Deno's cache (transpiled modules,
  # V8 code cache) is empty in every boot where a developer's machine has it from the second
  # run on, and the first NIC opened in netmap mode since netmap was loaded makes netmap
  # allocate its global memory pool (343 MB by default: 2.5 s under TCG), kept until the
  # module is unloaded. Running test 024 (a veth pair) alone loads every test module and opens
  # the first NIC.
  t0=$(centis)
  deno run -P=test --no-check tests/netmap/run_all.ts 024 >/dev/null 2>&1
  printf 'NMS-BENCH suite-deno-first-use load-and-first-nic seconds=%s\n' "$(secs_since "$t0")"
  # netmap's 27 tests first (what suite-c runs), then the whole ported suite (30: plus the
  # offsets and extra-buffer tests netmap does not have); each in one Deno process.
  # shellcheck disable=SC2046 # three-digit ids
  suite_deno_run counterparts $(i=1; while [ $i -le 27 ]; do printf "%03d " $i; i=$((i + 1)); done)
  suite_deno_run whole
}

# suite_deno_run LABEL [NNN...]: one timed run_all.ts, its output into a file (a shell loop
# reading it line by line would compete with the suite for the two vCPUs). The suite's own
# "(started N ms ago)" line and the first TEST line give its start-up and its first test.
suite_deno_run() {
  local label=$1 t0 rc out=$tmp/suite-deno.log
  shift
  t0=$(centis)
  deno run -P=test --no-check tests/netmap/run_all.ts "$@" >"$out" 2>&1
  rc=$?
  printf 'NMS-BENCH suite-deno ported-suite-%s seconds=%s exit=%s switches-left=%s\n' \
    "$label" "$(secs_since "$t0")" "$rc" "$(switches)"
  cat "$out"
}

# switches: how many VALE switches netmap still has (the bridge_idx values of `vale-ctl`'s
# list: ports renamed by netmap#882 are listed under their bare names, their switch by index)
switches() {
  /netmap/bin/vale-ctl 2>/dev/null | sed -n 's/.* bridge_idx \([0-9]*\) .*/\1/p' | sort -u | grep -c .
}

part_suite_deno_child() {
  local t0 rc
  t0=$(centis)
  # one `deno test` process that starts a `deno run` child per test; through a pipe for a
  # plain report
  deno test -P=test --no-check tests/testing_netmap_suite_test.ts 2>&1 | cat
  rc=${PIPESTATUS[0]}
  printf 'NMS-BENCH suite-deno-child ported-suite-child-per-test seconds=%s exit=%s\n' \
    "$(secs_since "$t0")" "$rc"
}

part_deno_start() {
  local k t0
  for k in 1 2 3; do
    t0=$(centis)
    deno eval 0
    printf 'NMS-BENCH deno-start run-%d seconds=%s\n' "$k" "$(secs_since "$t0")"
  done
}

t0=$(centis)
echo "== bench on backend ${NMSCRIPT_BACKEND:-kernel} (kernel $(uname -r)): $*"
echo "== cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) vCPUs," \
  "clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)," \
  "avx2 $(grep -qw avx2 /proc/cpuinfo && echo yes || echo no)"
for part in ${1//,/ }; do
  case $part in
    pktgen) part_pktgen ;;
    suite-c) part_suite_c ;;
    suite-deno) part_suite_deno ;;
    suite-deno-child) part_suite_deno_child ;;
    deno-start) part_deno_start ;;
    *) echo "bench: unknown part '$part' (pktgen, suite-c, suite-deno, suite-deno-child," \
      "deno-start)" && exit 2 ;;
  esac
done
rm -rf "$tmp"
echo "== bench done in $(secs_since "$t0") s"
