// 102 (new): per-slot offsets. Each fragment of each frame is written at its own offset
// (NETMAP_WOFFSET), frames longer than a buffer span several slots (NS_MOREFRAG), and every
// frame arrives intact:
// - on VALE, with offsets that are multiples of 64 at a port with or without offsets; with any
//   offsets at a port with offsets. VALE copies whole 64-byte lines and writes the offset where
//   the data landed into the receiving slot (o' = src mod 64, plus 64 when the slot's offset
//   mod 64 is smaller): a receiver without offsets could not know it, so it gets no such
//   frames, and a fragment longer than the buffer minus o' is dropped, so these frames go in
//   fragments of at most 1024 bytes;
// - on a pipe (zero copy: the receiver gets the sender's slot, offset included).
import { assert } from "../../src/testing/assert.ts";
import { expect, netmapTest, pipe, send, valeSwitch } from "../../src/testing/mod.ts";
import { ARRIVAL_MS, eventFrames } from "./_lib.ts";

const OFFSETS = [0, 7, 64, 200, 255];
const ALIGNED = [0, 64, 128, 192, 256];
const offsets = { initial: 0, max: 256, bits: 16 };
const pick = (list: number[]) => (frame: number, fragment: number): number =>
  list[(frame + fragment) % list.length];
const offsetOf = pick(OFFSETS);

netmapTest(import.meta, {
  id: "102",
  name: "per_slot_offsets",
  purpose: "frames written at per-slot offsets, over one or several slots, arrive intact",
  defaults: { len: 3000, fill: "p", num: 6, seq: true },
}, async (t) => {
  const sw = valeSwitch({ scope: t.scope, conf: t.conf });
  const a = sw.open("a", { offsets });
  const b = sw.open("b", { offsets });
  const c = sw.open("c");
  const frames = eventFrames(t.params);
  const r = await send(a, frames, { offset: pick(ALIGNED) });
  const most = Math.ceil(t.params.len / (a.info.bufSize - Math.max(...ALIGNED)));
  assert.ok(r.slots >= frames.length * Math.ceil(t.params.len / a.info.bufSize), "slots used");
  assert.ok(r.slots <= frames.length * most, "slots used");
  await expect(b, frames, { timeoutMs: ARRIVAL_MS });
  await expect(c, frames, { timeoutMs: ARRIVAL_MS });
  c.close();
  await send(a, frames, { offset: offsetOf, fragmentSize: 1024 });
  await expect(b, frames, { timeoutMs: ARRIVAL_MS });

  const p = pipe({ scope: t.scope, conf: t.conf });
  const m = p.open("master", "", { offsets });
  const s = p.open("slave", "", { offsets });
  await send(m, frames, { offset: offsetOf });
  await expect(s, frames, { timeoutMs: ARRIVAL_MS });
  await send(s, frames, { offset: offsetOf, fragmentSize: 1000 });
  await expect(m, frames, { timeoutMs: ARRIVAL_MS });
});
