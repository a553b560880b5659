# kernel/: the VLAN forwarding core and configuration state machine
# (OS-independent, linked into uvale and into the Linux module) and their
# user-space tests, built plain and under ASan+UBSan. The Linux module itself
# builds with   make -C kernel NETMAP_SRC=... KSRC=...   (or: make vlan-module).

VLAN_CORE_SRCS := kernel/vlan_core.c kernel/vlan_conf.c
VLAN_CORE_HDRS := kernel/vale_vlan_abi.h kernel/vv_os.h kernel/vlan_core.h kernel/vlan_conf.h
VLAN_TEST_SUPPORT := kernel/tests/vv_sim.c
VLAN_TEST_HDRS := kernel/tests/vv_sim.h kernel/tests/vv_check.h
VLAN_TESTS := test_vlan_core test_vlan_conf fuzz_vlan_conf

C_TESTS += $(addprefix $(BUILD)/kernel/,$(VLAN_TESTS)) \
	   $(addprefix $(BUILD)/kernel/asan/,$(VLAN_TESTS))

VLAN_TEST_DEPS = kernel/tests/%.c $(VLAN_CORE_SRCS) $(VLAN_TEST_SUPPORT) \
		 $(VLAN_CORE_HDRS) $(VLAN_TEST_HDRS)

$(BUILD)/kernel/asan/%: $(VLAN_TEST_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(CWARN) $(SANFLAGS) -Ikernel -o $@ $< $(VLAN_CORE_SRCS) $(VLAN_TEST_SUPPORT)

$(BUILD)/kernel/%: $(VLAN_TEST_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(CWARN) $(CFLAGS) -Ikernel -o $@ $< $(VLAN_CORE_SRCS) $(VLAN_TEST_SUPPORT)

.PHONY: test-vlan vlan-module
# Only the VLAN tests (fast; what test-c runs for kernel/).
test-vlan: $(addprefix $(BUILD)/kernel/,$(VLAN_TESTS)) $(addprefix $(BUILD)/kernel/asan/,$(VLAN_TESTS))
	@set -e; for t in $^; do echo "== $$t"; $$t; done

# The Linux module against a netmap tree built for KSRC (see kernel/README.md).
vlan-module:
	$(MAKE) -C kernel NETMAP_SRC="$(NETMAP_SRC)" KSRC="$(KSRC)"
