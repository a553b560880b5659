// Port and Ring on a real backend (uvale here, kernel netmap in the VM): frames between two
// ports, ring/slot bounds, closed ports, ready(), offsets, extra buffers, exclusive opens.
// Each scenario runs in its own child process with its own uvale daemon (core_harness.ts).
import assert from "node:assert/strict";
import { NetmapError, openPort, type Port, type Ring } from "../mod.ts";
import { scenarios, uniqueName } from "./core_harness.ts";

/** An Ethernet frame: broadcast, source 02:..:src, EtherType 0x88b5, payload = seq pattern. */
function frame(len: number, src: number, seq: number): Uint8Array {
  const f = new Uint8Array(len);
  f.fill(0xff, 0, 6);
  f.set([0x02, 0, 0, 0, 0, src], 6);
  f.set([0x88, 0xb5], 12);
  for (let i = 14; i < len; i++) f[i] = (seq + i) & 0xff;
  return f;
}

function send(port: Port, frames: Uint8Array[]): void {
  const tx = port.txRings[0];
  assert.equal(tx.reserve(frames.length), frames.length, "TX ring has room");
  frames.forEach((f, k) => tx.write(tx.slot(k), f));
  tx.submit(frames.length);
  port.txsync();
}

async function receive(port: Port, want: number): Promise<Uint8Array[]> {
  const got: Uint8Array[] = [];
  const deadline = Date.now() + 2000;
  while (got.length < want && Date.now() < deadline) {
    await port.ready("rx", { timeoutMs: 200 });
    const rx: Ring = port.rxRings[0];
    const n = rx.peek(want - got.length);
    for (let k = 0; k < n; k++) got.push(rx.frame(rx.slot(k)).slice());
    rx.release(n);
    port.rxsync();
  }
  return got;
}

function assertNetmapError(fn: () => unknown, code: string, text?: RegExp): NetmapError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof NetmapError, `expected NetmapError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (text) assert.match(caught.message, text);
  return caught;
}

await scenarios(import.meta, {
  "two ports on one switch exchange frames, byte for byte": async () => {
    const sw = uniqueName("vale");
    using a = openPort(`${sw}:a`);
    using b = openPort(`${sw}:b`);
    assert.ok(a.txRings.length >= 1 && b.rxRings.length >= 1);
    assert.ok(a.info.bufSize >= 1514, `bufSize ${a.info.bufSize}`);
    const sent = [60, 128, 1514].map((len, k) => frame(len, 1, k));
    send(a, sent);
    const got = await receive(b, sent.length);
    assert.equal(got.length, sent.length, "all frames arrive");
    got.forEach((g, k) => assert.deepEqual(g, sent[k]));
  },

  "ring index, slot index and lengths are checked": () => {
    const sw = uniqueName("vale");
    using a = openPort(`${sw}:a`);
    assertNetmapError(() => a.txRing(7), "EINVAL", /no tx ring 7 bound/);
    assertNetmapError(() => a.rxRing(-1), "EINVAL");
    const tx = a.txRing(0);
    assert.equal(tx, a.txRings[0]);
    assertNetmapError(() => tx.len(tx.numSlots), "EINVAL", /slot index \d+ out of range/);
    assertNetmapError(() => tx.bufIdx(-1), "EINVAL");
    assertNetmapError(() => tx.setLen(1.5, 10), "EINVAL");
    assertNetmapError(() => tx.setLen(0, tx.bufSize + 1), "EINVAL", /out of range/);
    assertNetmapError(() => tx.write(0, new Uint8Array(tx.bufSize + 1)), "EINVAL", /does not fit/);
    assertNetmapError(() => tx.setBufIdx(0, 0xffffffff), "EINVAL", /outside the port memory/);
    assertNetmapError(() => tx.submit(1), "EINVAL", /0 reserved/);
    assertNetmapError(() => tx.setOffset(0, 1), "EINVAL", /without offsets/);
    assert.equal(tx.reserve(tx.numSlots - 1), tx.numSlots - 1, "a fresh TX ring is all free");
    assert.equal(tx.reserve(1), 0, "all or nothing: no room for one more");
  },

  "a closed port refuses every use, and close() twice is harmless": async () => {
    const sw = uniqueName("vale");
    const a = openPort(`${sw}:a`);
    const tx = a.txRings[0];
    const view = tx.frame(0);
    a.close();
    a.close();
    assert.equal(a.closed, true);
    assert.equal(view.length, 0, "views taken before close become empty, not dangling");
    const e = assertNetmapError(() => a.txsync(), "EBADF", /port is closed/);
    assert.equal(e.port, `${sw}:a`);
    assertNetmapError(() => a.rxsync(), "EBADF");
    assertNetmapError(() => tx.head, "EBADF");
    assertNetmapError(() => tx.reserve(1), "EBADF");
    assertNetmapError(() => tx.len(0), "EBADF");
    assertNetmapError(() => a.extraBuffers(), "EBADF");
    await assert.rejects(a.ready("rx", { timeoutMs: 10 }), (err: unknown) => {
      return err instanceof NetmapError && err.code === "EBADF";
    });
    // the name is free again
    using again = openPort(`${sw}:a`);
    assert.equal(again.closed, false);
  },

  "ready() waits off the event loop, with a finite timeout, one at a time": async () => {
    const sw = uniqueName("vale");
    using a = openPort(`${sw}:a`);
    using b = openPort(`${sw}:b`);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const t0 = performance.now();
    const pending = b.ready("rx", { timeoutMs: 300 });
    await assert.rejects(b.ready("rx", { timeoutMs: 10 }), (err: unknown) => {
      return err instanceof NetmapError && err.code === "EBUSY";
    });
    assert.equal(await pending, false, "nothing arrives: timeout");
    clearInterval(timer);
    const dt = performance.now() - t0;
    assert.ok(dt >= 250 && dt < 2000, `waited ${dt} ms`);
    assert.ok(ticks >= 5, `event loop kept running (${ticks} ticks)`);
    assert.equal(await a.ready("tx", { timeoutMs: 100 }), true, "an idle TX ring is ready");
    await assert.rejects(a.ready("tx", { timeoutMs: -1 }), NetmapError);
    await assert.rejects(a.ready("tx", { timeoutMs: Infinity }), NetmapError);
    await assert.rejects(a.ready("both" as "tx"), NetmapError);
    send(a, [frame(60, 1, 0)]);
    assert.equal(await b.ready("rx", { timeoutMs: 1000 }), true);
  },

  "close() during ready() waits for the poll, then releases the port": async () => {
    const sw = uniqueName("vale");
    const a = openPort(`${sw}:a`);
    const p = a.ready("rx", { timeoutMs: 200 });
    a.close();
    await assert.rejects(p, (err: unknown) => err instanceof NetmapError && err.code === "EBADF");
    using again = openPort(`${sw}:a`, { exclusive: true });
    assert.equal(again.closed, false, "the first handle was released");
  },

  "per-slot offsets: initial value, limits, and data placed at the offset": async () => {
    const sw = uniqueName("vale");
    using a = openPort(`${sw}:a`, { offsets: { initial: 64, max: 256, bits: 16 } });
    using b = openPort(`${sw}:b`, { offsets: { initial: 128, max: 256, bits: 16 } });
    const tx = a.txRings[0];
    assert.equal(tx.offsetMask, 0xffffn);
    assert.equal(tx.maxOffset, 256);
    assert.equal(a.info.maxOffset, 256);
    for (let i = 0; i < tx.numSlots; i++) assert.equal(tx.offset(i), 64);
    const e = assertNetmapError(() => tx.setOffset(0, 300), "EINVAL");
    assert.match(e.message, /300/);
    assert.match(e.message, /256/);
    assertNetmapError(() => tx.setOffset(0, -1), "EINVAL");
    // the data starts at buffer + offset
    tx.setOffset(tx.slot(0), 192);
    assert.equal(tx.offset(tx.slot(0)), 192);
    assert.equal(tx.dataOffset(tx.slot(0)), tx.bufferOffset(tx.bufIdx(tx.slot(0))) + 192);
    assert.equal(tx.frame(tx.slot(0)).length, tx.bufSize - 192);
    const f = frame(200, 1, 7);
    send(a, [f]);
    const got = await receive(b, 1);
    assert.equal(got.length, 1);
    assert.deepEqual(got[0], f);
  },

  "offsets the port cannot take are refused, naming the option": () => {
    const sw = uniqueName("vale");
    // larger than the buffer: netmap refuses it (EINVAL with nro_status on the option)
    const e = assertNetmapError(
      () => openPort(`${sw}:a`, { offsets: { initial: 0, max: 1 << 20 } }),
      "EINVAL",
    );
    assert.match(e.detail, /option 'offsets'/);
    // the failed open left nothing behind
    using a = openPort(`${sw}:a`, { exclusive: true });
    assert.equal(a.info.maxOffset, 0);
  },

  "extra buffers: granted, listed, usable in slots, given back": async () => {
    const sw = uniqueName("vale");
    using a = openPort(`${sw}:a`, { extraBuffers: 4 });
    using b = openPort(`${sw}:b`);
    const granted = a.info.extraBuffers;
    assert.ok(granted >= 1 && granted <= 4, `granted ${granted}`);
    const list = a.extraBuffers();
    assert.equal(list.length, granted);
    assert.equal(new Set(list).size, granted, "distinct buffers");
    // swap the first extra buffer into a TX slot and send from it
    const tx = a.txRings[0];
    assert.equal(tx.reserve(1), 1);
    const i = tx.slot(0);
    const old = tx.bufIdx(i);
    const f = frame(100, 1, 3);
    a.buffer(list[0]).set(f);
    tx.setBufIdx(i, list[0]);
    tx.setLen(i, f.length);
    tx.submit(1);
    a.txsync();
    const got = await receive(b, 1);
    assert.deepEqual(got[0], f);
    a.returnExtraBuffers([old, ...list.slice(1)]);
    assert.deepEqual(a.extraBuffers(), [old, ...list.slice(1)]);
    assertNetmapError(() => a.returnExtraBuffers([old, old]), "EINVAL", /repeats/);
    assertNetmapError(() => a.buffer(0), "EINVAL");
  },

  "an exclusive open keeps others out (EBUSY with a hint)": () => {
    const sw = uniqueName("vale");
    using a = openPort(`${sw}:a`, { exclusive: true });
    const e = assertNetmapError(() => openPort(`${sw}:a`), "EBUSY");
    assert.match(e.hint, /exclusive/);
    assert.equal(a.closed, false);
  },

  "the name's ring selector, @conf and @share reach the request": () => {
    const sw = uniqueName("vale");
    using all = openPort(`${sw}:a@conf:rings=2,slots=128`);
    assert.deepEqual(all.txRings.map((r) => r.index), [0, 1]);
    assert.equal(all.info.txSlots, 128);
    using one = openPort(`${sw}:a-1`);
    assert.deepEqual(one.txRings.map((r) => r.index), [1], "only ring 1 is bound");
    assert.deepEqual(one.rxRings.map((r) => r.index), [1]);
    assertNetmapError(() => one.txRing(0), "EINVAL", /no tx ring 0 bound \(bound: 1\)/);
    assertNetmapError(() => openPort(`${sw}:a-5`), "EINVAL");
    using shared = openPort(`${uniqueName("vale")}:b@share=${sw}:a`);
    assert.equal(shared.info.memId, all.info.memId);
  },

  "an unknown NIC is ENXIO with a hint": () => {
    const e = assertNetmapError(() => openPort("netmap:nmsnosuchif0"), "ENXIO");
    assert.match(e.hint, /NIC must exist/);
    assert.doesNotMatch(e.message, /\(ENXIO\)/, "the errno name is not repeated");
    assert.equal(e.op, "register");
  },
});
