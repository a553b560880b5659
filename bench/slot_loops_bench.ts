// pkt-gen.ts's per-slot loops against netmap's C pkt-gen loops, side by side in one run:
// counting 1023 received slots (countRx against receive_packets) and preparing 1023 slots to
// send (fillTx against send_packets without copy), on one ring of a uvale pipe, no sync.
// The C loops are in build/libnmsbench.so (ffi/tools/bench_tx.c), one FFI call per 1023 slots.
// `make bench`; BENCHMARKS.md "Session 4" has the figures and the same loops in a TCG guest.
import { openPort } from "../mod.ts";
import { countRx, fillTx } from "../src/cli/pkt_gen_rings.ts";
import { benchLib, benchSetup, ringAddress } from "./support.ts";

const LEN = 60;

benchSetup(() => {
  rx.release(rx.peek(N));
  return [rxPort, txPort, fillPort];
});
const pipe = `bl${Deno.pid % 10000}`;
const rxPort = openPort(`netmap:${pipe}{1`, { conf: { slots: 1024 } });
const txPort = openPort(`netmap:${pipe}}1`, { conf: { slots: 1024 } });
// a second pipe end whose TX ring is all the user's: the slots the fill loops prepare
const fillPort = openPort(`netmap:${pipe}f}1`, { conf: { slots: 1024 } });
const tx = txPort.txRings[0];
const rx = rxPort.rxRings[0];
const fill = fillPort.txRings[0];
const N = tx.numSlots - 1;
if (fill.space() !== N) throw new Error(`expected ${N} free TX slots, got ${fill.space()}`);

// a full RX ring of 60-byte frames to count
const n0 = tx.reserve(N);
fillTx(tx, n0, { frame: new Uint8Array(LEN), minLen: 0, seq: false, copy: "never" }, 0);
tx.submit(n0);
txPort.txsync();
rxPort.rxsync();
if (rx.peek(N) !== N) throw new Error(`expected ${N} slots on the RX ring, got ${rx.peek(N)}`);

const cLib = benchLib();
const rxAddr = ringAddress(rxPort, rx.ringOffset);
const fillAddr = ringAddress(fillPort, fill.ringOffset);

const acc = { pkts: 0, bytes: 0 };
const bytes = new BigUint64Array(1);
const template = { frame: new Uint8Array(LEN), minLen: 0, seq: false, copy: "changed" } as const;

Deno.bench({
  name: "C (pkt-gen's receive_packets loop): count 1023 slots",
  group: "count 1023 RX slots",
  baseline: true,
  ignore: cLib === undefined,
  fn(): void {
    cLib!.nms_bench_count(rxAddr, N, bytes);
  },
});

Deno.bench({
  name: "TypeScript (countRx): count 1023 slots",
  group: "count 1023 RX slots",
  fn(): void {
    countRx(rx, N, acc, Infinity);
  },
});

Deno.bench({
  name: "C (pkt-gen's send_packets loop, no copy): 1023 slots",
  group: "prepare 1023 TX slots",
  baseline: true,
  ignore: cLib === undefined,
  fn(): void {
    cLib!.nms_bench_fill(fillAddr, N, LEN);
  },
});

Deno.bench({
  name: "TypeScript (fillTx, copy where NS_BUF_CHANGED): 1023 slots",
  group: "prepare 1023 TX slots",
  fn(): void {
    fillTx(fill, N, template, 0);
  },
});
