# shellcheck shell=bash
# Shared helpers of scripts/vm-test.sh and its parts (sourced, never run).
# Every failure goes through vm_die with what went wrong and what to do about it.

# The repository root (the guest sees it at the same absolute path) and the download/build cache.
VM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VM_CACHE=${VM_CACHE:-$VM_ROOT/.cache/vm}

vm_log() { printf 'vm-test: %s\n' "$*" >&2; }

# vm_die MESSAGE [HINT]: print both and exit 2 (1 is kept for "tests failed").
vm_die() {
  printf 'vm-test: error: %s\n' "$1" >&2
  [ -n "${2:-}" ] && printf 'vm-test:   -> %s\n' "$2" >&2
  exit 2
}

# vm_fail_log WHAT LOGFILE: a build step failed; show the end of its log and stop.
vm_fail_log() {
  printf 'vm-test: error: %s failed; last lines of %s:\n' "$1" "$2" >&2
  tail -n 25 "$2" | sed 's/^/    /' >&2
  exit 2
}

# vm_require_tools: qemu, cpio and friends on the host; installs them with apt when root.
vm_require_tools() {
  local need=()
  command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
  command -v cpio >/dev/null || need+=(cpio)
  command -v gzip >/dev/null || need+=(gzip)
  command -v make >/dev/null || need+=(make)
  command -v cc >/dev/null || need+=(gcc libc6-dev)
  command -v bc >/dev/null || need+=(bc)
  [ ${#need[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || vm_die "missing host tools: ${need[*]}" "apt-get install ${need[*]}"
  vm_log "installing ${need[*]} (apt-get)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" \
    >"$VM_CACHE/apt.log" 2>&1 || {
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" \
      >"$VM_CACHE/apt.log" 2>&1 || vm_fail_log "apt-get install ${need[*]}" "$VM_CACHE/apt.log"
  }
}

# vm_tree_hash DIR: a short content hash of a source tree, ignoring build products, so that
# the same sources give the same cache entry wherever they live.
vm_tree_hash() {
  (cd "$1" && find . -type f \
    ! -path './.git/*' ! -path './build-*' ! -name '*.o' ! -name '*.ko' ! -name '*.mod' \
    ! -name '*.mod.c' ! -name '.*.cmd' ! -name '*.a' ! -name '*.so' ! -name 'Module.symvers' \
    ! -name 'modules.order' ! -name 'config.log' -print0 |
    LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
}

# vm_file_hash FILE...: a short hash of some files' contents.
vm_file_hash() { cat "$@" | sha256sum | cut -c1-16; }
