// Two ports on a VALE switch: one sends a UDP frame, the other expects it.
// Run: deno run -P=script scripts/examples/hello_vale.ts   (works on uvale and on kernel netmap)
import { eth, openPort } from "../../mod.ts";

const bridge = `vale${Deno.pid % 10000}hi`; // a switch of our own
using a = openPort(`${bridge}:a`);
using b = openPort(`${bridge}:b`);

const frame = eth({ src: "02:00:00:00:00:0a", dst: "ff:ff:ff:ff:ff:ff" })
  .ipv4({ src: "10.0.0.5", dst: "10.0.0.7" })
  .udp({ srcPort: 1234, dstPort: 5678 })
  .payload(new TextEncoder().encode("hello netmap"));

// Zero-copy by hand: reserve a TX slot, write the frame into its buffer, submit, sync.
const tx = a.txRings[0];
if (tx.reserve(1) !== 1) throw new Error("no TX space");
const slot = tx.slot(0);
const len = frame.buildInto(tx.frame(slot), 0);
tx.setLen(slot, len);
tx.submit(1);
a.txsync();

// The test-library way: wait for a frame that matches a pattern (field diff on mismatch).
const [got] = await b.expect({ ipv4: { dst: "10.0.0.7" }, udp: { dstPort: 5678 } }, {
  timeoutMs: 1000,
});
console.log(`b received ${got.length} bytes: "${new TextDecoder().decode(got.subarray(42))}"`);
