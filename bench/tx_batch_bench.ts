// One TX batch of 512 slots (slot lengths written in place + one txsync), in TypeScript
// and in C through libnmscript, side by side in one run: `make bench`.
// The C twin is build/libnmsbench.so (ffi/tools/bench_tx.c); without it only the TypeScript
// side runs and a note says how to build it.
import { openPort } from "../mod.ts";
import { benchLib, benchSetup, ringAddress } from "./support.ts";

const BATCH = 512;
const LEN = 60;

benchSetup(() => [port]);
const port = openPort(`vale${Deno.pid % 10000}bench:a`, { conf: { slots: 1024 } });
const tx = port.txRings[0];
for (let i = 0; i < tx.numSlots; i++) tx.write(i, new Uint8Array(LEN).fill(0xff));
const cLib = benchLib();
const ringPtr = ringAddress(port, tx.ringOffset);

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
    cLib!.nms_bench_tx_batch(port.fd, ringPtr, BATCH, LEN);
  },
});
