// 103 (new): extra buffers. The granted buffers form a list of distinct indices (>= 2, since 0
// and 1 are reserved); sending from them several times over, with frames of one and of several
// slots, delivers every frame intact; afterwards every buffer is in exactly one place (a TX
// slot, an RX slot or the free list), which is what netmap needs to free the list on close.
import { assert } from "../../src/testing/assert.ts";
import type { Port } from "../../src/port.ts";
import { expect, netmapTest, send, valeSwitch } from "../../src/testing/mod.ts";
import { ARRIVAL_MS, eventFrames } from "./_lib.ts";

const ASK = 8;

function ownedBuffers(port: Port): number[] {
  const out = [...port.extraBuffers()];
  for (const r of [...port.txRings, ...port.rxRings]) {
    for (let i = 0; i < r.numSlots; i++) out.push(r.bufIdx(i));
  }
  return out;
}

netmapTest(import.meta, {
  id: "103",
  name: "extra_buffers",
  purpose: "extra buffers used as TX buffers carry frames and stay accounted for",
  defaults: { len: 274, fill: "e", num: 5, seq: true },
}, async (t) => {
  const sw = valeSwitch({ scope: t.scope, conf: t.conf });
  const a = sw.open("a", { extraBuffers: ASK });
  const b = sw.open("b");
  const granted = a.info.extraBuffers;
  assert.ok(granted >= 1 && granted <= ASK, `granted ${granted} of ${ASK} extra buffers`);
  const list = a.extraBuffers();
  assert.equal(list.length, granted, "free list length");
  assert.equal(new Set(list).size, granted, "distinct indices");
  assert.ok(list.every((i) => i >= 2), `indices >= 2: ${list}`);

  for (const len of [t.params.len, 5000]) {
    for (let round = 0; round < 3; round++) {
      const frames = eventFrames({ ...t.params, len });
      const r = await send(a, frames, { extraBuffers: true });
      assert.equal(r.extraBuffersUsed, Math.min(granted, r.slots), "slots given an extra buffer");
      await expect(b, frames, { timeoutMs: ARRIVAL_MS });
      assert.equal(a.extraBuffers().length, granted, "free list length after a send");
      const owned = ownedBuffers(a);
      assert.equal(new Set(owned).size, owned.length, "every buffer is in exactly one place");
    }
  }
});
