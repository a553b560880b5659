// Linux interfaces on the backend (uvale's AF_PACKET ports, or kernel netmap): veth pairs in
// network namespaces against Linux's own stack. Each scenario runs with its own uvale daemon.
// Needs root, iproute2 and ping; skipped otherwise, with the reason.
import assert from "node:assert/strict";
import {
  eth,
  type FramePattern,
  hasCommand,
  ICMP_TYPE,
  NetmapError,
  type Netns,
  netns,
  openPort,
  type ParsedFrame,
  parseFrame,
  type Port,
  portInfo,
  run,
  TestScope,
  valeAttach,
  valeDetach,
  valeList,
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

/** The MAC address of an interface (in `ns` when given), read with `ip -o link show`. */
async function macOf(ifname: string, ns?: Netns): Promise<string> {
  const r = await run("ip", ["-o", "link", "show", "dev", ifname], { netns: ns?.name });
  const m = /link\/ether ([0-9a-f:]{17})/.exec(r.stdout);
  if (!m) throw new Error(`no Ethernet address for ${ifname} in: ${r.stdout.trim()}`);
  return m[1];
}

/**
 * A /24 of 10.0.0.0/8 for one scenario ("10.X.Y"): these scenarios put addresses in the
 * namespace the test runs in, so the subnet must not collide with parallel runs.
 */
function subnet(k: number): string {
  return `10.${200 + (Deno.pid % 50)}.${k * 10 + (Date.now() % 10)}`;
}

/** Every frame that arrives on the port's RX rings within `ms` (parsed, consumed). */
async function collect(port: Port, ms: number): Promise<ParsedFrame[]> {
  const out: ParsedFrame[] = [];
  const end = Date.now() + ms;
  for (;;) {
    port.rxsync();
    for (const ring of port.rxRings) {
      while (ring.peek(1) === 1) {
        out.push(parseFrame(ring.frame(ring.slot(0)).slice()));
        ring.release(1);
      }
    }
    const left = end - Date.now();
    if (left <= 0) return out;
    await port.ready("rx", { timeoutMs: left });
  }
}

/** The ICMP echo frames (IPv4) among `frames`. */
function echoes(frames: ParsedFrame[]): ParsedFrame[] {
  return frames.filter((f) =>
    f.icmp && (f.icmp.type === ICMP_TYPE.ECHO_REQUEST || f.icmp.type === ICMP_TYPE.ECHO_REPLY)
  );
}

/** One line per frame, for messages. */
function show(frames: ParsedFrame[]): string {
  return frames.map((f) =>
    `${f.ipv4?.src} -> ${f.ipv4?.dst} icmp type ${f.icmp?.type} seq ${f.icmp?.seq}`
  ).join("\n");
}

/** `ping` from `ns` (or here): 3 echo requests, 0.2 s apart, 2 s for the last reply. */
function ping(to: string, ns?: Netns): Promise<{ code: number; stdout: string; stderr: string }> {
  return run("ping", ["-c", "3", "-i", "0.2", "-W", "2", to], {
    netns: ns?.name,
    check: false,
  });
}

/** A NIC with an address here (b), its wire peer (no address), an echo request and its reply. */
interface HostSetup {
  b: string;
  peer: string;
  request: Uint8Array;
  reply: FramePattern;
}

/**
 * A veth pair for the host-ring scenarios: `b` has an address in this namespace and a static
 * neighbour entry for the peer (so its reply needs no ARP); the peer end has no address. The
 * request comes "from the peer" (its MAC and an address of the subnet) to `b`.
 */
async function hostSetup(scope: TestScope, k: number): Promise<HostSetup> {
  const net = subnet(k);
  const v = await vethPair(scope, { prefix: "nmlh", addrA: `${net}.1/24` });
  const [macB, macP] = [await macOf(v.a), await macOf(v.b)];
  const [ipB, ipP] = [`${net}.1`, `${net}.2`];
  await run("ip", ["neigh", "replace", ipP, "lladdr", macP, "dev", v.a, "nud", "permanent"]);
  const id = Deno.pid & 0xffff;
  return {
    b: v.a,
    peer: v.b,
    request: eth({ dst: macB, src: macP }).ipv4({ src: ipP, dst: ipB }).icmp({ id, seq: k })
      .payload("nmscript host tx ring").build(),
    reply: {
      eth: { dst: macP, src: macB },
      ipv4: { src: ipB, dst: ipP },
      icmp: { type: ICMP_TYPE.ECHO_REPLY, id, seq: k, checksumOk: true },
    },
  };
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

    "host TX ring: an echo request written to IFNAME* is answered by the stack on the host RX ring":
      async () => {
        await using scope = new TestScope("linux host tx");
        const h = await hostSetup(scope, 1);
        // NIC and host rings ("*"): the NIC is in netmap mode, its stack cut off the wire
        using peer = openPort(`netmap:${h.peer}`);
        using port = openPort(`netmap:${h.b}*`);
        const host = port.txRings.length - 1;
        assert.ok(port.txRings[host].host && port.rxRings[port.rxRings.length - 1].host);
        await port.send(h.request, { ring: host });
        await port.expect(h.reply, {
          ring: port.rxRings.length - 1,
          ignoreOthers: true,
          timeoutMs: 3000,
        });
        // neither the request (it went up the stack) nor the reply (it went to the host
        // RX ring) reached the wire
        const onWire = echoes(await collect(peer, 300));
        assert.equal(onWire.length, 0, `echo frames reached ${h.peer}:\n${show(onWire)}`);
      },

    "host rings alone (IFNAME^) leave the NIC out of netmap mode: the stack's reply takes the wire":
      async () => {
        // netmap decides per NIC ring (netmap_transmit: a frame of the stack goes to the
        // driver while its NIC TX ring is not in netmap mode), and so does uvale
        await using scope = new TestScope("linux host only");
        const h = await hostSetup(scope, 4);
        using peer = openPort(`netmap:${h.peer}`);
        using port = openPort(`netmap:${h.b}^`);
        assert.ok(port.txRings.length >= 1 && port.txRings.every((r) => r.host));
        await port.send(h.request);
        // injected into the stack all the same; the reply leaves on the wire
        await peer.expect(h.reply, { ignoreOthers: true, timeoutMs: 3000 });
        const onHost = echoes(await collect(port, 300));
        assert.equal(onHost.length, 0, `echo frames on ${h.b}'s host RX ring:\n${show(onHost)}`);
      },

    "netmap:IFNAME cuts the stack off: ping gets no reply, the requests land on the NIC RX ring":
      async () => {
        await using scope = new TestScope("linux cut-off");
        const net = subnet(2);
        const nsP = await netns(scope, "nmlp");
        const v = await vethPair(scope, {
          prefix: "nmlc",
          addrA: `${net}.1/24`,
          nsB: nsP,
          addrB: `${net}.2/24`,
        });
        const ipB = `${net}.1`;
        // the peer knows B's MAC, so what it sends is echo requests (no ARP)
        await run("ip", [
          "neigh",
          "replace",
          ipB,
          "lladdr",
          await macOf(v.a),
          "dev",
          v.b,
          "nud",
          "permanent",
        ], { netns: nsP.name });
        let r = await ping(ipB, nsP);
        assert.equal(r.code, 0, `ping before netmap mode failed:\n${r.stdout}${r.stderr}`);
        {
          using nic = openPort(`netmap:${v.a}`);
          r = await ping(ipB, nsP);
          assert.notEqual(r.code, 0, `${v.a} in netmap mode, yet its stack answered:\n${r.stdout}`);
          const got = echoes(await collect(nic, 300));
          const requests = got.filter((f) =>
            f.icmp?.type === ICMP_TYPE.ECHO_REQUEST && f.ipv4?.src === `${net}.2` &&
            f.ipv4?.dst === ipB
          );
          assert.equal(requests.length, 3, `NIC RX ring of ${v.a} got:\n${show(got)}`);
        }
        r = await ping(ipB, nsP);
        assert.equal(r.code, 0, `ping after close failed:\n${r.stdout}${r.stderr}`);
      },

    "valeAttach with hostRings puts IFNAME and its stack on a switch (vale-ctl -h)": async () => {
      await using scope = new TestScope("linux attach -h");
      const net = subnet(3);
      const nsP = await netns(scope, "nmlp");
      // B's stack (here, b.a with an address) reaches the peer (in nsP) only through the switch
      const b = await vethPair(scope, { prefix: "nmls", addrA: `${net}.1/24` });
      const q = await vethPair(scope, { prefix: "nmlq", nsB: nsP, addrB: `${net}.2/24` });
      const sw = uniqueName("vale");
      const ours = (): string[] =>
        valeList().map((e) => e.name).filter((n) => n.startsWith(`${sw}:`)).sort();
      valeAttach(`${sw}:${q.a}`);
      scope.defer(`detach ${sw}:${q.a}`, () => {
        valeDetach(`${sw}:${q.a}`);
      });
      valeAttach(`${sw}:${b.a}`, { hostRings: true });
      let attached = true;
      scope.defer(`detach ${sw}:${b.a}`, () => {
        if (attached) valeDetach(`${sw}:${b.a}`);
      });
      assert.deepEqual(ours(), [`${sw}:${b.a}`, `${sw}:${b.a}^`, `${sw}:${q.a}`].sort());
      const r = await ping(`${net}.2`);
      assert.equal(
        r.code,
        0,
        `ping from ${b.a}'s stack through ${sw} failed:\n${r.stdout}${r.stderr}`,
      );
      valeDetach(`${sw}:${b.a}`);
      attached = false;
      assert.deepEqual(ours(), [`${sw}:${q.a}`], "detach removes the NIC and the host port");
    },
  },
);
