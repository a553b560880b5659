// How pkt-gen.ts's tx/rx loops wait for a ring (src/cli/pkt_gen_wait.ts, RingWaiter): the
// first sync finds what is already there, an empty ring is re-synced for the spin time before
// the bounded poll (only while traffic flows), a full TX ring gets room as soon as the peer
// releases slots, a spin on a CPU that a busy process shares ends at once (nms_yield saw the
// CPU go to it), and a bad spin time is EINVAL. On a netmap pipe; same on uvale and kernel.
import assert from "node:assert/strict";
import { NetmapError, openPort, type Port } from "../mod.ts";
import { RingWaiter } from "../src/cli/pkt_gen_wait.ts";
import { scenarios, uniqueName } from "./core_harness.ts";

/** Puts `n` 60-byte frames on port's TX ring 0 and syncs; returns how many went. */
function send(port: Port, n: number): number {
  const tx = port.txRings[0];
  const k = tx.reserve(n);
  for (let i = 0; i < k; i++) tx.setLen(tx.slot(i), 60);
  tx.submit(k);
  port.txsync();
  return k;
}

/** A pipe's two ends with 64-slot rings: [sender, receiver]. */
function pipe(): [Port, Port] {
  const name = uniqueName("wp");
  const tx = openPort(`netmap:${name}{1`, { conf: { slots: 64 } });
  return [tx, openPort(`netmap:${name}}1`)];
}

await scenarios(import.meta, {
  "rx: frames already there are found by the first sync, busy or not": () => {
    const [a, b] = pipe();
    using _a = a;
    using _b = b;
    assert.equal(send(a, 3), 3);
    const rx = new RingWaiter(b, "rx", 200);
    assert.equal(rx.wait(0, true), true);
    assert.equal(b.rxRings[0].space(), 3);
    assert.equal(rx.wait(0, false), true, "the poll finds them too");
  },

  "rx: an empty ring is re-synced for the spin time, then polled": () => {
    const [a, b] = pipe();
    using _a = a;
    using _b = b;
    // "ignore": no yield ends the spin early, however loaded the machine running the tests
    const rx = new RingWaiter(b, "rx", 30_000, "ignore");
    const t0 = performance.now();
    assert.equal(rx.wait(0, true), false);
    assert.ok(performance.now() - t0 >= 30, "spun for 30 ms before giving up");
    assert.equal(rx.wait(0, false), false, "not busy: the poll alone");
  },

  "tx: a full ring gets room once the peer releases slots": () => {
    const [a, b] = pipe();
    using _a = a;
    using _b = b;
    const slots = a.txRings[0].numSlots;
    assert.equal(send(a, a.txRings[0].space()), slots - 1, "one slot always stays empty");
    a.txsync();
    assert.equal(a.txRings[0].space(), 0, "no room while the receiver holds every slot");
    const room = new RingWaiter(a, "tx", 2_000, "ignore");
    assert.equal(room.wait(0, true), false, "still full after the spin and the poll");
    b.rxsync();
    const got = b.rxRings[0].peek(b.rxRings[0].space());
    b.rxRings[0].release(got);
    b.rxsync();
    assert.equal(room.wait(0, true), true, "the spin's txsync sees the released slots");
    assert.equal(a.txRings[0].space(), got);
  },

  "a spin on a CPU shared with a busy process ends at the first yield": async () => {
    const [a, b] = pipe();
    using _a = a;
    using _b = b;
    // this thread and a busy loop on one CPU (the first this process may use)
    const list = await new Deno.Command("taskset", { args: ["-p", "-c", String(Deno.pid)] })
      .output();
    const allowed = new TextDecoder().decode(list.stdout).match(/list:\s*(\d+)/)?.[1] ?? "0";
    const pin = await new Deno.Command("taskset", {
      args: ["-p", "-c", allowed, String(Deno.pid)],
      stdout: "null",
    }).output();
    assert.equal(pin.code, 0, "taskset -p");
    const busy = new Deno.Command("taskset", {
      args: ["-c", allowed, "bash", "-c", "while :; do :; done"],
      stdout: "null",
      stderr: "null",
    }).spawn();
    try {
      const rx = new RingWaiter(b, "rx", 1_000_000);
      rx.wait(0, false); // the busy loop is running once a poll has let it have the CPU
      const t0 = performance.now();
      assert.equal(rx.wait(0, true), false);
      const ms = performance.now() - t0;
      assert.ok(ms < 500, `the 1 s spin gave up after ${ms.toFixed(1)} ms, not at the first yield`);
    } finally {
      busy.kill("SIGKILL");
      await busy.status;
    }
  },

  "a spin time that is not an integer 0..1000000 µs is EINVAL": () => {
    const [a, b] = pipe();
    using _a = a;
    using _b = b;
    for (const bad of [-1, 1.5, 1_000_001, Number.NaN]) {
      assert.throws(
        () => new RingWaiter(b, "rx", bad),
        (e: unknown) =>
          e instanceof NetmapError && e.code === "EINVAL" && /spin time/.test(e.message),
        `spin ${bad}`,
      );
    }
  },
});
