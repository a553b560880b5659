// send / expect / expectNothing on a real backend (uvale by default), each scenario in its own
// process with its own uvale daemon (tests/core_harness.ts).
import assert from "node:assert/strict";
import { NetmapError } from "../src/errors.ts";
import { eth, functionalFrame, functionalFrames } from "../src/frames/mod.ts";
import { layout } from "../src/layout.ts";
import {
  Capture,
  expect,
  ExpectError,
  expectNothing,
  pipe,
  send,
  setActiveCapture,
  txCapacity,
  valeSwitch,
} from "../src/testing/mod.ts";
import { scenarios } from "./core_harness.ts";

function code(e: unknown): string {
  return e instanceof NetmapError ? e.code || "(no errno)" : `not a NetmapError: ${e}`;
}

await scenarios(import.meta, {
  "a batch of frames goes out with one txsync and comes in whole": async () => {
    using sw = valeSwitch();
    const [a, b] = [sw.open("a"), sw.open("b")];
    const frames = functionalFrames({ len: 60, fill: "a", count: 100, sequential: true });
    const r = await send(a, frames);
    assert.deepEqual(r, { frames: 100, slots: 100, txsyncs: 1, extraBuffersUsed: 0 });
    const got = await expect(b, frames, { timeoutMs: 500 });
    assert.equal(got.length, 100);
    assert.deepEqual(got[99], frames[99]);
  },

  "a frame longer than a buffer spans slots flagged NS_MOREFRAG": async () => {
    using p = pipe();
    const [m, s] = [p.open("master"), p.open("slave")];
    const frame = functionalFrame({ len: 5000, fill: "m" });
    const r = await send(m, frame);
    assert.equal(r.slots, 3);
    assert.ok(await s.ready("rx", { timeoutMs: 500 }));
    const rx = s.rxRings[0];
    assert.equal(rx.peek(8), 3, "three slots received");
    const more = layout().constant("NS_MOREFRAG");
    const flags = [0, 1, 2].map((k) => rx.slotFlags(rx.slot(k)) & more);
    assert.deepEqual(flags, [more, more, 0]);
    assert.deepEqual([0, 1, 2].map((k) => rx.len(rx.slot(k))), [2048, 2048, 904]);
    rx.release(0);
    // fragmentSize caps each slot
    await expect(s, frame, { timeoutMs: 500 });
    const r2 = await send(m, frame, { fragmentSize: 1000 });
    assert.equal(r2.slots, 5);
    await expect(s, frame, { timeoutMs: 500 });
  },

  "a mismatch fails at once with the differing fields, recorded in the capture": async () => {
    using sw = valeSwitch();
    const [a, b] = [sw.open("a"), sw.open("b")];
    const capture = new Capture("mismatch");
    const before = setActiveCapture(capture);
    try {
      await send(
        a,
        eth({ dst: "ff:ff:ff:ff:ff:ff" }).ipv4({ src: "10.1.0.1", dst: "10.1.0.2" })
          .udp({ dstPort: 7 }).payload("x").build(),
      );
      const e = await expect(b, { udp: { dstPort: 9 } }, { timeoutMs: 500 }).catch((x) => x);
      assert.ok(e instanceof ExpectError, `expected ExpectError, got ${e}`);
      assert.match(e.diff, /udp\.dstPort\s*: expected 9, actual 7/);
      assert.equal(e.others.length, 1);
      assert.equal(e.op, "expect");
      assert.equal(e.port, sw.portName("b"));
      assert.deepEqual(capture.counts(sw.portName("a")), { sent: 1, seen: 0 });
      assert.deepEqual(capture.counts(sw.portName("b")), { sent: 0, seen: 1 });
      assert.match(capture.notes[0], /udp\.dstPort/);
    } finally {
      setActiveCapture(before);
    }
  },

  "too few frames: ETIMEDOUT after the timeout, not before and not much after": async () => {
    using sw = valeSwitch();
    const [a, b] = [sw.open("a"), sw.open("b")];
    const frame = functionalFrame({ len: 60 });
    await send(a, frame);
    const t0 = performance.now();
    const e = await expect(b, frame, { count: 2, timeoutMs: 150 }).catch((x) => x);
    const ms = performance.now() - t0;
    assert.equal(code(e), "ETIMEDOUT");
    assert.equal((e as ExpectError).matched.length, 1);
    assert.ok(ms >= 140 && ms < 600, `waited ${ms.toFixed(0)} ms`);
  },

  "ignoreOthers skips frames that do not match": async () => {
    using sw = valeSwitch();
    const [a, b] = [sw.open("a"), sw.open("b")];
    const noise = functionalFrame({ len: 60, fill: "n" });
    const wanted = functionalFrame({ len: 60, fill: "w" });
    await send(a, [noise, wanted, noise, wanted]);
    const got = await expect(b, wanted, { count: 2, ignoreOthers: true, timeoutMs: 500 });
    assert.equal(got.length, 2);
    await expectNothing(b, { timeoutMs: 20 });
  },

  "expectNothing passes on silence and names the frames that came": async () => {
    using sw = valeSwitch();
    const [a, b] = [sw.open("a"), sw.open("b")];
    const t0 = performance.now();
    await expectNothing(b, { timeoutMs: 80 });
    assert.ok(performance.now() - t0 >= 75, "watched for the whole timeout");
    await send(a, functionalFrame({ len: 64, fill: "z" }));
    const e = await expectNothing(b, { timeoutMs: 500 }).catch((x) => x);
    assert.ok(e instanceof ExpectError);
    assert.match(e.message, /received 1 \(EUNEXPECTED\)\n {2}frame 1: 64 B .*payload 22 x 'z'/);
    assert.match(e.diff, /^frame 1: 64 B .*payload 22 x 'z'$/);
  },

  "a full TX ring times out with ETIMEDOUT and says how many frames went": async () => {
    using p = pipe();
    const [m] = [p.open("master"), p.open("slave")];
    const { avail } = txCapacity(m, 60);
    const frames = functionalFrames({ len: 60, count: avail + 5 });
    const e = await send(m, frames, { timeoutMs: 50 }).catch((x) => x);
    assert.equal(code(e), "ETIMEDOUT");
    assert.match((e as NetmapError).message, /5 of \d+ frames/);
    assert.match((e as NetmapError).detail, new RegExp(`^${avail} frames went out`));
  },

  "bad arguments are refused with EINVAL before anything is sent": async () => {
    using sw = valeSwitch();
    const a = sw.open("a");
    const o = sw.open("o", { offsets: { initial: 0, max: 64 } });
    const f = functionalFrame({ len: 60 });
    const cases: [string, () => Promise<unknown>, RegExp][] = [
      ["offset without offsets", () => send(a, f, { offset: 8 }), /opened with offsets/],
      ["fragmentSize 0", () => send(a, f, { fragmentSize: 0 }), /fragmentSize/],
      ["empty frame", () => send(a, new Uint8Array(0)), /1\.\.65535 bytes/],
      ["extra buffers without any", () => send(a, f, { extraBuffers: true }), /no extra/],
      ["infinite timeout", () => send(a, f, { timeoutMs: Infinity }), /timeoutMs/],
      ["count 0", () => expect(a, f, { count: 0 }), /count/],
      ["count vs matchers", () => expect(a, [f, f], { count: 3 }), /differs/],
      ["negative timeout", () => expectNothing(a, { timeoutMs: -1 }), /timeoutMs/],
      ["unbound ring", () => send(a, f, { ring: 5 }), /no tx ring 5/],
      ["offset above the maximum", () => send(o, f, { offset: () => 65 }), /outside 0\.\.64/],
    ];
    for (const [what, call, msg] of cases) {
      const e = await call().catch((x) => x);
      assert.equal(code(e), "EINVAL", what);
      assert.match((e as Error).message, msg, what);
    }
    await expectNothing(sw.open("b"), { timeoutMs: 20 });
    // nothing was left reserved: a valid send on the same ring works
    await send(o, f, { offset: 64 });
    await expect(a, f, { timeoutMs: 500 });
  },

  "frames at per-slot offsets and from extra buffers arrive intact": async () => {
    using sw = valeSwitch();
    const a = sw.open("a", { offsets: { initial: 0, max: 192 }, extraBuffers: 4 });
    const b = sw.open("b");
    const frames = functionalFrames({ len: 1500, fill: "a", count: 6, sequential: true });
    const r = await send(a, frames, { offset: (f) => (f % 4) * 64, extraBuffers: true });
    assert.equal(r.extraBuffersUsed, Math.min(4, a.info.extraBuffers));
    await expect(b, frames, { timeoutMs: 500 });
    const tx = a.txRings[0];
    assert.equal(tx.offset(tx.slot(0) === 0 ? tx.numSlots - 1 : tx.slot(0) - 1), 64, "last slot");
  },
});
