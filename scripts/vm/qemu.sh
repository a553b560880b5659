# shellcheck shell=bash
# Boot the guest once: QEMU (TCG; KVM is not available here) with the Debian kernel and the
# concatenated initramfs, serial console on stdout. The guest prints "NMS-VM-EXIT: <status>"
# before powering off; vm_boot returns that status, or 124 when the guest did not finish in time.

VM_MEM=${VM_MEM:-4G} # the default test list leaks #882 ports and asks for large extra-buffer pools
VM_SMP=${VM_SMP:-2}
VM_ACCEL=${VM_ACCEL:-tcg} # VM_ACCEL=kvm where /dev/kvm works
VM_CPU=${VM_CPU:-max}     # QEMU's CPU model; Nehalem: no AVX, which TCG emulates slowly
# The guest's clocksource. Left to itself, the kernel finds the TSC unstable under TCG and falls
# back to the HPET, where every clock read (Deno's timers, V8, performance.now()) is a system
# call plus an emulated device access; real hardware and KVM guests read the TSC (or kvm-clock)
# in user space. VM_CLOCKSOURCE=default keeps the kernel's choice.
VM_CLOCKSOURCE=${VM_CLOCKSOURCE:-tsc}

# vm_boot INITRD CONSOLE_LOG SECONDS
vm_boot() {
  local initrd=$1 log=$2 secs=$3 rc clock=''
  [ "$VM_CLOCKSOURCE" = default ] || clock=" clocksource=$VM_CLOCKSOURCE tsc=reliable"
  set +e
  timeout --foreground -k 5 "$secs" qemu-system-x86_64 -accel "$VM_ACCEL" -cpu "$VM_CPU" -smp "$VM_SMP" \
    -m "$VM_MEM" -display none -monitor none -serial stdio -no-reboot -nodefaults \
    -kernel "$VM_KROOT/boot/vmlinuz-$VM_KVER" -initrd "$initrd" \
    -append "console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init$clock" </dev/null 2>&1 |
    tee "$log" | awk '/^NMS-VM-FILE-BEGIN/ {skip = 1; next} /^NMS-VM-FILE-END/ {skip = 0; next}
      /^NMS-VM-EXIT:/ {next} !skip {print; fflush()}'
  local st=${PIPESTATUS[0]}
  set -e
  rc=$(tr -d '\r' <"$log" | grep -ao '^NMS-VM-EXIT: [0-9]*' | tail -n 1 | grep -o '[0-9]*$')
  [ -n "$rc" ] && return "$rc"
  if [ "$st" = 124 ] || [ "$st" = 137 ]; then
    vm_log "the guest did not finish within ${secs}s: stopped (--timeout SECONDS; console: $log)"
    return 124
  fi
  if grep -aq 'Kernel panic' "$log"; then
    vm_log "the guest kernel panicked (console: $log)"
    return 125
  fi
  vm_log "qemu stopped (status $st) before the guest finished; end of $log:"
  tail -n 5 "$log" | sed 's/^/    /' >&2
  return 2
}

# vm_extract_file LOG NAME OUT: a file the guest printed as base64 between
# "NMS-VM-FILE-BEGIN NAME" and "NMS-VM-FILE-END NAME".
vm_extract_file() {
  tr -d '\r' <"$1" | awk -v n="$2" '$0 == "NMS-VM-FILE-END " n {p=0} p {print}
    $0 == "NMS-VM-FILE-BEGIN " n {p=1}' | base64 -d 2>/dev/null | gunzip >"$3" 2>/dev/null
}
