# shellcheck shell=bash
# Our VLAN module (kernel/) for the guest, built against the guest kernel and the netmap built
# by netmap.sh. The module is optional: until kernel/ has a Makefile, or when its build fails,
# the run goes on without it (with a warning) and the VLAN tests skip themselves.
# kernel/Makefile builds in O= (a copy of the sources), here in the cache: the work tree gets no
# objects.

vm_vlan_build() { # SRC -> VM_VLAN_KO (empty when not built)
  local src=$1 key dir
  VM_VLAN_KO=
  if [ ! -f "$VM_ROOT/kernel/Makefile" ]; then
    vm_log "no kernel/Makefile yet: the guest runs without vale_vlan.ko"
    return 0
  fi
  key=$(vm_tree_hash "$VM_ROOT/kernel")-$VM_NETMAP_KEY
  dir=$VM_CACHE/vlan/$key
  if [ ! -f "$dir/ok" ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    # O goes in the environment: on make's command line it would reach kbuild's sub-make too,
    # which takes O= as the kernel's own output directory.
    if ! O="$dir/out" make -C "$VM_ROOT/kernel" NETMAP_SRC="$src" NETMAP_BUILD="$VM_NETMAP/build" \
      KSRC="$VM_KDIR" >"$dir/make.log" 2>&1; then
      vm_log "warning: the VLAN module did not build (the guest runs without it); end of $dir/make.log:"
      tail -n 15 "$dir/make.log" | sed 's/^/    /' >&2
      return 0
    fi
    touch "$dir/ok"
  fi
  VM_VLAN_KO=$(find "$dir/out" -name 'vale_vlan.ko' | head -n 1)
  [ -n "$VM_VLAN_KO" ] || vm_log "warning: kernel/ built but produced no vale_vlan.ko"
}
