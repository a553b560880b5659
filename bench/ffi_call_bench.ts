// What one FFI crossing costs: 1000 zero-timeout polls of a uvale pipe end made from TypeScript
// (one `nms_poll` call each) against the same 1000 made by C in one call
// (`nms_bench_poll_loop` in build/libnmsbench.so, ffi/tools/bench_tx.c), side by side in one run.
// `make bench`. On the host the difference is ~10 ns per call; in a QEMU TCG guest it was 2–18 µs
// (BENCHMARKS.md, issue 8), which is why pkt-gen.ts crosses into C once per batch, never per slot.
import { openPort, uvaleStop } from "../mod.ts";
import { library } from "../src/ffi.ts";

const CALLS = 1000;
const POLLIN = 1;
const root = new URL("..", import.meta.url).pathname;

const dir = Deno.makeTempDirSync({ prefix: "nms-bench-" });
Deno.env.set("NMSCRIPT_UVALE_DIR", dir);
const pipe = `fc${Deno.pid % 10000}`;
const rx = openPort(`netmap:${pipe}{1`, { conf: { slots: 256 } });
const lib = library();

let cLib:
  | Deno.DynamicLibrary<{
    nms_bench_poll_loop: { parameters: ["i32", "i32", "u32"]; result: "i32" };
  }>
  | undefined;
try {
  cLib = Deno.dlopen(`${root}build/libnmsbench.so`, {
    nms_bench_poll_loop: { parameters: ["i32", "i32", "u32"], result: "i32" },
  });
} catch {
  console.log("# C loop not built: build/libnmsbench.so missing (see ffi/tools/bench_tx.c)");
}

globalThis.addEventListener("unload", () => {
  rx.close();
  cLib?.close();
  try {
    uvaleStop();
  } catch {
    // kernel backend or daemon gone
  }
  Deno.removeSync(dir, { recursive: true });
});

const fd = rx.fd;

Deno.bench({
  name: "C: 1000 nms_poll calls in one FFI call",
  group: "1000 polls",
  baseline: true,
  ignore: cLib === undefined,
  fn(): void {
    cLib!.symbols.nms_bench_poll_loop(fd, POLLIN, CALLS);
  },
});

Deno.bench({
  name: "TypeScript: 1000 FFI calls of nms_poll",
  group: "1000 polls",
  fn(): void {
    for (let k = 0; k < CALLS; k++) lib.nms_poll_now(fd, POLLIN, 0);
  },
});
