#!/usr/bin/env bash
# Real-netmap check: boot a Debian 12 kernel in QEMU with netmap built from the user's tree and
# run the project's kernel-backend tests there (NMSCRIPT_BACKEND=kernel). docs/vm-test.md tells
# the whole story; `make vm-test NETMAP_SRC=...` is the usual entry point.
#
# Usage: scripts/vm-test.sh NETMAP_SRC [options] [TEST_FILE...]
#   (no TEST_FILE)        the kernel-capable tests listed in scripts/vm/tests.txt
#   --only PATTERN        keep only the tests whose path matches PATTERN (grep -E)
#   --shell 'CMD'         run CMD (bash) in the guest instead of the tests, from the repo root
#   --bench PARTS         measurements in one boot (scripts/vm/guest-bench.sh), PARTS a comma
#                         list of pktgen (C pkt-gen vs pkt-gen.ts), suite-c, suite-deno (one
#                         Deno process), suite-deno-child (a child per test), deno-start
#   --suite NAME          deno (default) | netmap-c: netmap's utils/tests with its C tools |
#                         netmap-ours: the same tests with our launchers (bin/) first on PATH
#   --per-boot            boot once per test file (netmap's tests leave state in the kernel)
#   --check               type-check in the guest too (the host's `make lint` already does)
#   --timeout SECONDS     per boot (default 900)
#   --no-layout-check     skip `make layout-check` on the host
# Exit status: 0 all passed, 1 a test failed, 2 set-up error, 124 guest timeout.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=vm/common.sh
. "$(dirname "$0")/vm/common.sh"
for part in kernel netmap vlan initrd qemu; do
  # shellcheck source=/dev/null
  . "$VM_ROOT/scripts/vm/$part.sh"
done

usage() { sed -n '6,20s/^# \{0,1\}//p' "$0"; }
q() { printf '%q ' "$@"; }

# Options, as globals: src only shell_cmd bench suite per_boot check secs layout files.
parse_args() {
  src=${1:-}
  if [ "$src" = -h ] || [ "$src" = --help ]; then
    usage
    exit 0
  fi
  [ $# -gt 0 ] && shift
  [ -z "$src" ] && src=${NETMAP_SRC:-}
  only='' shell_cmd='' bench='' suite=deno per_boot=0 check=0 secs=900 layout=1 files=()
  while [ $# -gt 0 ]; do
    case $1 in
      --only) only=${2:?--only needs a PATTERN}; shift ;;
      --shell) shell_cmd=${2:?--shell needs a command}; shift ;;
      --bench) bench=${2:?--bench needs PARTS (pktgen,suite-c,suite-deno,suite-deno-child,deno-start)}; shift ;;
      --suite) suite=${2:?--suite needs deno, netmap-c or netmap-ours}; shift ;;
      --per-boot) per_boot=1 ;;
      --check) check=1 ;;
      --timeout) secs=${2:?--timeout needs SECONDS}; shift ;;
      --no-layout-check) layout=0 ;;
      -h | --help) usage; exit 0 ;;
      -*) vm_die "unknown option $1" "see scripts/vm-test.sh --help" ;;
      *) files+=("$1") ;;
    esac
    shift
  done
  case $suite in deno | netmap-c | netmap-ours) ;; *)
    vm_die "unknown suite '$suite'" "use --suite deno, netmap-c or netmap-ours" ;;
  esac
  [[ $secs =~ ^[0-9]+$ ]] || vm_die "--timeout wants whole seconds, not '$secs'"
  [[ -z $bench || $bench =~ ^((pktgen|suite-c|suite-deno-child|suite-deno|deno-start)(,|$))+$ ]] ||
    vm_die "--bench '$bench' is not a list of parts" "use e.g. --bench pktgen,suite-c,suite-deno"
  [ -n "$bench" ] && [ -n "$shell_cmd" ] && vm_die "--bench and --shell exclude each other"
  # BENCH_SECS and BENCH_PAIRS (host environment) reach guest-bench.sh through the command.
  [[ ${BENCH_SECS:-15} =~ ^[0-9]+$ ]] || vm_die "BENCH_SECS wants whole seconds, not '$BENCH_SECS'"
  [[ ${BENCH_PAIRS:-c:c} =~ ^((c|ts|ts0):(c|ts|ts0)( |$))+$ ]] ||
    vm_die "BENCH_PAIRS='$BENCH_PAIRS' is not a list of rx:tx pairs" "use e.g. BENCH_PAIRS='c:c ts:ts' (tools: c, ts, ts0 = pkt-gen.ts --spin 0)"
  timeout_scale
  vm_netmap_check "$src"
  src=$(cd "$src" && pwd)
}

# The Deno test files (relative to the repository root) -> tests[].
select_tests() {
  local pat f
  tests=()
  if [ ${#files[@]} -eq 0 ]; then
    while read -r pat; do
      for f in $pat; do [ -f "$VM_ROOT/$f" ] && tests+=("$f"); done
    done < <(cd "$VM_ROOT" && sed -e 's/#.*//' -e '/^[[:space:]]*$/d' scripts/vm/tests.txt)
  else
    for f in "${files[@]}"; do
      f=$(realpath -m --relative-to="$VM_ROOT" "$f")
      [ -f "$VM_ROOT/$f" ] || vm_die "no such test file: $f" "give paths inside $VM_ROOT"
      tests+=("$f")
    done
  fi
  if [ -n "$only" ]; then
    mapfile -t tests < <(printf '%s\n' "${tests[@]}" | grep -E -- "$only" || true)
  fi
  local what="no test file to run"
  [ -n "$only" ] && what="no test file matches \"$only\""
  [ ${#tests[@]} -gt 0 ] || vm_die "$what" \
    "list kernel-capable tests in scripts/vm/tests.txt or name files on the command line"
}

# make layout-check (the ffi's comparison of our layout table with netmap's headers), on the
# host, when the target exists. Sets layout_failed.
layout_check() {
  layout_failed=0
  if ! make -C "$VM_ROOT" -n layout-check NETMAP_SRC="$src" >/dev/null 2>&1; then
    vm_log "no 'make layout-check' target: layout check skipped"
    return 0
  fi
  vm_log "make layout-check NETMAP_SRC=$src"
  make -C "$VM_ROOT" -s --no-print-directory layout-check NETMAP_SRC="$src" || {
    vm_log "layout-check FAILED: our layout table differs from netmap's headers"
    layout_failed=1
  }
}

# Does the guest need tshark? VM_TSHARK=1/0 decides; otherwise yes when a selected test file or
# the --shell command mentions it (the piece makes every boot ~150 MB bigger).
want_tshark() {
  VM_INITRD_TSHARK=
  case ${VM_TSHARK:-} in 1) return 0 ;; 0) return 1 ;; '') ;; *)
    vm_die "VM_TSHARK='$VM_TSHARK' is not 0 or 1" "VM_TSHARK=1 adds tshark to the guest, 0 leaves it out" ;;
  esac
  [[ $shell_cmd == *tshark* ]] && return 0
  [ "$suite" = deno ] && [ -z "$shell_cmd$bench" ] && [ ${#tests[@]} -gt 0 ] &&
    (cd "$VM_ROOT" && grep -qlw tshark -- "${tests[@]}")
}

# Kernel, netmap, VLAN module and initramfs pieces -> pieces[], out, work.
prepare() {
  local t0 run_piece
  t0=$(date +%s)
  # One run at a time fills the cache (two would build the same entries); boots may overlap.
  exec 9>"$VM_CACHE/.lock"
  flock -w 1800 9 || vm_die "another vm-test run has held $VM_CACHE/.lock for 30 minutes" \
    "wait for it, or remove the lock file if no vm-test is running"
  vm_kernel_fetch
  vm_netmap_build "$src"
  vm_vlan_build "$src"
  vm_initrd_base
  vm_initrd_netmap
  pieces=("$VM_INITRD_BASE" "$VM_INITRD_NETMAP")
  if [ "$suite" != netmap-c ] || [ -n "$shell_cmd$bench" ]; then
    vm_initrd_deno
    pieces+=("$VM_INITRD_DENO")
  fi
  if want_tshark; then
    vm_initrd_tshark
    [ -n "$VM_INITRD_TSHARK" ] && pieces+=("$VM_INITRD_TSHARK")
  fi
  exec 9>&-
  vm_log "kernel $VM_KVER, netmap $VM_NETMAP_KEY${VM_VLAN_KO:+, vale_vlan.ko}${VM_INITRD_TSHARK:+, tshark};" \
    "prepared in $(($(date +%s) - t0)) s"

  # Console logs and reports of this run; .cache/vm/last points at the newest run.
  out=$VM_CACHE/runs/$(date +%Y%m%d-%H%M%S)-$$
  mkdir -p "$out"
  [ -L "$VM_CACHE/last" ] || rm -rf "$VM_CACHE/last"
  ln -sfn "runs/$(basename "$out")" "$VM_CACHE/last"
  find "$VM_CACHE/runs" -mindepth 1 -maxdepth 1 -mtime +7 -exec rm -rf {} + 2>/dev/null || true
  work=$(mktemp -d "$VM_CACHE/work.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  run_piece=$(vm_initrd_run "$work" "${VM_VLAN_KO:-}")
  pieces+=("$run_piece")
}

# boot_with CMD NAME: one boot running CMD (bash source) in the guest; console in $out/NAME.log;
# the wall time in BOOT_SECONDS. Returns the guest command's status.
boot_with() {
  local rc b0
  mkdir -p "$work/cmd/nms"
  printf '%s\n' "$1" >"$work/cmd/nms/cmd"
  vm_cpio "$work/cmd" "$work/cmd.cpio.gz" gzip
  cat "${pieces[@]}" "$work/cmd.cpio.gz" >"$work/initrd"
  b0=$(date +%s.%N)
  vm_boot "$work/initrd" "$out/$2.log" "$secs" && rc=0 || rc=$?
  BOOT_SECONDS=$(printf '%.1f' "$(echo "$(date +%s.%N) - $b0" | bc)")
  return "$rc"
}

# --bench: one boot; the NMS-BENCH lines of the console are the result.
run_bench() {
  local rc=0 cmd
  [ -n "${BENCH_SECS:-}" ] && cmd+="BENCH_SECS=$BENCH_SECS "
  [ -n "${BENCH_PAIRS:-}" ] && cmd+="BENCH_PAIRS=$(q "$BENCH_PAIRS")"
  boot_with "${cmd:-}bash scripts/vm/guest-bench.sh $bench" bench || rc=$?
  vm_log "bench ($([ "${VM_BACKEND:-kernel}" = uvale ] && echo uvale || echo kernel netmap)," \
    "$VM_KVER, $(nproc) host CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)):" \
    "exit $rc in $BOOT_SECONDS s (console: $out/bench.log)"
  tr -d '\r' <"$out/bench.log" | grep -a '^NMS-BENCH ' | sed 's/^NMS-BENCH /vm-test:   /' >&2
  return "$rc"
}

run_shell() {
  local rc=0
  boot_with "$shell_cmd" shell || rc=$?
  vm_log "boot + command: ${BOOT_SECONDS} s, exit $rc (console: $out/shell.log)"
  return "$rc"
}

# The factor for the tests' time limits in the guest (tests/core_harness.ts): the host's
# NMSCRIPT_TEST_TIMEOUT_SCALE when set, else 4 under TCG (everything runs several times slower)
# and 1 with KVM. Sets test_scale.
timeout_scale() {
  local scale=${NMSCRIPT_TEST_TIMEOUT_SCALE:-}
  if [ -z "$scale" ]; then
    scale=1
    [ "$VM_ACCEL" = tcg ] && scale=4
  fi
  if ! [[ $scale =~ ^[0-9]+([.][0-9]+)?$ ]] || [[ $scale =~ ^0+([.]0*)?$ ]]; then
    vm_die "NMSCRIPT_TEST_TIMEOUT_SCALE='$scale' is not a positive number" \
      "unset it (4 under TCG, 1 with KVM) or give a factor such as 4"
  fi
  test_scale=$scale
}

# Deno tests: one boot for all files, or (--per-boot) one per file, so that state a test leaves
# in the kernel (switches, persistent ports) cannot fail the files after it.
run_deno() {
  local groups g k=0 r rc=0 np=0 nf=0 ns=0 p f s total=0 opt='' env
  [ "$check" = 1 ] && opt=--check
  env="NMSCRIPT_TEST_TIMEOUT_SCALE=$test_scale"
  if [ "$per_boot" = 1 ]; then groups=("${tests[@]}"); else groups=("$(q "${tests[@]}")"); fi
  for g in "${groups[@]}"; do
    k=$((k + 1))
    if [ "$per_boot" = 1 ]; then g=$(q "$g") && g=${g% }; fi
    r=0
    boot_with "$env bash scripts/vm/guest-deno.sh $opt $g" "deno-$k" || r=$?
    total=$(echo "$total + $BOOT_SECONDS" | bc)
    [ "$r" = 0 ] || rc=$r
    if vm_extract_file "$out/deno-$k.log" junit.xml "$out/junit-$k.xml" &&
      [ -s "$out/junit-$k.xml" ]; then
      read -r p f s < <("$VM_ROOT/node_modules/.bin/deno" run --allow-read="$out" \
        "$VM_ROOT/scripts/junit-counts.ts" "$out/junit-$k.xml")
      np=$((np + p)) nf=$((nf + f)) ns=$((ns + s))
      [ "$per_boot" = 1 ] && vm_log "$g: $p passed, $f failed, $s skipped in $BOOT_SECONDS s"
    else
      vm_log "no test report came back from the guest for $g (console: $out/deno-$k.log)"
      nf=$((nf + 1))
      [ "$rc" = 0 ] && rc=1
    fi
  done
  vm_log "$([ "${VM_BACKEND:-kernel}" = uvale ] && echo "uvale in the guest" || echo "kernel netmap") ($VM_KVER): $np passed, $nf failed, $ns skipped in $total s" \
    "($k boot(s); JUnit: $out/junit-*.xml; consoles: $out/deno-*.log)"
  return "$rc"
}

# netmap's own bash tests with netmap's C tools (c) or our launchers (ours).
run_netmap() {
  local mode=${suite#netmap-} ntests t r rc=0 total=0 npass=0 nfail=0
  ntests=()
  for t in "$VM_NETMAP"/guest/netmap/utils/tests/*; do
    t=${t##*/}
    [[ $t =~ ${only:-.} ]] && ntests+=("$t")
  done
  [ ${#ntests[@]} -gt 0 ] || vm_die "no netmap test matches '$only'" "see $src/utils/tests"
  if [ "$mode" = ours ] && [ ! -x "$VM_ROOT/bin/functional" ]; then
    vm_die "bin/ has no drop-in launchers" "run 'make install' first"
  fi
  if [ "$per_boot" = 0 ]; then
    boot_with "bash scripts/vm/guest-netmap.sh $mode $(q "${ntests[@]}")" netmap || rc=$?
    vm_log "netmap suite ($mode tools), one boot: exit $rc in $BOOT_SECONDS s" \
      "(console: $out/netmap.log)"
    return "$rc"
  fi
  for t in "${ntests[@]}"; do
    r=0
    boot_with "bash scripts/vm/guest-netmap.sh $mode $(q "$t")" "netmap-$t" || r=$?
    total=$(echo "$total + $BOOT_SECONDS" | bc)
    if [ "$r" = 0 ]; then npass=$((npass + 1)); else nfail=$((nfail + 1)) rc=$r; fi
    vm_log "$t: $([ "$r" = 0 ] && echo PASS || echo "FAIL ($r)") in $BOOT_SECONDS s"
  done
  vm_log "netmap suite ($mode tools), one boot per test: $npass passed, $nfail failed," \
    "total $total s (consoles: $out/netmap-*.log)"
  return "$rc"
}

main() {
  local rc=0
  parse_args "$@"
  mkdir -p "$VM_CACHE"
  vm_require_tools
  [ -f "$VM_ROOT/build/libnmscript.so" ] ||
    vm_log "warning: build/libnmscript.so is missing: run 'make build' (make vm-test does it)"
  [ "$suite" = deno ] && [ -z "$shell_cmd$bench" ] && select_tests
  layout_failed=0
  [ "$layout" = 1 ] && [ -z "$shell_cmd$bench" ] && layout_check
  prepare
  if [ -n "$shell_cmd" ]; then
    run_shell || rc=$?
  elif [ -n "$bench" ]; then
    run_bench || rc=$?
  elif [ "$suite" = deno ]; then
    run_deno || rc=$?
  else
    run_netmap || rc=$?
  fi
  [ "$rc" = 0 ] && [ "$layout_failed" = 1 ] && rc=1
  exit "$rc"
}

# Everything runs from main, so that editing this file during a run cannot confuse bash.
main "$@"
