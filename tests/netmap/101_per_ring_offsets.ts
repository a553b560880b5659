// 101 (new): per-ring offsets (NETMAP_REQ_OPT_OFFSETS). A port opened with offsets gets an
// offset mask and its maximum on every ring and the initial offset in every slot; frames sent
// from it arrive intact on a port without offsets and the other way round; a second open of
// the same rings must ask for a compatible mask and maximum (EBUSY otherwise) and adopts the
// existing ones; a maximum above the buffer size is refused (EINVAL).
import { assert } from "../../src/testing/assert.ts";
import { expect, netmapTest, send, valeSwitch } from "../../src/testing/mod.ts";
import { ARRIVAL_MS, assertFailsWith, eventFrames } from "./_lib.ts";

const INITIAL = 64;
const MAX = 128;

netmapTest(import.meta, {
  id: "101",
  name: "per_ring_offsets",
  purpose: "ports opened with offsets carry frames at the ring's offsets, intact both ways",
  defaults: { len: 274, fill: "o" },
}, async (t) => {
  const sw = valeSwitch({ scope: t.scope, conf: t.conf });
  const a = sw.open("a", { offsets: { initial: INITIAL, max: MAX } });
  const b = sw.open("b");
  assert.equal(a.info.maxOffset, MAX, "effective maximum offset");
  for (const r of [...a.txRings, ...a.rxRings]) {
    assert.notEqual(r.offsetMask, 0n, `${r.kind} ring ${r.index}: offset mask`);
    assert.equal(r.maxOffset, MAX, `${r.kind} ring ${r.index}: maximum offset`);
  }
  for (const r of a.txRings) {
    for (const i of [0, 1, r.numSlots - 1]) {
      assert.equal(r.offset(i), INITIAL, `tx ring ${r.index} slot ${i}: initial offset`);
    }
  }
  for (const r of b.txRings) assert.equal(r.offsetMask, 0n, "a port without offsets: mask 0");

  const frames = eventFrames(t.params);
  await send(a, frames);
  await expect(b, frames, { timeoutMs: ARRIVAL_MS });
  // VALE drops a fragment longer than the receiving buffer minus the receiving slot's offset:
  // b (no offsets) cuts its frames to fit a's buffers after their offset.
  await send(b, frames, { fragmentSize: a.info.bufSize - MAX });
  await expect(a, frames, { timeoutMs: ARRIVAL_MS });

  // A second registration of the same rings: a larger maximum is incompatible.
  assertFailsWith(
    "EBUSY",
    "second open with a larger maximum",
    () => sw.open("a", { offsets: { initial: 0, max: MAX * 2 } }),
  );
  const again = sw.open("a", { offsets: { initial: 0, max: MAX / 2 } });
  assert.equal(again.info.maxOffset, MAX, "a compatible second open adopts the existing maximum");
  assertFailsWith(
    "EINVAL",
    "maximum above the buffer size",
    () => sw.open("c", { offsets: { initial: 0, max: a.info.bufSize + 1 } }),
  );
});
