#!/usr/bin/env bash
# nmscript benchmark harness (`make bench`): for each scenario, a receiver and a
# sender, first the C twin (build/pkt-gen-c) then scripts/pkt-gen.ts, each for
# a fixed duration on a fresh uvale (its own NMSCRIPT_UVALE_DIR). Prints a
# Markdown table (Mpps, TS/C ratio) and writes it into BENCHMARKS.md between
# the bench markers. Everything it starts is stopped on exit, ^C or TERM.
#
#   scripts/bench.sh [-d SECS] [-l LEN] [--no-write]
#   scripts/bench.sh --check PKTGEN [PKTGEN...]   (make pkt-gen-c-check)
#   BENCH_TOOL_ARGS="--spin 0" scripts/bench.sh --no-write   (extra options for both tools)
#
# Rates: "sent" is the sender's packets / its seconds; "received" is what each
# receiver got in that same time (the slowest receiver for broadcast), i.e.
# the delivered rate. TS/C compares the received rates.
# VLAN rows: a conf with a trunk and one access port on VID 10 (vale-vlan-ctl);
# access -> trunk sends untagged frames, trunk -> access sends them tagged
# (pkt-gen --vlan 10); one frame each way is checked first (tagged once).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
BUILD=${BUILD:-build}
DENO=${DENO:-$ROOT/node_modules/.bin/deno}
PKTGEN_C=$ROOT/$BUILD/pkt-gen-c
PKTGEN_TS=("$DENO" run -P=tools "$ROOT/scripts/pkt-gen.ts")
read -ra TOOL_ARGS <<<"${BENCH_TOOL_ARGS:-}"
OUT=$ROOT/BENCHMARKS.md
BEGIN_MARK='<!-- bench:begin (scripts/bench.sh writes between these markers) -->'
END_MARK='<!-- bench:end -->'
DURATION=3
LEN=60
WRITE=1
CHECK=0
CHECK_BINS=()

PIDS=()     # every process this script started and has not reaped yet
TMP=""      # scratch dir: logs and (on uvale) NMSCRIPT_UVALE_DIR
UVALE_STARTED=0
VLAN_CONF=""   # the VLAN conf this script created (deleted on exit)
VLAN_WHY=""    # why the VLAN rows could not run

die() { echo "bench: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case $1 in
    -d) [[ ${2:-} =~ ^[0-9]+$ && $2 -ge 1 && $2 -le 600 ]] ||
          die "-d needs a duration in seconds, 1..600"; DURATION=$2; shift 2 ;;
    -l) [[ ${2:-} =~ ^[0-9]+$ && $2 -ge 16 && $2 -le 2048 ]] ||
          die "-l needs a frame length, 16..2048"; LEN=$2; shift 2 ;;
    --no-write) WRITE=0; shift ;;
    --check) CHECK=1; shift; CHECK_BINS=("$@"); break ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

# ---- process bookkeeping ----------------------------------------------------
forget() { # pid
  local p keep=()
  for p in "${PIDS[@]}"; do [ "$p" != "$1" ] && keep+=("$p"); done
  PIDS=("${keep[@]}")
}

# Sends sig, waits at most secs for the exit, then KILLs; prints the exit code.
stop_pid() { # pid sig secs
  local pid=$1 sig=$2 i rc
  kill -"$sig" "$pid" 2>/dev/null
  for ((i = 0; i < $3 * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && { echo "bench: pid $pid ignored SIG$sig; killing it" >&2
                                  kill -KILL "$pid" 2>/dev/null; }
  wait "$pid" 2>/dev/null; rc=$?
  forget "$pid"
  echo "$rc"
}

uvale_stop() {
  [ "$UVALE_STARTED" = 1 ] || return 0
  UVALE_STARTED=0
  timeout 20 "$DENO" eval "import { uvaleStop } from '$ROOT/mod.ts';
    try { uvaleStop(); } catch (e) { console.error('bench: uvale stop: ' + e); }" \
    >/dev/null 2>&1 || echo "bench: could not ask uvaled to stop" >&2
}

cleanup() {
  local p
  for p in "${PIDS[@]}"; do stop_pid "$p" TERM 3 >/dev/null; done
  vlan_teardown
  uvale_stop
  [ -n "$TMP" ] && rm -rf "$TMP"
  TMP=""
}
trap cleanup EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT
trap 'exit 143' TERM

TMP=$(mktemp -d /tmp/nms-bench.XXXXXX) || die "mktemp failed"
BACKEND=${NMSCRIPT_BACKEND:-}
[ -z "$BACKEND" ] && { [ -e /dev/netmap ] && BACKEND=kernel || BACKEND=uvale; }
if [ "$BACKEND" = uvale ]; then
  export NMSCRIPT_UVALE_DIR=$TMP/uvale
  mkdir -p "$NMSCRIPT_UVALE_DIR"
  UVALE_STARTED=1 # the first port opened starts uvaled in this directory
fi
export NMSCRIPT_BACKEND=$BACKEND

# ---- the VLAN conf of the VLAN rows -------------------------------------------
VLAN_NAME=bnch VLAN_TRUNK=bnchtrunk VLAN_ACCESS=bnchacc10 VLAN_VID=10
vlan_ctl() { timeout 30 "$DENO" run -P=tools "$ROOT/scripts/vale-vlan-ctl.ts" "$@" 2>&1 | { grep -v 'Warning' || true; }; }

# Creates the conf (trunk + one access port on VLAN_VID) and checks one frame
# each way: untagged in on the access port, tagged once with VLAN_VID out of
# the trunk; tagged in on the trunk, untagged out of the access port.
vlan_setup() {
  local out
  out=$(vlan_ctl -n "$VLAN_NAME" -p "$VLAN_TRUNK" -c "$VLAN_ACCESS=$VLAN_VID") ||
    { VLAN_WHY="VLAN conf: ${out//$'\n'/ }"; return 1; }
  VLAN_CONF=$VLAN_NAME
  out=$(timeout 30 "$DENO" eval "
    import { eth, expect, openPort, send } from '$ROOT/mod.ts';
    const hex = (b: Uint8Array): string =>
      Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
    using trunk = openPort('netmap:$VLAN_TRUNK');
    using access = openPort('netmap:$VLAN_ACCESS');
    const macs = { src: '02:00:00:00:00:0a', dst: '02:00:00:00:00:0b' };
    const body = { length: $LEN - 14, fill: 'x' };
    const plain = eth(macs).payload(body);
    await send(access, plain);
    const [tagged] = await expect(trunk, eth(macs).vlan($VLAN_VID).payload(body));
    const tag = hex(tagged.subarray(12, 18));
    if (tagged.length !== $LEN + 4 || !tag.startsWith('81 00 00 0a') || tag.endsWith('81 00')) {
      throw new Error('access -> trunk: want one 802.1Q tag with VID $VLAN_VID, got ' + tag);
    }
    await send(trunk, tagged);
    const [back] = await expect(access, plain);
    console.log('tag check: access -> trunk ' + tagged.length + ' bytes, tag ' +
      tag.slice(0, 11) + '; trunk -> access ' + back.length + ' bytes, untagged');
  " 2>&1 | { grep -v 'Warning' || true; }) || { VLAN_WHY="tag check: $(echo "$out" | grep -m1 .)"; return 1; }
  echo "bench: $out" >&2
}

vlan_teardown() {
  [ -n "$VLAN_CONF" ] || return 0
  vlan_ctl -s "$VLAN_CONF" -C "$VLAN_ACCESS" -P -r "$VLAN_CONF" >/dev/null ||
    echo "bench: could not delete VLAN conf $VLAN_CONF (vale-vlan-ctl -s $VLAN_CONF -l)" >&2
  VLAN_CONF=""
}

# ---- one tool run -------------------------------------------------------------
# start TAG TOOL ARGS...: runs TOOL (c|ts) in the background, logs in $TMP/TAG.*
start() {
  local tag=$1 tool=$2; shift 2
  if [ "$tool" = c ]; then
    "$PKTGEN_C" "$@" "${TOOL_ARGS[@]}" >"$TMP/$tag.out" 2>"$TMP/$tag.err" &
  else
    "${PKTGEN_TS[@]}" "$@" "${TOOL_ARGS[@]}" >"$TMP/$tag.out" 2>"$TMP/$tag.err" &
  fi
  PIDS+=($!)
  eval "PID_$tag=$!"
}

# Waits (at most 20 s) for TAG's "Sending on/Receiving from" banner.
wait_banner() { # tag
  local pid i
  eval "pid=\$PID_$1"
  for ((i = 0; i < 200; i++)); do
    grep -qs -e '^Receiving from' -e '^Sending on' "$TMP/$1.out" "$TMP/$1.err" && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# A numeric field of TAG's last summary JSON line ("" when there is none).
field() { # tag name
  grep -s '"type":"summary"' "$TMP/$1.out" | tail -n 1 |
    sed -n "s/.*\"$2\":\\([-0-9.eE+]*\\).*/\\1/p"
}

why() { # tag: the first error line of a failed run, for the table
  local l
  l=$(grep -v -e '^Receiving from' -e '^Sending on' "$TMP/$1.err" 2>/dev/null | grep -m1 .)
  [ -z "$l" ] && l="no summary"
  echo "${l//|//}" | cut -c1-100
}

mpps() { awk -v p="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.2f", p / s / 1e6; else print "n/a" }'; }

# run_pair TOOL TX_PORT TX_OPTIONS "RX_PORT..." ["PORT MAC [OPTION...]"]: sets RES_TX and RES_RX (Mpps), or
# RES_TX=n/a and RES_WHY. Runs in this shell (not in $(...)) so that the EXIT
# trap knows every pid.
run_pair() {
  local tool=$1 txp=$2 txextra=$3 rxports=$4 prime=${5:-} i=0 p rx=() pkts secs min=""
  for p in $rxports; do
    start "${tool}rx$i" "$tool" -i "$p" -f rx -w 0 --json
    rx+=("${tool}rx$i"); i=$((i + 1))
  done
  for p in "${rx[@]}"; do
    wait_banner "$p" || { cleanup_run "${rx[@]}"; na "$(why "$p")"; return; }
  done
  if [ -n "$prime" ]; then
    # unicast: one frame from the receiver's port (source MAC = the sender's destination)
    # lets the learning switch forward to that port only (setup, not measured; C twin)
    # shellcheck disable=SC2086 # "PORT MAC [OPTION...]"
    set -- $prime
    if ! timeout 20 "$PKTGEN_C" -i "$1" -f tx -n 1 -S "$2" -w 0 --json "${@:3}" >"$TMP/prime.out" \
         2>"$TMP/prime.err"; then
      cleanup_run "${rx[@]}"; na "learning frame: $(why prime)"; return
    fi
  fi
  # shellcheck disable=SC2086 # txextra is a list of options
  start "${tool}tx" "$tool" -i "$txp" -f tx -l "$LEN" -w 0 --json $txextra
  if ! wait_banner "${tool}tx"; then
    cleanup_run "${tool}tx" "${rx[@]}"; na "$(why "${tool}tx")"; return
  fi
  sleep "$DURATION"
  cleanup_run "${tool}tx"
  sleep 0.2 # let the receivers take the last batches
  cleanup_run "${rx[@]}"
  pkts=$(field "${tool}tx" pkts); secs=$(field "${tool}tx" seconds)
  [ -z "$pkts" ] || [ -z "$secs" ] && { na "$(why "${tool}tx")"; return; }
  for p in "${rx[@]}"; do
    i=$(field "$p" pkts)
    [ -z "$i" ] && { na "$(why "$p")"; return; }
    [ -z "$min" ] || [ "$i" -lt "$min" ] && min=$i
  done
  RES_TX=$(mpps "$pkts" "$secs"); RES_RX=$(mpps "$min" "$secs"); RES_WHY=""
}
na() { RES_TX=n/a; RES_RX=n/a; RES_WHY=$1; }

cleanup_run() { local t pid; for t in "$@"; do eval "pid=\$PID_$t"; stop_pid "$pid" INT 10 >/dev/null; done; }

# ---- --check: the C twin's own checks (make pkt-gen-c-check) -----------------
check_main() {
  local bin fails=0 n=0 out rc
  expect() { # desc want_rc want_text cmd...
    local desc=$1 want=$2 text=$3; shift 3
    out=$("$@" 2>&1); rc=$?
    n=$((n + 1))
    if [ "$rc" != "$want" ] || ! grep -qF -- "$text" <<<"$out"; then
      echo "FAIL $desc: rc $rc (want $want), output: ${out:0:300}"; fails=$((fails + 1))
    else echo "ok   $desc"; fi
  }
  [ ${#CHECK_BINS[@]} -gt 0 ] || die "--check needs the pkt-gen-c binaries to check"
  for bin in "${CHECK_BINS[@]}"; do
    [ -x "$bin" ] || die "--check: $bin is not an executable (make $bin)"
    echo "== $bin"
    expect "no -i" 255 "-i PORT is required" "$bin"
    expect "bad mode" 255 "-f foo: unknown mode" "$bin" -i vale0:a -f foo
    expect "short -l" 255 "-l '5' is not a number in 16..65535" "$bin" -i vale0:a -l 5
    expect "bad -D" 255 "-D zz: not a MAC" "$bin" -i vale0:a -D zz
    expect "bad -n" 255 "-n 'x1' is not a number" "$bin" -i vale0:a -n x1
    expect "bad port" 255 "EINVAL: not a port name" "$bin" -i eth0 -f tx
    expect "long name" 255 "EINVAL" "$bin" -i "netmap:$(printf 'x%.0s' {1..70})"
    expect "unknown opt" 255 "unknown option" "$bin" -i vale0:a -Q
    expect "bad --spin" 255 "--spin '1000001' is not a number in 0..1000000" "$bin" -i vale0:a --spin 1000001
    expect "no --spin value" 255 "option --spin needs a time" "$bin" -i vale0:a --spin
    out=$(timeout 20 "$bin" -i "netmap:chk{0" -f tx -n 1 -w 0 --json 2>&1); rc=$?
    if [ $rc -ne 0 ]; then
      if [[ $out == *ENOSYS* ]]; then echo "skip data path: backend $BACKEND says: $out"
      else echo "FAIL data path: rc $rc: $out"; fails=$((fails + 1)); fi
      continue
    fi
    check_exact "$bin" tx rx 100000 || fails=$((fails + 1))
    check_exact "$bin" txseq rxseq 20000 || fails=$((fails + 1))
    check_exact "$bin" txseq rxseq 20000 --spin 0 || fails=$((fails + 1))
    n=$((n + 3))
  done
  echo "pkt-gen-c-check: $((n - fails)) passed, $fails failed"
  [ "$fails" -eq 0 ]
}

# A pipe run with -n COUNT: the receiver must get exactly COUNT, in sequence.
check_exact() { # bin txmode rxmode count [option...]
  local bin=$1 got sent
  PKTGEN_C=$bin
  start crx c -i "netmap:chk{1" -f "$3" -n "$4" -w 0 --json "${@:5}"
  wait_banner crx || { echo "FAIL $2/$3: receiver: $(why crx)"; cleanup_run crx; return 1; }
  start ctx c -i "netmap:chk}1" -f "$2" -n "$4" -w 0 -b 64 --json "${@:5}"
  # shellcheck disable=SC2154 # PID_crx is set by start() through eval
  for ((i = 0; i < 200; i++)); do kill -0 "$PID_crx" 2>/dev/null || break; sleep 0.1; done
  cleanup_run ctx crx
  sent=$(field ctx pkts); got=$(field crx pkts)
  if [ "$sent" != "$4" ] || [ "$got" != "$4" ] || grep -qs sequence "$TMP/crx.err" ||
     grep -qs -i -e 'runtime error' -e AddressSanitizer "$TMP/crx.err" "$TMP/ctx.err"; then
    echo "FAIL $2/$3 $4 ${*:5} on a pipe: sent '$sent', received '$got'"
    cat "$TMP/ctx.err" "$TMP/crx.err" | head -5
    return 1
  fi
  echo "ok   $2/$3 ${*:5}: $4 frames through netmap:chk{1 / }1, none lost, in sequence"
}

if [ "$CHECK" = 1 ]; then check_main; exit; fi

# ---- the benchmark ------------------------------------------------------------
[ -x "$PKTGEN_C" ] || die "$PKTGEN_C is missing: run make build"
[ -f scripts/pkt-gen.ts ] || PKTGEN_TS=()

# name | tx port | tx options | receivers | target (Mpps, received) | learning frame
# (VLAN rows: the learning frame teaches the per-VID switch where the destination is)
SCENARIOS=(
  "pipe|netmap:pipeB{0||netmap:pipeB}0|30|"
  "VALE 2 ports unicast|vale0:tx|-D 02:00:00:00:00:02|vale0:rx|10|vale0:rx 02:00:00:00:00:02"
  "VALE 4 ports broadcast|vale1:tx|-D ff:ff:ff:ff:ff:ff|vale1:r1 vale1:r2 vale1:r3||"
  "VLAN access → trunk|netmap:$VLAN_ACCESS|-D 02:00:00:00:00:0b|netmap:$VLAN_TRUNK|8|netmap:$VLAN_TRUNK 02:00:00:00:00:0b --vlan $VLAN_VID"
  "VLAN trunk → access|netmap:$VLAN_TRUNK|--vlan $VLAN_VID -D 02:00:00:00:00:0a|netmap:$VLAN_ACCESS|8|netmap:$VLAN_ACCESS 02:00:00:00:00:0a"
)
VLAN_REF="VALE 2 ports unicast" # the VLAN rows are compared with its C twin received rate
VLAN_WITHIN=0.8                 # ... and must reach this fraction of it
ref_rx=""

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "n/a" }'; }

load0=$(cut -d' ' -f1 /proc/loadavg)
awk -v l="$load0" -v n="$(nproc)" 'BEGIN { exit !(l > n / 4) }' &&
  echo "bench: load average is $load0 on $(nproc) CPUs: other work will skew the figures" >&2

rows=()
for s in "${SCENARIOS[@]}"; do
  IFS='|' read -r name txp txextra rxports target prime <<<"$s"
  if [[ $name == VLAN* ]]; then
    [ -z "$VLAN_CONF" ] && [ -z "$VLAN_WHY" ] && vlan_setup
    if [ -n "$VLAN_WHY" ]; then
      rows+=("| $name | n/a (${VLAN_WHY//|//}) | n/a | n/a | n/a | n/a | ≥ $target, ≥ $VLAN_WITHIN × $VLAN_REF |")
      continue
    fi
  fi
  echo "bench: $name: C twin ($DURATION s)" >&2
  run_pair c "$txp" "$txextra" "$rxports" "$prime"
  c_tx=$RES_TX c_rx=$RES_RX
  [ "$c_tx" = n/a ] && c_tx="n/a ($RES_WHY)"
  if [ ${#PKTGEN_TS[@]} -gt 0 ]; then
    echo "bench: $name: pkt-gen.ts ($DURATION s)" >&2
    run_pair ts "$txp" "$txextra" "$rxports" "$prime"
    t_tx=$RES_TX t_rx=$RES_RX
    [ "$t_tx" = n/a ] && t_tx="n/a (pkt-gen.ts not ready: $RES_WHY)"
  else
    t_tx="n/a (pkt-gen.ts not ready)"; t_rx=n/a
  fi
  r=$(ratio "$t_rx" "$c_rx")
  verdict=""
  if [ -n "$target" ] && [ "$c_rx" != n/a ]; then
    awk -v a="$c_rx" -v t="$target" 'BEGIN { exit !(a >= t) }' &&
      verdict=" (met)" || verdict=" (missed)"
  fi
  [ "$name" = "$VLAN_REF" ] && ref_rx=$c_rx
  if [[ $name == VLAN* ]]; then
    # the second target: within 20% of the plain VALE pair of this run
    vr=$(ratio "$c_rx" "$ref_rx")
    if [ "$vr" = n/a ]; then
      verdict+="; ≥ $VLAN_WITHIN × $VLAN_REF: n/a"
    else
      awk -v r="$vr" -v w="$VLAN_WITHIN" 'BEGIN { exit !(r >= w) }' && vv="met" || vv="missed"
      verdict+="; $vr × $VLAN_REF, target ≥ $VLAN_WITHIN ($vv)"
    fi
  fi
  tr_verdict=""
  [ "$r" != n/a ] && { awk -v r="$r" 'BEGIN { exit !(r >= 0.7) }' &&
                       tr_verdict=" (met)" || tr_verdict=" (missed)"; }
  rows+=("| $name | $c_tx | $c_rx | $t_tx | $t_rx | $r$tr_verdict | ${target:+≥ $target$verdict} |")
done

# CPU per frame of one txsync, pair vs. VLAN, in one process (uvale only): a ratio that
# a loaded machine does not move much, unlike the rates above
VLAN_CPU=$ROOT/$BUILD/vlan_cpu_bench
cpu_rows=""
if [ "$BACKEND" = uvale ]; then
  if [ -x "$VLAN_CPU" ]; then
    echo "bench: VLAN CPU per frame ($BUILD/vlan_cpu_bench -r 2000)" >&2
    cpu_rows=$(timeout 120 "$VLAN_CPU" -r 2000 2>&1) ||
      cpu_rows="vlan_cpu_bench failed: ${cpu_rows//$'\n'/ }"
  else
    cpu_rows="n/a: $BUILD/vlan_cpu_bench is not built (make build)"
  fi
fi

cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
table=$(
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) × ${cpu:-unknown CPU}," \
       "Linux $(uname -r), backend **$BACKEND**, commit $commit," \
       "load average $load0 before the run."
  envs=${BENCH_TOOL_ARGS:+"BENCH_TOOL_ARGS=\"$BENCH_TOOL_ARGS\" "}
  echo "Command: \`make bench\` (\`${envs}scripts/bench.sh -d $DURATION -l $LEN\`): $LEN-byte frames," \
       "$DURATION s per run, burst 512, one receiver process per port."
  echo
  echo "| scenario | C twin sent (Mpps) | C twin received (Mpps) | pkt-gen.ts sent (Mpps) | pkt-gen.ts received (Mpps) | TS/C (received; target ≥ 0.7) | target, C received (Mpps) |"
  echo "|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  if [ -n "$cpu_rows" ]; then
    echo
    echo "CPU per frame of one \`nms_txsync\` (\`$BUILD/vlan_cpu_bench -r 2000\`: one process, a" \
         "private uvale, 512-frame batches, thread CPU clock, medians; target VLAN ≥ 0.8 × pair):"
    echo
    echo "$cpu_rows"
  fi
)
echo "$table"

if [ "$WRITE" = 1 ]; then
  if [ ! -f "$OUT" ] || ! grep -qF "$BEGIN_MARK" "$OUT" || ! grep -qF "$END_MARK" "$OUT"; then
    die "$OUT has no bench markers; the table above was not written"
  fi
  printf '%s\n' "$table" >"$TMP/table.md"
  awk -v b="$BEGIN_MARK" -v e="$END_MARK" -v f="$TMP/table.md" '
    $0 == b { print; while ((getline l < f) > 0) print l; skip = 1; next }
    $0 == e { skip = 0 }
    !skip' "$OUT" >"$TMP/BENCHMARKS.md" && cat "$TMP/BENCHMARKS.md" >"$OUT" &&
    { "$DENO" fmt -q "$OUT" || true; } && echo "bench: table written to BENCHMARKS.md" >&2
fi
