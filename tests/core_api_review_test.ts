// The rough edges a first-use review found in the core API, on a real backend: ring counts from
// the register reply (no phantom host ring on VALE ports and pipes), extra buffers (the grant
// against the request, buffers still held by a slot refused), one-line error messages that do
// not repeat the errno or a generic hint, and the fd server's EBUSY hint naming both causes.
// Each scenario runs in its own child with its own uvale daemon (tests/core_harness.ts).
import assert from "node:assert/strict";
import { fdServer, NetmapError, openPort, startFdServer } from "../mod.ts";
import { scenarios, uniqueName } from "./core_harness.ts";

function thrown(fn: () => unknown, code: string): NetmapError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof NetmapError, `a NetmapError, got ${e}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`no error (expected ${code})`);
}

/** The message rules: one line, the errno name once, no generic hint after a precise detail. */
function assertWellWorded(e: NetmapError): void {
  assert.doesNotMatch(e.message, /\n/, "one line");
  assert.equal(e.message.split(e.code).length, 2, `the errno name once: ${e.message}`);
  assert.doesNotMatch(e.message, /see detail/, e.message);
}

await scenarios(import.meta, {
  "VALE ports and pipes have no host rings; counts come from the register reply": () => {
    const sw = uniqueName("vale");
    using a = openPort(`${sw}:a@conf:rings=2,slots=256`);
    assert.equal(a.info.hostTxRings, 0);
    assert.equal(a.info.hostRxRings, 0);
    assert.equal(a.info.txRings, 2);
    assert.equal(a.info.rxRings, 2);
    assert.equal(a.info.txSlots, 256);
    assert.ok(a.txRings.every((r) => !r.host), "no host ring bound");
    const e = thrown(() => openPort(`${sw}:a^`), "EINVAL");
    assertWellWorded(e);
    const pipe = uniqueName("pipe");
    using p = openPort(`netmap:${pipe}{1`);
    assert.equal(p.info.hostTxRings, 0);
    assert.equal(p.info.hostRxRings, 0);
    assert.equal(p.info.txRings, 1);
  },

  "a bad ring id: the detail says it all, no generic hint, no repeated errno": () => {
    const sw = uniqueName("vale");
    const e = thrown(() => openPort(`${sw}:b-9`), "EINVAL");
    assert.match(e.detail, /ring/);
    assert.equal(e.hint, "", e.message);
    assertWellWorded(e);
  },

  "extra buffers: granted against asked; a buffer held by a slot is refused": () => {
    const sw = uniqueName("vale");
    using a = openPort(`${sw}:a`, { extraBuffers: 4 });
    assert.equal(a.info.extraBuffersRequested, 4);
    assert.equal(a.info.extraBuffers, 4);
    const tx = a.txRings[0];
    const e = thrown(() => a.returnExtraBuffers([tx.bufIdx(5)]), "EINVAL");
    assert.match(e.detail, /tx ring 0 slot 5/);
    assertWellWorded(e);
    const rx = a.rxRings[0];
    const r = thrown(() => a.returnExtraBuffers([...a.extraBuffers(), rx.bufIdx(0)]), "EINVAL");
    assert.match(r.detail, /rx ring 0 slot 0/);
    assert.equal(a.extraBuffers().length, 4, "the list is unchanged after a refusal");
    // A swap makes the slot's old buffer free to give back.
    const list = a.extraBuffers();
    const old = tx.bufIdx(5);
    tx.setBufIdx(5, list[0]);
    a.returnExtraBuffers([old, ...list.slice(1)]);
    assert.deepEqual(a.extraBuffers(), [old, ...list.slice(1)]);
    using b = openPort(`${sw}:b`);
    assert.equal(b.info.extraBuffersRequested, 0);
    assert.equal(b.info.extraBuffers, 0);
  },

  "an oversized extra-buffer request is capped, and info shows it": () => {
    using a = openPort(`${uniqueName("vale")}:a`, { extraBuffers: 600_000 });
    assert.equal(a.info.extraBuffersRequested, 600_000);
    assert.ok(a.info.extraBuffers <= 128 * 4096, `granted ${a.info.extraBuffers}`);
    assert.ok(a.info.extraBuffers < a.info.extraBuffersRequested);
  },

  "VALE writes its alignment-preserving offset into the receiver's slot (as documented)":
    async () => {
      const sw = uniqueName("vale");
      using a = openPort(`${sw}:a`, { offsets: { max: 256 } });
      using b = openPort(`${sw}:b`, { offsets: { max: 256 } });
      const rx = b.rxRings[0];
      for (let i = 0; i < rx.numSlots; i++) rx.setOffset(i, 100);
      const tx = a.txRings[0];
      assert.equal(tx.reserve(1), 1);
      tx.setOffset(tx.slot(0), 0);
      tx.write(tx.slot(0), new Uint8Array(60).fill(0xff));
      tx.submit(1);
      a.txsync();
      assert.ok(await b.ready("rx", { timeoutMs: 1000 }), "a frame arrives");
      assert.equal(rx.peek(1), 1);
      assert.equal(rx.offset(rx.slot(0)), 64, "floor64(100) + (0 mod 64)");
      assert.equal(rx.frame(rx.slot(0))[0], 0xff);
      rx.release(1);
    },

  "fd server EBUSY after an exclusive open of the same pipe names both causes": async () => {
    const dir = Deno.env.get("NMSCRIPT_UVALE_DIR") ?? "/tmp";
    await using srv = await startFdServer({ socket: `${dir}/fds.sock` });
    const fds = fdServer({ socket: srv.socket });
    const pipe = uniqueName("pipe");
    {
      using held = await fds.get(`netmap:${pipe}{1/x`);
      assert.equal(held.info.hostTxRings, 0);
    }
    await fds.release(`netmap:${pipe}{1/x`);
    const e = await fds.get(`netmap:${pipe}{1`).then(
      () => assert.fail("EBUSY expected"),
      (e: unknown) => e,
    );
    assert.ok(e instanceof NetmapError && e.code === "EBUSY", String(e));
    assert.match(e.hint, /another client/);
    assert.match(e.hint, /exclusive/);
    assert.match(e.hint, /FD_CLOSE/);
    assertWellWorded(e);
  },
});
