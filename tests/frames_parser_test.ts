// The frame parser: round trips with the builder, checksum flags, truncation at every
// length, and robustness (random and mutated bytes never throw).
import assert from "node:assert/strict";
import { eth, functionalFrame, parseFrame } from "../src/frames/mod.ts";

const A = "02:00:00:00:00:01";
const B = "02:00:00:00:00:02";

function samples(): Uint8Array[] {
  const v4 = { src: "10.1.2.3", dst: "10.4.5.6" };
  const v6 = { src: "2001:db8::1", dst: "ff02::1:ff00:1" };
  return [
    functionalFrame({ len: 60 }),
    eth({ src: A, dst: B }).vlan(10).ipv4(v4).udp({ srcPort: 7, dstPort: 9 }).payload("hello")
      .build(),
    eth({}).qinq(100, 10).ipv4({ ...v4, options: new Uint8Array([1, 1, 1, 0]) })
      .tcp({ flags: "SA", seq: 0xfffffff0, ack: 1, options: new Uint8Array([2, 4, 5, 0xb4]) })
      .payload("data").build(),
    eth({}).ipv4(v4).icmp({ id: 77, seq: 3 }).payload("ping").padTo(60).build(),
    eth({}).ipv6(v6).icmpv6({ type: 129, id: 1, seq: 2 }).payload("pong").build(),
    eth({}).ipv6(v6).udp({ dstPort: 546 }).payload(new Uint8Array(100)).build(),
    eth({}).ipv6(v6).tcp({ flags: "F" }).build(),
    eth({ src: A }).arp({ senderIp: "10.0.0.1", targetIp: "10.0.0.2" }).padTo(60).build(),
    eth({ type: 0x88cc }).payload("lldp-ish").build(),
  ];
}

Deno.test("round trip: every layer and field the builder writes is read back", () => {
  const [fm, udp, tcp, icmp, icmp6, udp6, tcp6, arp, raw] = samples().map((f) => parseFrame(f));
  assert.equal(fm.udp?.length, 26);
  assert.equal(fm.ipv4?.df, true);
  assert.equal(fm.payload.length, 18);

  assert.deepEqual(udp.eth, { dst: B, src: A, type: 0x8100 });
  assert.deepEqual(udp.vlan, [{ tpid: 0x8100, pcp: 0, dei: false, vid: 10, type: 0x0800 }]);
  assert.equal(udp.ipv4?.src, "10.1.2.3");
  assert.deepEqual(udp.udp, {
    srcPort: 7,
    dstPort: 9,
    length: 13,
    checksum: udp.udp?.checksum,
    checksumOk: true,
  });
  assert.equal(new TextDecoder().decode(udp.payload), "hello");

  assert.deepEqual(tcp.vlan.map((t) => [t.tpid, t.vid]), [[0x88a8, 100], [0x8100, 10]]);
  assert.equal(tcp.ipv4?.ihl, 6);
  assert.deepEqual([...(tcp.ipv4?.options ?? [])], [1, 1, 1, 0]);
  assert.equal(tcp.tcp?.flagNames, "SA");
  assert.equal(tcp.tcp?.seq, 0xfffffff0);
  assert.equal(tcp.tcp?.dataOffset, 6);
  assert.equal(tcp.tcp?.checksumOk, true);
  assert.equal(new TextDecoder().decode(tcp.payload), "data");

  assert.equal(icmp.icmp?.id, 77);
  assert.equal(icmp.icmp?.checksumOk, true);
  assert.equal(new TextDecoder().decode(icmp.payload), "ping");
  assert.equal(icmp.trailer.length, 60 - 14 - 20 - 8 - 4);

  assert.equal(icmp6.ipv6?.dst, "ff02::1:ff00:1");
  assert.equal(icmp6.icmpv6?.type, 129);
  assert.equal(icmp6.icmpv6?.checksumOk, true);
  assert.equal(udp6.udp?.checksumOk, true);
  assert.equal(udp6.payload.length, 100);
  assert.equal(tcp6.tcp?.flagNames, "F");
  assert.equal(tcp6.tcp?.checksumOk, true);

  assert.equal(arp.arp?.senderMac, A);
  assert.equal(arp.arp?.targetIp, "10.0.0.2");
  assert.equal(arp.trailer.length, 18);

  assert.equal(raw.eth?.type, 0x88cc);
  assert.equal(new TextDecoder().decode(raw.payload), "lldp-ish");
  for (const p of [fm, udp, tcp, icmp, icmp6, udp6, tcp6, arp, raw]) {
    assert.equal(p.truncated, false);
    assert.deepEqual(p.problems, []);
  }
});

Deno.test("checksum flags turn false when one bit flips, null when absent", () => {
  const f = samples()[1];
  const ipBad = f.slice();
  ipBad[18 + 8] ^= 1; // TTL
  const p = parseFrame(ipBad);
  assert.equal(p.ipv4?.checksumOk, false);
  assert.equal(p.udp?.checksumOk, true, "TTL is not in the UDP pseudo-header");
  const payloadBad = f.slice();
  payloadBad[payloadBad.length - 1] ^= 0x80;
  assert.equal(parseFrame(payloadBad).udp?.checksumOk, false);
  const none = eth({}).ipv4({ src: "1.1.1.1", dst: "2.2.2.2" }).udp({ checksum: 0 }).build();
  assert.equal(parseFrame(none).udp?.checksumOk, null);
  const frag = eth({}).ipv4({ src: "1.1.1.1", dst: "2.2.2.2", mf: true }).udp().payload("x")
    .build();
  assert.equal(parseFrame(frag).udp?.checksumOk, null, "a first fragment cannot be verified");
  const later = eth({}).ipv4({ src: "1.1.1.1", dst: "2.2.2.2", fragmentOffset: 8 }).udp().build();
  assert.equal(parseFrame(later).udp, undefined, "no L4 header in a later fragment");
});

Deno.test("every truncation of every sample is reported, never thrown", () => {
  for (const f of samples()) {
    const whole = parseFrame(f);
    for (let n = 0; n < f.length; n++) {
      const p = parseFrame(f.subarray(0, n));
      assert.equal(p.length, n);
      if (n < 14) {
        assert.equal(p.eth, undefined);
        assert.equal(p.truncated, true);
      }
      // Cutting into an ARP or IP packet (not the padding) must be noticed.
      const ipEnd = f.length - whole.trailer.length;
      const known = whole.arp ?? whole.ipv4 ?? whole.ipv6;
      if (n < ipEnd && known !== undefined) {
        assert.equal(p.truncated, true, `cut at ${n} of ${f.length}`);
      }
      assert.ok(p.problems.length > 0 || !p.truncated);
      assert.ok(p.payload.length <= n);
    }
  }
});

Deno.test("bad length fields: too long is truncated, too short is a problem", () => {
  const long = eth({}).ipv4({ src: "1.1.1.1", dst: "2.2.2.2", totalLength: 500 }).udp().build();
  const p = parseFrame(long);
  assert.equal(p.truncated, true);
  assert.match(p.problems.join(), /ipv4.totalLength 500 reaches past the end/);
  const short = eth({}).ipv4({ src: "1.1.1.1", dst: "2.2.2.2", ihl: 3 }).build();
  assert.match(parseFrame(short).problems.join(), /ipv4.ihl 3 is below 5/);
  const udp = eth({}).ipv4({ src: "1.1.1.1", dst: "2.2.2.2" }).udp({ length: 4 }).build();
  assert.match(parseFrame(udp).problems.join(), /udp.length 4 is below 8/);
});

Deno.test("parseFrame reads a frame at an offset inside a larger buffer", () => {
  const f = samples()[1];
  const buf = new Uint8Array(2048);
  buf.set(f, 300);
  const p = parseFrame(buf, { offset: 300, length: f.length });
  assert.equal(p.udp?.checksumOk, true);
  assert.equal(p.length, f.length);
  assert.equal(parseFrame(buf, { offset: 5000 }).length, 0);
  assert.equal(parseFrame(buf, { offset: -3, length: NaN }).length, 0);
});

Deno.test("random and mutated bytes never throw", () => {
  const bases = samples();
  const rnd = new Uint8Array(256);
  for (let i = 0; i < 20000; i++) {
    crypto.getRandomValues(rnd);
    let f: Uint8Array;
    if (i % 2 === 0) {
      f = rnd.subarray(0, rnd[0] % 120);
      // Steer half of the random frames into the interesting ethertypes.
      if (f.length > 14 && i % 4 === 0) {
        const t = [0x0800, 0x86dd, 0x0806, 0x8100, 0x88a8][rnd[1] % 5];
        f[12] = t >> 8;
        f[13] = t & 0xff;
      }
    } else {
      f = bases[i % bases.length].slice();
      for (let k = 0; k < 1 + (rnd[0] % 4); k++) f[rnd[k + 1] % f.length] = rnd[k + 5];
      f = f.subarray(0, f.length - (rnd[9] % 8));
    }
    const p = parseFrame(f);
    assert.ok(!p.problems.some((x) => x.startsWith("parser error")), p.problems.join());
    assert.equal(p.length, f.length);
  }
});
