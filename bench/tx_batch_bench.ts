// One TX batch of 512 slots (slot lengths written in place + one txsync), in TypeScript
// and in C through libnmscript, side by side in one run: `make bench`.
// The C twin is build/libnmsbench.so (ffi/tools/bench_tx.c); without it only the TypeScript
// side runs and a note says how to build it.
import { openPort, uvaleStop } from "../mod.ts";

const BATCH = 512;
const LEN = 60;
const root = new URL("..", import.meta.url).pathname;

const dir = Deno.makeTempDirSync({ prefix: "nms-bench-" });
Deno.env.set("NMSCRIPT_UVALE_DIR", dir);
const port = openPort(`vale${Deno.pid % 10000}bench:a`, { conf: { slots: 1024 } });
const tx = port.txRings[0];
for (let i = 0; i < tx.numSlots; i++) tx.write(i, new Uint8Array(LEN).fill(0xff));

let cLib:
  | Deno.DynamicLibrary<{
    nms_bench_tx_batch: { parameters: ["i32", "pointer", "u32", "u32"]; result: "i32" };
  }>
  | undefined;
try {
  cLib = Deno.dlopen(`${root}build/libnmsbench.so`, {
    nms_bench_tx_batch: { parameters: ["i32", "pointer", "u32", "u32"], result: "i32" },
  });
} catch {
  console.log("# C twin not built: build/libnmsbench.so missing (see ffi/tools/bench_tx.c)");
}
const ringPtr = Deno.UnsafePointer.offset(
  Deno.UnsafePointer.of(port.memory)!,
  tx.ringOffset,
);

globalThis.addEventListener("unload", () => {
  port.close();
  cLib?.close();
  try {
    uvaleStop();
  } catch {
    // kernel backend or daemon gone
  }
  Deno.removeSync(dir, { recursive: true });
});

Deno.bench({
  name: "TypeScript: 512 slot writes + txsync",
  group: "tx batch",
  baseline: true,
  fn(): void {
    const n = tx.reserve(BATCH);
    for (let k = 0; k < n; k++) tx.setLen(tx.slot(k), LEN);
    tx.submit(n);
    port.txsync();
  },
});

Deno.bench({
  name: "C via libnmsbench.so: same loop + txsync",
  group: "tx batch",
  ignore: cLib === undefined,
  fn(): void {
    cLib!.symbols.nms_bench_tx_batch(port.fd, ringPtr, BATCH, LEN);
  },
});
