# shellcheck shell=bash
# shellcheck disable=SC2034 # sets globals (VM_*) for scripts/vm-test.sh
# The guest's root file system: an initramfs made of concatenated cpio archives (Linux unpacks
# them in order). The three big, slow-changing pieces are cached; only the last one is rebuilt
# for every run:
#   base-<key>.cpio.gz    busybox, bash, ip, their libraries, kernel modules for veth/VLAN tests
#   netmap-<key>.cpio.gz  /netmap: netmap.ko, netmap's C tools (+ libraries), utils/test_lib+tests
#   deno-<key>.cpio       the Deno ELF binary at $VM_ROOT/node_modules/deno/deno (uncompressed:
#                         the guest copies it faster than it could inflate it)
#   tshark-<key>.cpio     tshark + dumpcap from the host, when a test needs them
#   run.cpio.gz           the repository at its host path, vale_vlan.ko, /init
#   cmd.cpio.gz           /nms/cmd, the command of one boot

# Kernel modules (beyond netmap) the guest loads at boot, dependencies resolved here.
VM_GUEST_MODULES=(veth 8021q)

# vm_cpio DIR OUT [gzip]: pack DIR as a newc cpio owned by root.
vm_cpio() {
  local tmp=$2.$$.tmp
  if [ "${3:-}" = gzip ]; then
    (cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1) >"$tmp"
  else
    (cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$tmp"
  fi
  # Linux reads the headers of an uncompressed archive at 4-byte aligned offsets of the whole
  # image, and skips zeros between archives: round every piece up to 512 bytes.
  truncate -s %512 "$tmp"
  mv "$tmp" "$2"
}

# vm_add_libs ROOT BIN...: copy the shared libraries and loader of dynamic binaries into ROOT.
vm_add_libs() {
  local r=$1 l
  shift
  ldd "$@" 2>/dev/null | grep -Eo '/[^ :]+\.so[^ :]*' | sort -u | while read -r l; do
    [ -e "$l" ] || continue
    mkdir -p "$r$(dirname "$l")"
    cp -L "$l" "$r$l"
  done
}

# vm_module_path NAME: the .ko of a module of the guest kernel.
vm_module_path() {
  find "$VM_KROOT/lib/modules/$VM_KVER/kernel" -name "$1.ko" | head -n 1
}

# vm_module_order NAME...: the modules with their dependencies, dependencies first.
vm_module_order() {
  local m ko deps
  for m in "$@"; do
    ko=$(vm_module_path "$m")
    [ -n "$ko" ] || vm_die "kernel module $m not found in $VM_KVER" "edit VM_GUEST_MODULES in ${BASH_SOURCE[0]}"
    deps=$(tr '\0' '\n' <"$ko" | sed -n 's/^depends=//p' | tr ',' ' ')
    # shellcheck disable=SC2086
    [ -n "$deps" ] && vm_module_order $deps
    echo "$m"
  done
}

vm_initrd_base() { # -> VM_INITRD_BASE
  local key out w m ko
  key=$VM_KVER-$(vm_file_hash "${BASH_SOURCE[0]}" "$(command -v bash)" "$(command -v ip)")
  out=$VM_CACHE/initrd/base-$key.cpio.gz
  VM_INITRD_BASE=$out
  [ -f "$out" ] && return 0
  mkdir -p "$VM_CACHE/initrd"
  w=$(mktemp -d "$VM_CACHE/initrd/base.XXXXXX")
  mkdir -p "$w"/{bin,sbin,proc,sys,dev,tmp,root,etc,usr/local/bin,lib/nms-modules}
  chmod 1777 "$w/tmp"
  cp "$VM_KROOT/bin/busybox" "$w/bin/busybox"
  cp -L "$(command -v bash)" "$(command -v ip)" "$w/usr/local/bin/"
  vm_add_libs "$w" "$(command -v bash)" "$(command -v ip)"
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$w/etc/passwd"
  printf 'root:x:0:\n' >"$w/etc/group"
  printf '127.0.0.1 localhost\n' >"$w/etc/hosts"
  for m in $(vm_module_order "${VM_GUEST_MODULES[@]}" | awk '!seen[$0]++'); do
    ko=$(vm_module_path "$m")
    cp "$ko" "$w/lib/nms-modules/"
    echo "$m" >>"$w/lib/nms-modules/order"
  done
  vm_cpio "$w" "$out" gzip
  rm -rf "$w"
}

vm_initrd_netmap() { # -> VM_INITRD_NETMAP (needs VM_NETMAP, VM_NETMAP_KEY)
  local out=$VM_CACHE/initrd/netmap-$VM_NETMAP_KEY.cpio.gz w
  VM_INITRD_NETMAP=$out
  [ -f "$out" ] && return 0
  w=$(mktemp -d "$VM_CACHE/initrd/netmap.XXXXXX")
  cp -a "$VM_NETMAP/guest/." "$w/"
  vm_add_libs "$w" "$w"/netmap/bin/*
  vm_cpio "$w" "$out" gzip
  rm -rf "$w"
}

vm_initrd_deno() { # -> VM_INITRD_DENO
  local bin key out w
  bin=$(readlink -f "$VM_ROOT/node_modules/deno/deno" 2>/dev/null || true)
  [ -n "$bin" ] && [ "$(head -c 4 "$bin" | tail -c 3)" = ELF ] ||
    bin=$(find "$VM_ROOT/node_modules/@deno" -maxdepth 2 -type f -name deno 2>/dev/null | head -n 1)
  [ -x "${bin:-/nonexistent}" ] || vm_die "no Deno binary under $VM_ROOT/node_modules" \
    "run scripts/setup.sh (or make deps) to install the pinned Deno"
  # the piece holds VM_ROOT's path: two checkouts sharing one cache need two pieces
  key=$(stat -c '%s-%Y' "$bin")-$(vm_file_hash "${BASH_SOURCE[0]}")-$(printf '%s' "$VM_ROOT" |
    sha256sum | cut -c1-8)
  out=$VM_CACHE/initrd/deno-$key.cpio
  VM_INITRD_DENO=$out
  [ -f "$out" ] && return 0
  w=$(mktemp -d "$VM_CACHE/initrd/deno.XXXXXX")
  mkdir -p "$w$VM_ROOT/node_modules/deno" "$w$VM_ROOT/node_modules/.bin" "$w/usr/local/bin"
  cp "$bin" "$w$VM_ROOT/node_modules/deno/deno"
  ln -s ../deno/deno "$w$VM_ROOT/node_modules/.bin/deno"
  ln -s "$VM_ROOT/node_modules/deno/deno" "$w/usr/local/bin/deno"
  vm_add_libs "$w" "$bin"
  vm_cpio "$w" "$out"
  rm -rf "$w"
}

# vm_initrd_tshark: tshark and dumpcap from the host (Debian 12's wireshark packages), their
# libraries and /usr/share/wireshark, for tests that check captures with tshark
# (tests/vlan_interop_test.ts on kernel netmap). Uncompressed, like the Deno piece: ~150 MB that
# the guest copies faster than it could inflate. -> VM_INITRD_TSHARK (empty: no tshark on the host)
vm_initrd_tshark() {
  local ts dc key out w
  VM_INITRD_TSHARK=
  ts=$(command -v tshark || true) dc=$(command -v dumpcap || true)
  if [ -z "$ts" ] || [ -z "$dc" ]; then
    vm_log "warning: no tshark/dumpcap on the host: the guest runs without them" \
      "(apt-get install tshark)"
    return 0
  fi
  ts=$(readlink -f "$ts") dc=$(readlink -f "$dc")
  key=$(vm_file_hash "${BASH_SOURCE[0]}" "$ts" "$dc" "$(ldd "$ts" | grep -o '/[^ ]*libwireshark[^ ]*' | head -n 1)")
  out=$VM_CACHE/initrd/tshark-$key.cpio
  VM_INITRD_TSHARK=$out
  [ -f "$out" ] && return 0
  mkdir -p "$VM_CACHE/initrd"
  w=$(mktemp -d "$VM_CACHE/initrd/tshark.XXXXXX")
  chmod 755 "$w" # the archive's "." is the guest's /
  # at their host paths (tshark runs dumpcap from its own directory), on PATH via /usr/local/bin
  mkdir -p "$w/usr/bin" "$w/usr/local/bin" "$w/usr/share"
  cp "$ts" "$dc" "$w/usr/bin/"
  # tshark takes ~5 s to load its dissectors under TCG before it captures, while a capture to
  # a file (-i ... -w FILE, no -r) is dumpcap's work anyway: the guest's tshark hands those
  # straight to dumpcap, which starts in well under a second. Reading (-r) is real tshark.
  cat >"$w/usr/local/bin/tshark" <<'SHIM'
#!/bin/sh
# vm-test guest: captures to a file go straight to dumpcap (see scripts/vm/initrd.sh).
case " $* " in *" -r "*) ;; *" -i "*" -w "*) exec /usr/bin/dumpcap "$@" ;; esac
exec /usr/bin/tshark "$@"
SHIM
  chmod 755 "$w/usr/local/bin/tshark"
  ln -s /usr/bin/dumpcap "$w/usr/local/bin/dumpcap"
  vm_add_libs "$w" "$ts" "$dc"
  [ -d /usr/share/wireshark ] && cp -a /usr/share/wireshark "$w/usr/share/"
  vm_cpio "$w" "$out"
  rm -rf "$w"
}

# vm_initrd_run WORKDIR [VLAN_KO]: the per-run piece; prints its path. The command each boot
# runs comes in one more tiny piece (/nms/cmd), so that many boots share this one.
vm_initrd_run() {
  local work=$1 vlan=${2:-} r=$1/run p
  mkdir -p "$r$VM_ROOT" "$r/nms"
  for p in build bin bench mod.ts src scripts tests deno.json package.json; do
    [ -e "$VM_ROOT/$p" ] && cp -a "$VM_ROOT/$p" "$r$VM_ROOT/"
  done
  # the library's declarations, which tests/core_timer_test.ts checks SYMBOLS against
  mkdir -p "$r$VM_ROOT/ffi"
  cp -a "$VM_ROOT/ffi/include" "$r$VM_ROOT/ffi/"
  # Object directories and old reports are of no use in the guest.
  rm -rf "$r$VM_ROOT/tests/out" "$r$VM_ROOT"/build/*-obj "$r$VM_ROOT"/build/*.xml
  cp "$VM_ROOT/scripts/vm/init" "$r/init"
  chmod 755 "$r/init"
  # VM_BACKEND (host environment): the guest's NMSCRIPT_BACKEND, kernel netmap by default.
  case ${VM_BACKEND:=kernel} in kernel | uvale) ;; *)
    vm_die "VM_BACKEND='$VM_BACKEND' is not a backend" "use VM_BACKEND=kernel or VM_BACKEND=uvale" ;;
  esac
  printf 'VM_ROOT=%s\nVM_KVER=%s\nVM_BACKEND=%s\n' "$VM_ROOT" "$VM_KVER" "$VM_BACKEND" >"$r/nms/env"
  [ -n "$vlan" ] && cp "$vlan" "$r/nms/vale_vlan.ko"
  vm_cpio "$r" "$work/run.cpio.gz" gzip
  echo "$work/run.cpio.gz"
}
