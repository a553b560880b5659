// VALE control and fd passing on a real backend, each scenario with its own uvale daemon.
import assert from "node:assert/strict";
import {
  NetmapError,
  openPort,
  poolsInfo,
  Port,
  portHeaderGet,
  portHeaderSet,
  portInfo,
  SeqpacketListener,
  SeqpacketSocket,
  valeAttach,
  valeDelIf,
  valeDetach,
  valeList,
  valeNewIf,
} from "../mod.ts";
import { scenarios, uniqueName } from "./core_harness.ts";

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof NetmapError) return e.code;
    throw e;
  }
  return "no error";
}

await scenarios(import.meta, {
  "list: all ports, and one port by name": () => {
    const sw = uniqueName("vale");
    using _a = openPort(`${sw}:a`);
    using _b = openPort(`${sw}:b`);
    const all = valeList().filter((p) => p.name.startsWith(`${sw}:`));
    assert.deepEqual(all.map((p) => p.name).sort(), [`${sw}:a`, `${sw}:b`]);
    assert.equal(new Set(all.map((p) => p.bridgeIdx)).size, 1, "one switch");
    const one = valeList(`${sw}:b`);
    assert.equal(one.length, 1);
    assert.equal(one[0].portIdx, all.find((p) => p.name === `${sw}:b`)!.portIdx);
    assert.deepEqual(valeList(`${sw}:zz`), [], "unknown port on a known switch");
    assert.equal(code(() => valeList(`${uniqueName("vale")}:a`)), "ENOENT", "unknown switch");
  },

  "port info and pools info describe an open port": () => {
    const sw = uniqueName("vale");
    using a = openPort(`${sw}:a`, { conf: { slots: 256 } });
    const info = portInfo(`${sw}:a`);
    assert.equal(info.txSlots, a.info.txSlots);
    assert.equal(info.rxRings, a.info.rxRings);
    assert.equal(info.memId, a.info.memId);
    const pools = poolsInfo(`${sw}:a`);
    assert.equal(pools.memId, a.info.memId);
    assert.equal(pools.buf.size, a.info.bufSize);
    assert.ok(pools.buf.total > 0 && pools.ring.total > 0 && pools.if.total > 0);
    assert.equal(portHeaderGet(`${sw}:a`), 0);
    portHeaderSet(`${sw}:a`, 12);
    assert.equal(portHeaderGet(`${sw}:a`), 12);
    assert.equal(code(() => portHeaderSet(`${sw}:a`, 7)), "EINVAL");
  },

  "persistent ports: newif, attach, open, detach, delif": () => {
    const name = uniqueName("nms");
    const created = valeNewIf(name, { slots: 512, rings: 1 });
    try {
      assert.equal(created.txSlots, 512);
      assert.equal(code(() => valeNewIf(name)), "EEXIST");
      const sw = uniqueName("vale");
      valeAttach(`${sw}:${name}`);
      try {
        assert.equal(valeList(`${sw}:${name}`).length, 1);
        assert.equal(code(() => valeDelIf(name)), "EBUSY", "attached ports cannot be deleted");
      } finally {
        valeDetach(`${sw}:${name}`);
      }
      using p = openPort(`netmap:${name}`);
      assert.equal(p.info.txSlots, 512);
    } finally {
      valeDelIf(name);
    }
    assert.equal(code(() => valeDelIf(name)), "ENXIO");
  },

  "a port handle passed over SCM_RIGHTS becomes a Port again": async () => {
    const sw = uniqueName("vale");
    const path = `${Deno.env.get("NMSCRIPT_UVALE_DIR") ?? "/tmp"}/core-fdpass.sock`;
    using listener = SeqpacketListener.listen(path);
    using a = openPort(`${sw}:a`);
    const client = SeqpacketSocket.connect(path, { timeoutMs: 1000 });
    using server = await listener.accept({ timeoutMs: 1000 });
    using c = await client;
    server.send(a.registerBody(), a.fd);
    const msg = await c.recv({ timeoutMs: 1000 });
    assert.ok(msg.fd >= 0, "an fd came along");
    using b = Port.fromFd(msg.fd, { name: `${sw}:a`, register: msg.data });
    assert.equal(b.info.txSlots, a.info.txSlots);
    assert.equal(b.txRings[0].numSlots, a.txRings[0].numSlots);
    // same binding: what one writes in the TX ring, the other sees
    a.txRings[0].setLen(3, 99);
    assert.equal(b.txRings[0].len(3), 99);
  },
});
