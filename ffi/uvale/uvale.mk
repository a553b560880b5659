# ffi/uvale/: the userspace netmap backend. Its sources are compiled into
# libnmscript.so (UVALE_LIB_SRCS, see ffi/ffi.mk); uvaled is a tiny main that
# calls nms_uvaled_main() from the library, found next to it ($ORIGIN).
UVALE_SRCS := $(wildcard ffi/uvale/*.c)
UVALE_LIB_SRCS := $(filter-out ffi/uvale/uvaled_main.c,$(UVALE_SRCS))
UVALE_LDLIBS :=

BUILD_TARGETS += $(BUILD)/uvaled

$(BUILD)/uvaled: ffi/uvale/uvaled_main.c $(BUILD)/libnmscript.so
	$(CC) $(ALL_CFLAGS) -o $@ $< -L$(BUILD) -lnmscript -Wl,-rpath,'$$ORIGIN'
