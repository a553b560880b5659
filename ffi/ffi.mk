# ffi/: libnmscript.so (kernel backend, layout table, fd passing; links uvale),
# the layout printer, and the C unit tests (plain and under ASan+UBSan).
# Owned by the ffi core; other areas add objects through UVALE_OBJS / VLAN_CORE_SRCS.

FFI_SRCS := $(wildcard ffi/src/*.c)
FFI_HDRS := $(wildcard ffi/include/*.h) $(wildcard ffi/src/*.h)

BUILD_TARGETS += $(BUILD)/libnmscript.so $(BUILD)/layout
