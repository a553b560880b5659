# shellcheck shell=bash
# shellcheck disable=SC2034 # sets globals (VM_*) for scripts/vm-test.sh
# netmap for the guest, built from the user's tree against the guest kernel's headers.
# The build runs out of tree in $VM_CACHE/netmap/<key>/build (the source tree is never written);
# <key> hashes the tree's contents, the kernel version and this recipe, so a second run with the
# same tree reuses it. Sets VM_NETMAP (the cache entry) with:
#   build/                 configure + make output (netmap.ko, build-apps/, build-utils/, Module.symvers)
#   guest/netmap/          what the guest gets: netmap.ko, bin/ (C tools), utils/{test_lib,tests}

# vm_netmap_check SRC: refuse anything that is not a netmap source tree.
vm_netmap_check() {
  [ -n "$1" ] || vm_die "NETMAP_SRC is not set" \
    "give a netmap source tree: make vm-test NETMAP_SRC=/path/to/netmap (git clone https://github.com/luigirizzo/netmap)"
  [ -d "$1" ] || vm_die "NETMAP_SRC=$1 does not exist" "give the path of a netmap source tree"
  local f
  for f in sys/net/netmap.h sys/dev/netmap/netmap.c LINUX configure utils/test_lib utils/tests; do
    [ -e "$1/$f" ] || vm_die "NETMAP_SRC=$1 is not a netmap source tree (no $f)" \
      "point NETMAP_SRC at the top of a netmap checkout (the directory holding sys/, LINUX/, utils/)"
  done
}

vm_netmap_build() { # SRC (absolute); needs VM_KVER, VM_KDIR
  local src=$1 key dir b
  key=$(vm_tree_hash "$src")-$VM_KVER-$(vm_file_hash "${BASH_SOURCE[0]}")
  dir=$VM_CACHE/netmap/$key
  VM_NETMAP=$dir
  VM_NETMAP_KEY=$key
  [ -f "$dir/ok" ] && return 0
  vm_log "building netmap from $src for $VM_KVER (about 2 minutes; cached in $dir)"
  rm -rf "$dir"
  mkdir -p "$dir/build"
  b=$dir/build
  (cd "$b" && "$src/configure" --kernel-dir="$VM_KDIR" --no-drivers) >"$dir/configure.log" 2>&1 ||
    vm_fail_log "netmap configure" "$dir/configure.log"
  make -C "$b" -j"$(nproc)" >"$dir/make.log" 2>&1 || vm_fail_log "netmap make" "$dir/make.log"
  [ -f "$b/netmap.ko" ] || vm_fail_log "netmap make (no netmap.ko produced)" "$dir/make.log"

  local g=$dir/guest/netmap t f
  mkdir -p "$g/bin" "$g/utils"
  cp "$b/netmap.ko" "$g/"
  # netmap's C tools and the helpers its bash tests call (008 uses get_*_tx_packets).
  for t in pkt-gen vale-ctl lb bridge nmreplay tlem functional functional-legacy fd_server \
    fd_server-legacy get_max_tx_packets get_avail_tx_packets; do
    f=$(find "$b/build-apps" "$b/build-utils" -type f -name "$t" -perm -u+x 2>/dev/null | head -n 1)
    [ -n "$f" ] && cp "$f" "$g/bin/"
  done
  for t in functional vale-ctl pkt-gen fd_server; do
    [ -x "$g/bin/$t" ] || vm_fail_log "netmap make (no $t built)" "$dir/make.log"
  done
  cp -a "$src/utils/test_lib" "$src/utils/tests" "$g/utils/"
  touch "$dir/ok"
}
