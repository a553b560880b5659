# ffi/uvale/: the userspace netmap backend (compiled into libnmscript.so) and
# the uvaled daemon binary.
UVALE_SRCS := $(wildcard ffi/uvale/*.c)
