// What one FFI crossing costs: 1000 zero-timeout polls of a uvale pipe end made from TypeScript
// (one `nms_poll` call each) against the same 1000 made by C in one call
// (`nms_bench_poll_loop` in build/libnmsbench.so, ffi/tools/bench_tx.c), side by side in one run.
// `make bench`. On the host the difference is ~10 ns per call; in a QEMU TCG guest it was 2–18 µs
// (BENCHMARKS.md, issue 8), which is why pkt-gen.ts crosses into C once per batch, never per slot.
import { openPort } from "../mod.ts";
import { library } from "../src/ffi.ts";
import { benchLib, benchSetup } from "./support.ts";

const CALLS = 1000;
const POLLIN = 1;

benchSetup(() => [rx]);
const pipe = `fc${Deno.pid % 10000}`;
const rx = openPort(`netmap:${pipe}{1`, { conf: { slots: 256 } });
const lib = library();

const cLib = benchLib();

const fd = rx.fd;

Deno.bench({
  name: "C: 1000 nms_poll calls in one FFI call",
  group: "1000 polls",
  baseline: true,
  ignore: cLib === undefined,
  fn(): void {
    cLib!.nms_bench_poll_loop(fd, POLLIN, CALLS);
  },
});

Deno.bench({
  name: "TypeScript: 1000 FFI calls of nms_poll",
  group: "1000 polls",
  fn(): void {
    for (let k = 0; k < CALLS; k++) lib.nms_poll_now(fd, POLLIN, 0);
  },
});
