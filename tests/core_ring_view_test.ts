// Ring.view() (the raw fast path) and pkt-gen's loops over it, on a real backend: the view
// addresses the same slots and buffers as the checked accessors, fillTx copies only into
// NS_BUF_CHANGED buffers, countRx counts and checks sequence numbers, a closed port leaves
// the view empty. Each scenario runs in its own child with its own uvale (core_harness.ts).
import assert from "node:assert/strict";
import { layout, NetmapError, openPort } from "../mod.ts";
import { countRx, fillTx, markAllChanged } from "../src/cli/pkt_gen_rings.ts";
import { scenarios, uniqueName } from "./core_harness.ts";

await scenarios(import.meta, {
  "the view addresses what the checked accessors do": () => {
    using p = openPort(`${uniqueName("vale")}:a`);
    const tx = p.txRings[0];
    const v = tx.view();
    assert.equal(tx.view(), v, "one view per ring");
    assert.ok(Object.isFrozen(v));
    assert.equal(v.numSlots, tx.numSlots);
    for (const i of [0, 1, tx.numSlots - 1]) {
      tx.setLen(i, 42 + i);
      tx.setSlotFlags(i, 0x10);
      assert.equal(v.u16[v.len16 + i * v.stride16], 42 + i);
      assert.equal(v.u16[v.flags16 + i * v.stride16], 0x10);
      const b = v.u32[v.bufIdx32 + i * v.stride32];
      assert.equal(b, tx.bufIdx(i));
      assert.ok(b <= v.maxBufIdx);
      assert.equal(v.bufBase + b * v.bufSize, tx.bufferOffset(b));
      // len and flags as one word (little-endian hosts: the layout packs them)
      assert.ok(v.lenFlags32 >= 0, "len and flags share a word on this host");
      assert.equal(v.u32[v.lenFlags32 + i * v.stride32], (42 + i) | (0x10 << 16));
      tx.setSlotFlags(i, 0);
    }
  },

  "fillTx and countRx give the same results through the one-word and the two-word loops": () => {
    const name = uniqueName("pw");
    using rxp = openPort(`netmap:${name}{0`);
    using txp = openPort(`netmap:${name}}0`);
    const frame = new Uint8Array(70).fill(0x62);
    const run = (view: "packed" | "split") => {
      const tx = txp.txRings[0];
      const rx = rxp.rxRings[0];
      const real = tx.view();
      const viewOf = (r: typeof tx) =>
        view === "packed" ? r.view() : { ...r.view(), lenFlags32: -1 };
      // a stale len and a set flag on two slots: the loops must rewrite both
      real.u16[real.len16 + tx.slot(1) * real.stride16] = 9;
      real.u16[real.flags16 + tx.slot(2) * real.stride16] = 0x4;
      const n = tx.reserve(5);
      assert.equal(
        fillTx(tx, n, { frame, minLen: 0, seq: false, copy: "never" }, 0, viewOf(tx)),
        350,
      );
      tx.submit(n);
      txp.txsync();
      rxp.rxsync();
      const got = rx.peek(rx.numSlots - 1);
      const lens = Array.from({ length: got }, (_, k) => rx.len(rx.slot(k)));
      const acc = { pkts: 0, bytes: 0 };
      assert.equal(countRx(rx, got, acc, Infinity, undefined, viewOf(rx)), got);
      rx.release(got);
      rxp.rxsync();
      return { got, lens, acc };
    };
    const packed = run("packed");
    assert.deepEqual(packed, { got: 5, lens: [70, 70, 70, 70, 70], acc: { pkts: 5, bytes: 350 } });
    assert.deepEqual(run("split"), packed);
  },

  "countRx counts NS_MOREFRAG slots as parts of one packet, in every position of a run": () => {
    const name = uniqueName("pf");
    using rxp = openPort(`netmap:${name}{0`);
    using txp = openPort(`netmap:${name}}0`);
    const tx = txp.txRings[0];
    const rx = rxp.rxRings[0];
    const more = layout().constant("NS_MOREFRAG");
    // 23 slots (five runs of four and three left over), fragments at both ends of a run of four
    const fragAt = new Set([0, 3, 4, 9, 19, 20]);
    const n = tx.reserve(23);
    assert.equal(n, 23);
    for (let k = 0; k < n; k++) {
      tx.write(tx.slot(k), new Uint8Array(60 + k));
      tx.setSlotFlags(tx.slot(k), fragAt.has(k) ? more : 0);
    }
    tx.submit(n);
    txp.txsync();
    rxp.rxsync();
    const got = rx.peek(rx.numSlots - 1);
    assert.equal(got, 23);
    for (const packed of [true, false]) {
      const v = packed ? rx.view() : { ...rx.view(), lenFlags32: -1 };
      const acc = { pkts: 0, bytes: 0 };
      assert.equal(countRx(rx, got, acc, Infinity, undefined, v), got);
      const bytes = Array.from({ length: 23 }, (_, k) => 60 + k).reduce((a, b) => a + b);
      assert.deepEqual(acc, { pkts: 23 - fragAt.size, bytes }, `packed=${packed}`);
    }
    rx.release(got);
  },

  "fillTx copies into NS_BUF_CHANGED buffers in every position of a run, only there": () => {
    const name = uniqueName("pc");
    using rxp = openPort(`netmap:${name}{0`);
    using txp = openPort(`netmap:${name}}0`);
    const tx = txp.txRings[0];
    const rx = rxp.rxRings[0];
    const frame = new Uint8Array(60).fill(0x61);
    // 23 slots (five groups of four and three left over): the first new buffer at every
    // position (the loops switch to copying there), then several in one run
    const layouts = [...Array.from({ length: 23 }, (_, k) => [k]), [0, 3, 4, 9, 19, 20, 22]];
    for (const packed of [true, false]) {
      for (const at of layouts) {
        const changedAt = new Set(at);
        const v = packed ? tx.view() : { ...tx.view(), lenFlags32: -1 };
        assert.equal(tx.reserve(23), 23);
        for (let k = 0; k < 23; k++) {
          tx.frame(tx.slot(k), 60).fill(0x7a);
          tx.setLen(tx.slot(k), 9);
          tx.setSlotFlags(tx.slot(k), changedAt.has(k) ? v.bufChanged : 0);
        }
        fillTx(tx, 23, { frame, minLen: 0, seq: false, copy: "changed" }, 0, v);
        for (let k = 0; k < 23; k++) {
          const i = tx.slot(k);
          const want = changedAt.has(k) ? 0x61 : 0x7a;
          assert.deepEqual(
            [tx.frame(i, 60)[30], tx.len(i), tx.slotFlags(i)],
            [want, 60, 0],
            `packed=${packed}, new buffers at ${at}, slot ${k}`,
          );
        }
        tx.submit(23);
        txp.txsync();
        rxp.rxsync();
        rx.release(rx.peek(rx.space()));
        rxp.rxsync();
        txp.txsync();
      }
    }
  },

  "fillTx copies into changed buffers only; countRx counts and checks sequences": () => {
    const name = uniqueName("pv");
    using rxp = openPort(`netmap:${name}{0`);
    using txp = openPort(`netmap:${name}}0`);
    const tx = txp.txRings[0];
    const rx = rxp.rxRings[0];
    markAllChanged(tx);
    const frame = new Uint8Array(60).fill(0x61);
    const n = tx.reserve(8);
    assert.equal(n, 8);
    const bytes = fillTx(tx, n, { frame, minLen: 0, seq: true, copy: "changed" }, 100);
    assert.equal(bytes, 8 * 60);
    tx.submit(n);
    txp.txsync();
    rxp.rxsync();
    const got = rx.peek(rx.numSlots - 1);
    assert.equal(got, 8);
    const f = rx.frame(rx.slot(3));
    assert.equal(f.length, 60);
    assert.equal(f[0], 0x61);
    assert.equal(new DataView(f.buffer, f.byteOffset).getUint32(42), 103, "txseq numbers");
    const acc = { pkts: 0, bytes: 0 };
    const gaps: string[] = [];
    const seq = { expected: 101, gap: (g: number, w: number) => gaps.push(`${g}/${w}`) };
    assert.equal(countRx(rx, got, acc, Infinity, seq), 8);
    assert.deepEqual([acc.pkts, acc.bytes, gaps], [8, 480, ["100/101"]]);
    assert.equal(seq.expected, 108);
    // a limit stops in the middle of the batch
    const some = { pkts: 0, bytes: 0 };
    assert.equal(countRx(rx, got, some, 5), 5);
    rx.release(got);
    // a buffer without NS_BUF_CHANGED keeps its bytes ("changed"); with it, "never" (-o
    // RUBBISH) still writes no data
    for (const [flags, copy] of [[0, "changed"], [tx.view().bufChanged, "never"]] as const) {
      assert.equal(tx.reserve(1), 1);
      const i = tx.slot(0);
      tx.frame(i, 60).fill(0x7a);
      tx.setSlotFlags(i, flags);
      fillTx(tx, 1, { frame, minLen: 0, seq: false, copy }, 0);
      assert.equal(tx.frame(i, 60)[10], 0x7a, copy);
      assert.deepEqual([tx.slotFlags(i), tx.len(i)], [0, 60]);
      tx.submit(1);
    }
    // with the flag, "changed" copies the frame
    assert.equal(tx.reserve(1), 1);
    const j = tx.slot(0);
    tx.frame(j, 60).fill(0x7a);
    tx.setSlotFlags(j, tx.view().bufChanged);
    fillTx(tx, 1, { frame, minLen: 0, seq: false, copy: "changed" }, 0);
    assert.equal(tx.frame(j, 60)[10], 0x61);
    tx.submit(1);
  },

  "a closed port: view() throws, an old view is empty": () => {
    const p = openPort(`${uniqueName("vale")}:a`);
    const tx = p.txRings[0];
    const v = tx.view();
    assert.ok(v.u16.length > 0);
    p.close();
    assert.equal(v.u16.length, 0, "the memory is detached, not dangling");
    assert.equal(v.u16[v.len16], undefined);
    assert.throws(() => tx.view(), (e) => e instanceof NetmapError && e.code === "EBADF");
  },
});
