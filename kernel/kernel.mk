# kernel/: the VLAN forwarding core (OS-independent, linked into uvale and the
# module) and its user-space tests. The Linux module itself builds with
#   make -C kernel NETMAP_SRC=... KSRC=...
VLAN_CORE_SRCS := $(wildcard kernel/vlan_core*.c)
