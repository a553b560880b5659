#!/bin/bash
# Guest side of `scripts/vm-test.sh --suite netmap-c|netmap-ours`: netmap's own bash tests
# (utils/tests, sourcing utils/test_lib) the way netmap's randomized_tests runs them: fd server
# started before each test and closed after it.
# Usage (in the guest): guest-netmap.sh c|ours TEST_NAME...
#   c     netmap's C tools (functional, fd_server, vale-ctl from /netmap/bin)
#   ours  our drop-in launchers ($VM_ROOT/bin, from `make install`) first on PATH
set -u
mode=$1
shift
# tests/bash/bin: stand-ins for the C helpers test 008 calls (get_max_tx_packets, ...)
[ "$mode" = ours ] && export PATH="$VM_ROOT/bin:$VM_ROOT/tests/bash/bin:$PATH"
echo "== netmap's tests with: $(command -v functional) $(command -v fd_server) $(command -v vale-ctl)"
cd /netmap/utils || exit 2

centis() { # time since boot in hundredths of a second (busybox date has no %N)
  local s
  read -r s _ </proc/uptime
  echo "${s/./}"
}

pass=0 fail=0 t_all=$(centis)
for t in "$@"; do
  t0=$(centis)
  functional -c >/dev/null 2>&1
  functional -o >/dev/null 2>&1 || echo "$t: could not start the fd server"
  timeout 120 bash "tests/$t"
  rc=$?
  functional -c >/dev/null 2>&1
  dt=$(($(centis) - t0))
  if [ "$rc" = 0 ]; then
    pass=$((pass + 1))
    res=PASS
  else
    fail=$((fail + 1))
    res="FAIL (exit $rc)"
  fi
  printf 'NMS-VM-NETMAP-TEST %s %s %d.%02d s\n' "$t" "$res" $((dt / 100)) $((dt % 100))
done
dt=$(($(centis) - t_all))
printf 'NMS-VM-NETMAP: %d passed, %d failed in %d.%02d s (tests only, %s tools)\n' \
  "$pass" "$fail" $((dt / 100)) $((dt % 100)) "$mode"
[ "$fail" = 0 ]
