# shellcheck shell=bash
# shellcheck disable=SC2034 # sets globals (VM_*) for scripts/vm-test.sh
# The guest kernel: Debian 12's newest linux-image-6.1.0-N-amd64 with its headers and kbuild,
# fetched with `apt-get download` (never installed on the host) and unpacked under
# $VM_CACHE/kernel/<version>/root. Sets VM_KVER, VM_KROOT (unpacked root), VM_KDIR (headers).

vm_kernel_pick() {
  apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64$' 2>/dev/null |
    awk '{print $1}' | sort -V | tail -n 1
}

vm_kernel_fetch() {
  local abi kver common dir
  if [ -n "${VM_KERNEL:-}" ]; then
    abi=linux-image-$VM_KERNEL
  else
    abi=$(vm_kernel_pick)
    if [ -z "$abi" ]; then
      apt-get update -qq >/dev/null 2>&1 || true
      abi=$(vm_kernel_pick)
    fi
  fi
  [ -n "$abi" ] || vm_die "no Debian 12 linux-image-6.1.0-*-amd64 package is known to apt" \
    "check /etc/apt/sources.list (bookworm main) and run apt-get update"
  kver=${abi#linux-image-}
  common=${kver%-amd64}-common
  dir=$VM_CACHE/kernel/$kver
  if [ ! -f "$dir/ok" ]; then
    vm_log "downloading kernel $kver, its headers and busybox (apt-get download)"
    rm -rf "$dir"
    mkdir -p "$dir/debs" "$dir/root"
    (cd "$dir/debs" && apt-get download -o APT::Sandbox::User=root -qq "$abi" \
      "linux-headers-$kver" "linux-headers-$common" linux-kbuild-6.1 busybox-static) \
      >"$dir/download.log" 2>&1 || vm_fail_log "apt-get download of kernel $kver" "$dir/download.log"
    local d
    for d in "$dir"/debs/*.deb; do
      dpkg-deb -x "$d" "$dir/root" || vm_die "cannot unpack $d" "delete $dir and retry"
    done
    # Debian's headers include their -common half by absolute path: point it into the cache.
    sed -i "s#include /usr/src/#include $dir/root/usr/src/#" \
      "$dir/root/usr/src/linux-headers-$kver/Makefile"
    touch "$dir/ok"
  fi
  VM_KVER=$kver
  VM_KROOT=$dir/root
  VM_KDIR=$dir/root/usr/src/linux-headers-$kver
  [ -f "$VM_KROOT/boot/vmlinuz-$kver" ] || vm_die "kernel image missing in $dir" "delete $dir and retry"
}
