// Linux interfaces on the backend (uvale's AF_PACKET ports, or kernel netmap): veth pairs in
// network namespaces against Linux's own stack. Each scenario runs with its own uvale daemon.
// Needs root, iproute2 and ping; skipped otherwise, with the reason.
import assert from "node:assert/strict";
import {
  hasCommand,
  NetmapError,
  netns,
  openPort,
  type Port,
  portInfo,
  run,
  TestScope,
  valeAttach,
  valeDetach,
  vethPair,
} from "../mod.ts";
import { scenarios, uniqueName } from "./core_harness.ts";

async function missing(): Promise<string> {
  for (const cmd of ["ip", "ping"]) {
    if (!(await hasCommand(cmd))) return `'${cmd}' is not installed`;
  }
  // the privilege it needs: making a network namespace (root, CAP_SYS_ADMIN)
  const probe = uniqueName("nmlp");
  const r = await run("ip", ["netns", "add", probe], { check: false });
  if (r.code !== 0) return `cannot create network namespaces (root needed): ${r.stderr.trim()}`;
  await run("ip", ["netns", "del", probe], { check: false });
  return "";
}

/** An Ethernet frame of `len` bytes: dst, src, EtherType 0x88b5, then a pattern from `seed`. */
function frame(dst: number, src: number, len: number, seed: number): Uint8Array {
  const f = new Uint8Array(len);
  f.set([0x02, 0, 0, 0, 0x55, dst, 0x02, 0, 0, 0, 0x55, src, 0x88, 0xb5]);
  for (let i = 14; i < len; i++) f[i] = (seed * 31 + i * 7) & 0xff;
  return f;
}

/** Waits up to `ms` for the next 0x88b5 frame on the port's rx ring 0 (others are skipped). */
async function receive(port: Port, ms: number): Promise<Uint8Array> {
  const ring = port.rxRings[0];
  const end = Date.now() + ms;
  for (;;) {
    port.rxsync();
    while (ring.peek(1) === 1) {
      const b = ring.frame(ring.slot(0));
      const copy = b[12] === 0x88 && b[13] === 0xb5 ? b.slice() : undefined;
      ring.release(1);
      if (copy) return copy;
    }
    if (Date.now() >= end) throw new Error(`${port.name}: no frame within ${ms} ms`);
    await port.ready("rx", { timeoutMs: Math.max(1, end - Date.now()) });
  }
}

const why = await missing();
if (why) console.log(`skip uvale_linux_test: ${why}`);

await scenarios(
  import.meta,
  why ? {} : {
    "ping from one namespace to another through a switch the veth ends are attached to":
      async () => {
        await using scope = new TestScope("linux ping");
        const nsA = await netns(scope, "nmla");
        const nsB = await netns(scope, "nmlb");
        const a = await vethPair(scope, { prefix: "nmla", nsB: nsA, addrB: "10.66.0.1/24" });
        const b = await vethPair(scope, { prefix: "nmlb", nsB: nsB, addrB: "10.66.0.2/24" });
        const sw = uniqueName("vale");
        for (const end of [a.a, b.a]) {
          valeAttach(`${sw}:${end}`);
          scope.defer(`detach ${sw}:${end}`, () => {
            valeDetach(`${sw}:${end}`);
          });
        }
        // an attached interface belongs to the switch
        assert.throws(
          () => openPort(`netmap:${a.a}`),
          (e) => e instanceof NetmapError && e.code === "EBUSY",
        );
        const r = await run("ping", ["-c", "3", "-i", "0.2", "-W", "2", "10.66.0.2"], {
          netns: nsA.name,
          check: false,
        });
        assert.equal(r.code, 0, `ping through ${sw} failed:\n${r.stdout}${r.stderr}`);
      },

    "netmap:IFNAME sends and receives frames byte for byte, both ways": async () => {
      await using scope = new TestScope("linux send/receive");
      const v = await vethPair(scope, { prefix: "nmlv" });
      const info = portInfo(v.a);
      assert.equal(info.txRings, 1);
      assert.ok(info.hostTxRings >= 1, "a NIC has host rings");
      using pa = openPort(`netmap:${v.a}`);
      using pb = openPort(`netmap:${v.b}`);
      for (const [from, to, tag] of [[pa, pb, 1], [pb, pa, 2]] as const) {
        const sent = [60, 61, 512, 1514].map((len, k) =>
          frame(0xb0 + tag, 0xa0 + tag, len, k + tag)
        );
        const tx = from.txRings[0];
        assert.equal(tx.reserve(sent.length), sent.length);
        sent.forEach((f, k) => tx.write(tx.slot(k), f));
        tx.submit(sent.length);
        from.txsync();
        for (const f of sent) {
          const got = await receive(to, 2000);
          assert.deepEqual(got, f, `${from.name} -> ${to.name}: frame of ${f.length} bytes`);
        }
      }
    },

    "netmap:IFNAME of a name that is no interface is ENXIO": () => {
      assert.throws(
        () => openPort(`netmap:${uniqueName("nx")}`),
        (e) => e instanceof NetmapError && e.code === "ENXIO",
      );
    },
  },
);
