// `make demo`: two ports on one VALE switch, frames for about two seconds, one rate line.
// Runs on uvale (no kernel module needed) or on kernel netmap when /dev/netmap exists.
// On uvale it uses its own daemon (in /tmp/nmscript-demo-$USER unless NMSCRIPT_UVALE_DIR is
// set) and stops it at the end.
import { backendName, NetmapError, openPort, type Port, uvaleStatus, uvaleStop } from "../mod.ts";

const SECONDS = 2;
const FRAME_LEN = 60;
const BATCH = 256;

/** A 60-byte broadcast Ethernet frame with a local source MAC and EtherType 0x88b5. */
function demoFrame(): Uint8Array {
  const f = new Uint8Array(FRAME_LEN);
  f.fill(0xff, 0, 6);
  f.set([0x02, 0x6e, 0x6d, 0x73, 0x00, 0x01, 0x88, 0xb5], 6);
  f.fill(0xa5, 14);
  return f;
}

/** Writes the frame once into every TX buffer; afterwards a send only sets lengths. */
function prime(port: Port, f: Uint8Array): void {
  for (const tx of port.txRings) {
    for (let i = 0; i < tx.numSlots; i++) tx.write(i, f);
  }
}

function daemonRunning(): boolean {
  try {
    uvaleStatus();
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<number> {
  const sw = `vale${Deno.pid % 10000}demo`;
  // A private uvale daemon (unless the caller chose one), stopped at the end: the demo
  // neither depends on nor disturbs a daemon other scripts use.
  if (!Deno.env.get("NMSCRIPT_UVALE_DIR")) {
    Deno.env.set("NMSCRIPT_UVALE_DIR", `/tmp/nmscript-demo-${Deno.env.get("USER") || "user"}`);
  }
  const startedDaemon = !daemonRunning();
  try {
    using a = openPort(`${sw}:a`);
    using b = openPort(`${sw}:b`);
    const tx = a.txRings[0];
    const rx = b.rxRings[0];
    prime(a, demoFrame());
    let sent = 0;
    let received = 0;
    const t0 = performance.now();
    const end = t0 + SECONDS * 1000;
    while (performance.now() < end) {
      const room = tx.reserve(Math.min(BATCH, tx.space()));
      if (room > 0) {
        for (let k = 0; k < room; k++) tx.setLen(tx.slot(k), FRAME_LEN);
        tx.submit(room);
        sent += room;
      }
      a.txsync();
      b.rxsync();
      const n = rx.peek(rx.numSlots - 1);
      received += n;
      rx.release(n);
      if (room === 0 && n === 0) await a.ready("tx", { timeoutMs: 10 });
    }
    const dt = (performance.now() - t0) / 1000;
    const pps = received / dt;
    console.log(
      `${backendName()}: ${sw}:a -> ${sw}:b, ${FRAME_LEN}-byte frames: sent ${sent}, ` +
        `received ${received} in ${dt.toFixed(2)} s = ${Math.round(pps)} pps ` +
        `(${(pps / 1e6).toFixed(3)} Mpps)`,
    );
    console.log(
      "Each loop fills a batch of TX slots of port a in place (the frame is already in the\n" +
        "shared buffers; only slot lengths are written), hands them to the switch with one\n" +
        "txsync, and drains port b's RX ring with one rxsync: one FFI call per batch, no copy\n" +
        "into or out of JavaScript. The switch copies each frame from a's buffer to b's.",
    );
    if (received === 0) {
      console.error("demo failed: no frame reached port b");
      return 1;
    }
    return 0;
  } catch (e) {
    console.error(e instanceof NetmapError ? e.message : e);
    return 1;
  } finally {
    try {
      if (startedDaemon && backendName() === "uvale") uvaleStop();
    } catch {
      // no library, or the daemon already exited: nothing to stop
    }
  }
}

Deno.exit(await main());
