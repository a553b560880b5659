// pkt-gen's per-packet addresses (-s/-d ranges, -z/-Z) on real frames from src/frames, with
// their checksums checked by the parser; and how -p N threads bind their rings.
import { assertEquals, assertThrows } from "./cli_assert.ts";
import { parsePktGenArgs, type PktGenPlan } from "../src/cli/pkt_gen_args.ts";
import { addressWalk, pktGenFrames } from "../src/cli/pkt_gen_frames.ts";
import { variesAddresses } from "../src/cli/pkt_gen_addr.ts";
import { threadPortNames } from "../src/cli/pkt_gen_ports.ts";
import { parseFrame } from "../src/frames/mod.ts";

function plan(...argv: string[]): PktGenPlan {
  const o = parsePktGenArgs(["-i", "vale0:a", "-f", "tx", ...argv], { systemCpus: 2 });
  if (o.kind !== "run") throw new Error(`expected a plan: ${o.stderr}`);
  return o.plan;
}

/** The first `n` packets as "src:port>dst:port", checking both checksums of each. */
async function walk(p: PktGenPlan, n: number, l3 = 14): Promise<string[]> {
  const [frame] = await pktGenFrames(p);
  const w = addressWalk(p, frame.length);
  const seen: string[] = [];
  for (let i = 0; i < n; i++) {
    const f = parseFrame(frame.subarray(p.virtHeader));
    const ip = f.ipv4 ?? f.ipv6;
    if (ip === undefined || f.udp === undefined) throw new Error(`packet ${i}: not IP/UDP`);
    if (f.ipv4 !== undefined) assertEquals(f.ipv4.checksumOk, true, `IPv4 checksum, packet ${i}`);
    assertEquals(f.udp.checksumOk, true, `UDP checksum, packet ${i}`);
    seen.push(`${ip.src}:${f.udp.srcPort}>${ip.dst}:${f.udp.dstPort}`);
    w?.next(frame);
  }
  assertEquals(frame.length >= l3, true);
  return seen;
}

Deno.test("pkt-gen addresses: no range, no walk (the fast path stays)", () => {
  const p = plan();
  assertEquals(variesAddresses(p), false);
  assertEquals(addressWalk(p, 60), undefined);
  assertEquals(addressWalk(plan("-P", "x.pcap", "-z"), 60), undefined);
  assertEquals(addressWalk(plan("-z", "-l", "30"), 30), undefined); // too short for IP+UDP
});

Deno.test("pkt-gen addresses: source port, source address, destination port, destination address", async () => {
  const p = plan("-s", "10.0.0.1:1-10.0.0.2:2", "-d", "10.1.0.1:5-10.1.0.2:6");
  assertEquals(await walk(p, 17), [
    "10.0.0.1:1>10.1.0.1:5",
    "10.0.0.1:2>10.1.0.1:5",
    "10.0.0.2:1>10.1.0.1:5",
    "10.0.0.2:2>10.1.0.1:5",
    "10.0.0.1:1>10.1.0.1:6",
    "10.0.0.1:2>10.1.0.1:6",
    "10.0.0.2:1>10.1.0.1:6",
    "10.0.0.2:2>10.1.0.1:6",
    "10.0.0.1:1>10.1.0.2:5",
    "10.0.0.1:2>10.1.0.2:5",
    "10.0.0.2:1>10.1.0.2:5",
    "10.0.0.2:2>10.1.0.2:5",
    "10.0.0.1:1>10.1.0.2:6",
    "10.0.0.1:2>10.1.0.2:6",
    "10.0.0.2:1>10.1.0.2:6",
    "10.0.0.2:2>10.1.0.2:6",
    "10.0.0.1:1>10.1.0.1:5",
  ]);
});

Deno.test("pkt-gen addresses: an address range crossing a byte, a carry into the third byte", async () => {
  const seen = await walk(plan("-s", "10.0.0.254-10.0.1.1"), 5);
  assertEquals(seen.map((s) => s.split(">")[0]), [
    "10.0.0.254:1234",
    "10.0.0.255:1234",
    "10.0.1.0:1234",
    "10.0.1.1:1234",
    "10.0.0.254:1234",
  ]);
});

Deno.test("pkt-gen addresses: -z and -Z draw random addresses and ports, checksums stay right", async () => {
  const src = await walk(plan("-z", "-l", "200"), 200);
  assertEquals(new Set(src.map((s) => s.split(">")[0])).size > 150, true);
  assertEquals(new Set(src.map((s) => s.split(">")[1])).size, 1);
  const dst = await walk(plan("-Z", "-o", "0"), 200);
  assertEquals(new Set(dst.map((s) => s.split(">")[0])).size, 1);
  assertEquals(new Set(dst.map((s) => s.split(">")[1])).size > 150, true);
  assertEquals(variesAddresses(plan("-o", "512")), true); // -o RANDOM_SRC is -z
});

Deno.test("pkt-gen addresses: IPv6 walks the last group; --vlan and -H move the headers", async () => {
  const v6 = plan("-6", "-l", "80", "-s", "[fd00::1]:7-[fd00::3]:7", "-d", "[fd00::9]");
  assertEquals(await walk(v6, 4), [
    "fd00::1:7>fd00::9:1234",
    "fd00::2:7>fd00::9:1234",
    "fd00::3:7>fd00::9:1234",
    "fd00::1:7>fd00::9:1234",
  ]);
  const tagged = plan("--vlan", "10", "-s", "10.0.0.1:1-10.0.0.1:3");
  const [frame] = await pktGenFrames(tagged);
  addressWalk(tagged, frame.length)!.next(frame);
  const f = parseFrame(frame);
  assertEquals([f.vlan?.[0]?.vid, f.udp?.srcPort, f.udp?.checksumOk], [10, 2, true]);
  const vh = plan("-H", "12", "-d", "10.1.0.1:1-10.1.0.1:2");
  assertEquals((await walk(vh, 3)).map((s) => s.split(":").at(-1)), ["1", "2", "1"]);
});

Deno.test("pkt-gen -p: thread i binds ring i; host rings after NIC rings with '*'", () => {
  const info = { txRings: 2, rxRings: 3, hostTxRings: 1, hostRxRings: 1 };
  assertEquals(threadPortNames("vale0:a", 2, info, "tx"), ["vale0:a-0", "vale0:a-1"]);
  assertEquals(threadPortNames("vale0:a@conf:rings=3", 3, info, "rx"), [
    "vale0:a-0@conf:rings=3",
    "vale0:a-1@conf:rings=3",
    "vale0:a-2@conf:rings=3",
  ]);
  assertEquals(threadPortNames("netmap:eth0*", 3, info, "tx"), [
    "netmap:eth0-0",
    "netmap:eth0-1",
    "netmap:eth0^0",
  ]);
  assertEquals(threadPortNames("netmap:eth0^", 1, info, "tx"), ["netmap:eth0^0"]);
  assertThrows(() => threadPortNames("vale0:a", 3, info, "tx"), Error, "has 2 NIC tx rings");
});
