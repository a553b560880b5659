# ffi/: libnmscript.so (kernel backend, layout table, fd passing; links uvale),
# the layout printer, the layout check against netmap's headers, and the C
# unit tests (plain and under ASan+UBSan).
# Owned by the ffi core; other areas add sources through UVALE_LIB_SRCS
# (ffi/uvale/uvale.mk; until it exists, UVALE_SRCS) and VLAN_CORE_SRCS
# (kernel/kernel.mk), and link flags through UVALE_LDLIBS.
#
# Those fragments are included after this one, so every list that uses them
# is expanded late: rules name them as $$(...) under .SECONDEXPANSION.

.SECONDEXPANSION:

FFI_SRCS := $(wildcard ffi/src/*.c)
FFI_HDRS := $(wildcard ffi/include/*.h) $(wildcard ffi/src/*.h)

NMS_LIB_SRCS = $(FFI_SRCS) $(if $(UVALE_LIB_SRCS),$(UVALE_LIB_SRCS),$(UVALE_SRCS)) $(VLAN_CORE_SRCS)
NMS_LIB_OBJS = $(patsubst %.c,$(BUILD)/lib-obj/%.o,$(NMS_LIB_SRCS))
NMS_LIB_SAN_OBJS = $(patsubst %.c,$(BUILD)/lib-san-obj/%.o,$(NMS_LIB_SRCS))
NMS_LDLIBS = -lpthread $(UVALE_LDLIBS)
NMS_SAN_CFLAGS = $(CSTD) $(CWARN) $(SANFLAGS) -fPIC -Iffi/include -Ikernel

BUILD_TARGETS += $(BUILD)/libnmscript.so $(BUILD)/layout

# ---- objects (one set for the library, one sanitized set for the tests) ----
$(BUILD)/lib-obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/lib-san-obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(NMS_SAN_CFLAGS) -MMD -MP -c -o $@ $<

# objects reached through the test pattern rules are not throw-away intermediates
.PRECIOUS: $(BUILD)/lib-obj/%.o $(BUILD)/lib-san-obj/%.o

-include $(shell find $(BUILD)/lib-obj $(BUILD)/lib-san-obj $(BUILD)/tests -name '*.d' 2>/dev/null)

# ---- the library and the layout printer ----
$(BUILD)/libnmscript.so: $$(NMS_LIB_OBJS) ffi/libnmscript.map
	$(CC) -shared -Wl,--no-undefined -Wl,-soname,libnmscript.so \
	  -Wl,--version-script=ffi/libnmscript.map -o $@ $(NMS_LIB_OBJS) $(NMS_LDLIBS)
	@bad=$$(nm -D --defined-only $@ | awk '$$3 !~ /^nms_/ && $$2 != "A" {print $$3}'); \
	  if [ -n "$$bad" ]; then echo "$@ exports more than nms_*: $$bad" >&2; rm -f $@; exit 1; fi

$(BUILD)/layout: ffi/tools/layout.c $$(NMS_LIB_OBJS)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(NMS_LDLIBS)

# ---- C tests: every ffi/tests/NAME_test.c and kernel/tests/NAME_test.c ----
# becomes $(BUILD)/tests/NAME_test (linked with the library objects) and
# $(BUILD)/tests/NAME_test-san (everything built with ASan+UBSan).
NMS_C_TEST_SRCS := $(wildcard ffi/tests/*_test.c kernel/tests/*_test.c)
NMS_C_TEST_NAMES := $(basename $(notdir $(NMS_C_TEST_SRCS)))
C_TESTS += $(foreach n,$(NMS_C_TEST_NAMES),$(BUILD)/tests/$(n) $(BUILD)/tests/$(n)-san)

NMS_TEST_CFLAGS = -Iffi/src -MMD -MP -MF $@.d

define nms_c_test_rules
$$(BUILD)/tests/%: $(1)/%.c $$$$(NMS_LIB_OBJS)
	@mkdir -p $$(@D)
	$$(CC) $$(ALL_CFLAGS) $$(NMS_TEST_CFLAGS) -o $$@ $$< $$(NMS_LIB_OBJS) $$(NMS_LDLIBS)

$$(BUILD)/tests/%-san: $(1)/%.c $$$$(NMS_LIB_SAN_OBJS)
	@mkdir -p $$(@D)
	$$(CC) $$(NMS_SAN_CFLAGS) $$(NMS_TEST_CFLAGS) -o $$@ $$< $$(NMS_LIB_SAN_OBJS) $$(NMS_LDLIBS)
endef
$(foreach d,ffi/tests kernel/tests,$(eval $(call nms_c_test_rules,$(d))))

# ---- layout-check: the same table from netmap's own headers ----
# make layout-check NETMAP_SRC=/path/to/netmap   (a netmap source tree)
NMS_KPRIV_NAMES := NM_BRIDGES NM_BDG_MAXPORTS NM_BDG_BROADCAST NM_BDG_NOPORT \
	NM_BDG_MFS_DEFAULT NM_BDG_MAXRINGS NM_BDG_MAXSLOTS NM_BRIDGE_RINGSIZE NM_BDG_BATCH
NMS_LC := $(BUILD)/layout-check

layout-check: $(BUILD)/layout
	@if [ -z "$(NETMAP_SRC)" ] || [ ! -f "$(NETMAP_SRC)/sys/net/netmap.h" ]; then \
	  echo "layout-check: NETMAP_SRC='$(NETMAP_SRC)' is not a netmap source tree" \
	       "(no sys/net/netmap.h); run: make layout-check NETMAP_SRC=/path/to/netmap" >&2; \
	  exit 2; fi
	@mkdir -p $(NMS_LC)
	@awk -v names=" $(NMS_KPRIV_NAMES) " \
	  '$$1 == "#define" && index(names, " " $$2 " ") { print; n++ } \
	   END { exit n == $(words $(NMS_KPRIV_NAMES)) ? 0 : 1 }' \
	  "$(NETMAP_SRC)/sys/dev/netmap/netmap_bdg.h" "$(NETMAP_SRC)/sys/dev/netmap/netmap_vale.c" \
	  > $(NMS_LC)/netmap_kpriv.h || { echo "layout-check: could not find all of" \
	  "$(NMS_KPRIV_NAMES) in $(NETMAP_SRC)/sys/dev/netmap" >&2; exit 1; }
	$(CC) $(CSTD) $(CWARN) $(CFLAGS) -I$(NETMAP_SRC)/sys -I$(NMS_LC) -Iffi/src -Ikernel \
	  -o $(NMS_LC)/layout_check ffi/tools/layout_check.c
	@$(BUILD)/layout > $(NMS_LC)/nmscript.json
	@$(NMS_LC)/layout_check > $(NMS_LC)/netmap.json
	@if diff -u --label "nmscript (netmap_abi.h)" --label "netmap ($(NETMAP_SRC))" \
	  $(NMS_LC)/nmscript.json $(NMS_LC)/netmap.json; then \
	  echo "layout-check: identical ($$(wc -l < $(NMS_LC)/netmap.json) lines:" \
	       "structs, constants and ioctls)"; \
	else echo "layout-check: netmap_abi.h differs from netmap's headers (see diff above)" >&2; \
	  exit 1; fi
