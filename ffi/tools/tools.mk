# ffi/tools/: pkt-gen-c, the C twin of scripts/pkt-gen.ts (linked to
# libnmscript.so through nmscript.h only), and the benchmark harness.
# Included by the top-level Makefile after ffi/ffi.mk.
#
#   make build            also builds $(BUILD)/pkt-gen-c
#   make pkt-gen-c-check  the twin's error paths and, when the backend works,
#                         a short exact-count run on a pipe (plain + ASan/UBSan)
#   make bench            scripts/bench.sh (writes BENCHMARKS.md)

PKT_GEN_C_DEPS := ffi/tools/pkt-gen-c.c ffi/include/nmscript.h ffi/include/netmap_abi.h

BUILD_TARGETS += $(BUILD)/pkt-gen-c

$(BUILD)/pkt-gen-c: $(PKT_GEN_C_DEPS) $(BUILD)/libnmscript.so
	$(CC) $(CSTD) $(CWARN) $(CFLAGS) -Iffi/include -o $@ $< \
	  -L$(BUILD) -lnmscript -Wl,-rpath,'$$ORIGIN'

# The twin itself under ASan+UBSan (the library stays as built).
$(BUILD)/pkt-gen-c-san: $(PKT_GEN_C_DEPS) $(BUILD)/libnmscript.so
	$(CC) $(CSTD) $(CWARN) $(SANFLAGS) -Iffi/include -o $@ $< \
	  -L$(BUILD) -lnmscript -Wl,-rpath,'$$ORIGIN'

.PHONY: pkt-gen-c-check
pkt-gen-c-check: $(BUILD)/pkt-gen-c $(BUILD)/pkt-gen-c-san
	@scripts/bench.sh --check $(BUILD)/pkt-gen-c $(BUILD)/pkt-gen-c-san

# The C side of bench/tx_batch_bench.ts: the same 512-slot TX loop in C, called once per
# batch through FFI, next to the TypeScript loop in one `deno bench` run.
BUILD_TARGETS += $(BUILD)/libnmsbench.so

$(BUILD)/libnmsbench.so: ffi/tools/bench_tx.c ffi/include/nmscript.h $(BUILD)/libnmscript.so
	$(CC) $(CSTD) $(CWARN) $(CFLAGS) -fPIC -shared -Iffi/include -o $@ $< \
	  -L$(BUILD) -lnmscript -Wl,-rpath,'$$ORIGIN'

# vlan_cpu_bench: CPU per frame of one txsync, plain pair vs. across a VLAN conf, on a
# private uvale (not part of `make test`; scripts/bench.sh prints its table).
BUILD_TARGETS += $(BUILD)/vlan_cpu_bench

$(BUILD)/vlan_cpu_bench: ffi/tools/vlan_cpu_bench.c ffi/include/nmscript.h kernel/vale_vlan_abi.h $(BUILD)/libnmscript.so
	$(CC) $(CSTD) $(CWARN) $(CFLAGS) -Iffi/include -Ikernel -o $@ $< \
	  -L$(BUILD) -lnmscript -Wl,-rpath,'$$ORIGIN'
