# nmscript — top-level build. Two commands do all set-up on a fresh Debian 12:
#   make demo   # installs what is missing, builds, shows two uvale ports exchanging frames
#   make test   # installs what is missing, builds, runs every test (what CI runs)
# Each area keeps its rules in its own fragment: ffi/ffi.mk, ffi/uvale/uvale.mk, kernel/kernel.mk.

SHELL     := /bin/bash
BUILD     ?= build
CC        ?= cc
DENO      := ./node_modules/.bin/deno
PREFIX    ?= $(CURDIR)
CSTD      := -std=c11 -D_GNU_SOURCE
CWARN     := -Wall -Wextra -Werror
CFLAGS    ?= -O2 -g
SANFLAGS  := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
ALL_CFLAGS = $(CSTD) $(CWARN) $(CFLAGS) -fPIC -Iffi/include -Ikernel

.PHONY: all deps build demo test print-c-tests print-manifest manifest test-c test-ts lint layout layout-check bench vm-test install clean

all: build

deps:
	@scripts/setup.sh

include ffi/ffi.mk
include ffi/uvale/uvale.mk
include kernel/kernel.mk
include ffi/tools/tools.mk

build: $(BUILD_TARGETS)

layout: deps $(BUILD)/layout
	@$(BUILD)/layout

demo: deps build
	@$(DENO) run -P=demo scripts/demo.ts

lint: deps
	$(DENO) fmt --check
	$(DENO) lint
	$(DENO) check mod.ts scripts/ tests/
	$(DENO) check --doc-only mod.ts src/

test: deps build $(C_TESTS)
	@scripts/run-tests.sh

print-c-tests:
	@echo $(C_TESTS)

# The files scripts/install.ts fetches to build the library by URL: one per line, sorted.
# ffi/MANIFEST is this output, committed; tests/url_import_test.ts fails when it is stale.
MANIFEST_FILES = $(sort $(NMS_LIB_SRCS) ffi/uvale/uvaled_main.c ffi/libnmscript.map $(wildcard ffi/include/*.h) \
  $(wildcard ffi/src/*.h) $(wildcard ffi/uvale/*.h) $(wildcard kernel/*.h))
print-manifest:
	@printf '%s\n' $(MANIFEST_FILES)

manifest:
	@$(MAKE) -s --no-print-directory print-manifest > ffi/MANIFEST

test-c: $(C_TESTS)
	@set -e; for t in $(C_TESTS); do echo "== $$t"; $$t; done

test-ts: build
	$(DENO) test -P=test --parallel --junit-path=$(BUILD)/junit.xml tests/

bench: deps build
	@scripts/bench.sh
	$(DENO) bench -P=bench bench/

vm-test: deps build
	@scripts/vm-test.sh "$(NETMAP_SRC)" $(VM_TEST_ARGS)

install: deps build
	@scripts/install-launchers.sh "$(PREFIX)"

clean:
	rm -rf $(BUILD)
