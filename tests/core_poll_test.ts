// netmap's poll semantics through Port.ready(): waiting for "rx" also pushes out the TX slots
// submitted but never txsync'ed (netmap_poll syncs TX rings with pending slots unless
// NR_NO_TX_POLL), and every RX ring is synced. Same expectations on uvale and kernel netmap.
import assert from "node:assert/strict";
import { eth, NetmapError, openPort, type Port } from "../mod.ts";
import { scenarios, uniqueName } from "./core_harness.ts";

const FRAME = eth({ src: "02:00:00:00:00:01", dst: "02:00:00:00:00:02" })
  .ipv4({ src: "10.0.0.1", dst: "10.0.0.2" })
  .udp({ srcPort: 1, dstPort: 2 })
  .padTo(60);

/** Puts `n` frames on port's TX ring 0 and advances head/cur, without a txsync. */
function submitOnly(port: Port, n: number): void {
  const tx = port.txRings[0];
  assert.equal(tx.reserve(n), n, "TX space");
  for (let i = 0; i < n; i++) {
    const slot = tx.slot(i);
    tx.setLen(slot, FRAME.buildInto(tx.frame(slot), 0));
  }
  tx.submit(n);
}

/** Frames waiting on port's RX rings after one rxsync. */
function received(port: Port): number {
  port.rxsync();
  return port.rxRings.reduce((sum, r) => sum + r.space(), 0);
}

await scenarios(import.meta, {
  "ready('rx') pushes out slots submitted without txsync": async () => {
    const sw = uniqueName("vale");
    using a = openPort(`${sw}:a`);
    using b = openPort(`${sw}:b`);
    submitOnly(a, 3);
    assert.equal(received(b), 0, "nothing leaves before a sync");
    const ready = await a.ready("rx", { timeoutMs: 50 });
    assert.equal(ready, false, "a has nothing to receive");
    assert.equal(received(b), 3, "a's poll for rx sent the submitted frames");
  },

  "noTxPoll: ready('rx') leaves TX alone; txsync still sends": async () => {
    const sw = uniqueName("vale");
    using a = openPort(`${sw}:a`, { noTxPoll: true });
    using b = openPort(`${sw}:b`);
    assert.deepEqual([a.info.noTxPoll, b.info.noTxPoll], [true, false]);
    submitOnly(a, 2);
    assert.equal(await a.ready("rx", { timeoutMs: 50 }), false);
    assert.equal(received(b), 0, "NR_NO_TX_POLL: poll for rx does not txsync");
    a.txsync();
    assert.equal(received(b), 2);
  },

  "ready('rx') on a pipe end pushes out its TX too": async () => {
    const pipe = uniqueName("pp");
    using m = openPort(`netmap:${pipe}{1`);
    using s = openPort(`netmap:${pipe}}1`);
    submitOnly(m, 4);
    await m.ready("rx", { timeoutMs: 50 });
    assert.equal(received(s), 4);
  },

  "options.noTxPoll must be a boolean": () => {
    assert.throws(
      () => openPort(`${uniqueName("vale")}:a`, { noTxPoll: 1 as unknown as boolean }),
      (e: unknown) => e instanceof NetmapError && /noTxPoll must be a boolean/.test(e.message),
    );
  },
});
