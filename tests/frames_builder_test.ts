// The frame builder: layout of every layer, checksums against an independent
// computation and against hand-checked frames, overrides, buildInto, limits.
import assert from "node:assert/strict";
import { NetmapError } from "../src/errors.ts";
import { eth, parseIpv4, parseIpv6, parseMac } from "../src/frames/mod.ts";

/** Reference checksum: written independently of src/frames/checksum.ts. */
function refChecksum(...parts: Uint8Array[]): number {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  let sum = 0;
  for (let i = 0; i < all.length; i += 2) {
    sum += all[i] * 256 + (i + 1 < all.length ? all[i + 1] : 0);
  }
  while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  return 0xffff - sum;
}

function be16(n: number): Uint8Array {
  return new Uint8Array([n >> 8, n & 0xff]);
}

function hex(s: string): Uint8Array {
  const clean = s.replace(/#.*$/gm, "").replace(/\s+/g, "");
  return Uint8Array.from(clean.match(/../g) ?? [], (b) => parseInt(b, 16));
}

function field16(f: Uint8Array, at: number): number {
  return (f[at] << 8) | f[at + 1];
}

function withZeroed(f: Uint8Array, at: number): Uint8Array {
  const c = f.slice();
  c[at] = 0;
  c[at + 1] = 0;
  return c;
}

const A = "02:00:00:00:00:01";
const B = "02:00:00:00:00:02";

Deno.test("MAC and IP parsing: accepted forms, canonical output, clear errors", () => {
  assert.deepEqual([...parseMac("0:1B:21:a:b:c")], [0, 0x1b, 0x21, 10, 11, 12]);
  assert.deepEqual([...parseIpv4("10.0.0.5")], [10, 0, 0, 5]);
  assert.equal(parseIpv6("2001:db8::10.0.0.1")[12], 10);
  assert.deepEqual([...parseIpv6("::")], new Array(16).fill(0));
  assert.throws(
    () => parseMac("00:11:22:33:44"),
    (e: unknown) =>
      e instanceof NetmapError && e.code === "EINVAL" &&
      e.message.includes("Invalid MAC '00:11:22:33:44': expected 6 hex bytes separated by ':'"),
  );
  for (const bad of ["00-11-22-33-44-55", "001:1:2:3:4:5", "g0:0:0:0:0:0", ""]) {
    assert.throws(() => parseMac(bad), /Invalid MAC/);
  }
  for (const bad of ["10.0.0", "10.0.0.256", "10.0.0.05", "10.0.0.1/24", "a.b.c.d"]) {
    assert.throws(() => parseIpv4(bad), /Invalid IPv4 address/);
  }
  for (const bad of ["1::2::3", "1:2:3:4:5:6:7:8:9", "12345::", "fe80::1%eth0", "1:2:3:4:5:6:7"]) {
    assert.throws(() => parseIpv6(bad), /Invalid IPv6 address/);
  }
  assert.throws(() => parseMac(new Uint8Array(5)), /expected 6 bytes, got 5/);
});

Deno.test("hand-checked ARP request, field by field", () => {
  const f = eth({ src: A }).arp({ op: "request", senderIp: "10.0.0.1", targetIp: "10.0.0.2" })
    .build();
  const expected = hex(`
    ffffffffffff 020000000001 0806   # broadcast <- A, ARP
    0001 0800 06 04 0001             # Ethernet/IPv4, hlen 6, plen 4, request
    020000000001 0a000001            # sender A, 10.0.0.1 (defaults to the Ethernet source)
    000000000000 0a000002            # target unknown, 10.0.0.2
  `);
  assert.equal(f.length, 42);
  assert.deepEqual(f, expected);
  const reply = eth({ src: B, dst: A })
    .arp({ op: "reply", senderIp: "10.0.0.2", targetMac: A, targetIp: "10.0.0.1" })
    .padTo(60).build();
  assert.equal(reply.length, 60);
  assert.equal(field16(reply, 20), 2);
  assert.deepEqual(reply.subarray(22, 28), parseMac(B));
  assert.deepEqual(reply.subarray(32, 38), parseMac(A));
  assert.deepEqual(reply.subarray(42), new Uint8Array(18));
});

Deno.test("hand-checked ICMP echo request, checksums worked out by hand", () => {
  const f = eth({ src: A, dst: B })
    .ipv4({ src: "10.0.0.1", dst: "10.0.0.2", df: true })
    .icmp({ id: 1, seq: 1 }).payload("abcd").build();
  // IPv4 sum: 4500+0020+0000+4000+4001+0a00+0001+0a00+0002 = d924 -> checksum 26db.
  // ICMP sum: 0800+0001+0001+6162+6364 = ccc8 -> checksum 3337.
  const expected = hex(`
    020000000002 020000000001 0800
    45 00 0020 0000 4000 40 01 26db 0a000001 0a000002
    08 00 3337 0001 0001
    61626364
  `);
  assert.deepEqual(f, expected);
});

Deno.test("checksums agree with an independent computation (IPv4, UDP, TCP, ICMP, ICMPv6)", () => {
  const payload = new Uint8Array(333);
  crypto.getRandomValues(payload);
  const v4 = { src: "192.168.1.10", dst: "172.16.0.99", id: 4242, ttl: 7 };
  const v6 = { src: "2001:db8::1", dst: "fe80::abcd:1" };
  for (const len of [0, 1, 2, 3, 100, 333]) {
    const p = payload.subarray(0, len);
    const udp = eth({}).ipv4(v4).udp({ srcPort: 1000, dstPort: 2000 }).payload(p).build();
    assert.equal(field16(udp, 24), refChecksum(withZeroed(udp, 24).subarray(14, 34)));
    const udpLen = 8 + len;
    const v4pseudo = [parseIpv4(v4.src), parseIpv4(v4.dst), be16(17), be16(udpLen)];
    const want = refChecksum(...v4pseudo, withZeroed(udp, 40).subarray(34));
    assert.equal(field16(udp, 40), want === 0 ? 0xffff : want, `udp len ${len}`);

    const tcp = eth({}).vlan(5).ipv4(v4).tcp({
      srcPort: 1,
      dstPort: 2,
      seq: 0xdeadbeef,
      flags: "PA",
    })
      .payload(p).build();
    const tpseudo = [parseIpv4(v4.src), parseIpv4(v4.dst), be16(6), be16(20 + len)];
    assert.equal(
      field16(tcp, 18 + 20 + 16),
      refChecksum(...tpseudo, withZeroed(tcp, 54).subarray(38)),
    );

    const icmp = eth({}).ipv4(v4).icmp({ type: 0, id: 9, seq: 10 }).payload(p).build();
    assert.equal(field16(icmp, 36), refChecksum(withZeroed(icmp, 36).subarray(34)));

    const icmp6 = eth({}).ipv6(v6).icmpv6({ id: 3, seq: 4 }).payload(p).build();
    const l = 8 + len;
    const v6pseudo = [
      parseIpv6(v6.src),
      parseIpv6(v6.dst),
      new Uint8Array([0, 0, l >> 8, l & 0xff, 0, 0, 0, 58]),
    ];
    assert.equal(field16(icmp6, 56), refChecksum(...v6pseudo, withZeroed(icmp6, 56).subarray(54)));

    const udp6 = eth({}).ipv6(v6).udp({ dstPort: 53 }).payload(p).build();
    const u6pseudo = [
      parseIpv6(v6.src),
      parseIpv6(v6.dst),
      new Uint8Array([0, 0, l >> 8, l & 0xff, 0, 0, 0, 17]),
    ];
    const want6 = refChecksum(...u6pseudo, withZeroed(udp6, 60).subarray(54));
    assert.equal(field16(udp6, 60), want6 === 0 ? 0xffff : want6);
    assert.equal(field16(udp6, 18), 8 + len, "ipv6 payload length");
  }
});

Deno.test("VLAN and QinQ tags: TPIDs, TCI bits, inner ethertype", () => {
  const f = eth({ src: A, dst: B }).vlan(10, { pcp: 5, dei: true }).ipv4({
    src: "10.0.0.1",
    dst: "10.0.0.2",
  }).build();
  assert.deepEqual(f.subarray(12, 18), hex("8100 b00a 0800"));
  const q = eth({}).qinq(100, { vid: 4095, pcp: 7 }).ipv6({ src: "::1", dst: "::2" }).build();
  assert.deepEqual(q.subarray(12, 22), hex("88a8 0064 8100 efff 86dd"));
  const custom = eth({}).vlan(1, { tpid: 0x9100 }).vlan(2).payload("x").build();
  assert.deepEqual(custom.subarray(12, 23), hex("9100 0001 8100 0002 88b5 78"));
  assert.throws(() => eth({}).vlan(4096), /Invalid vlan.vid 4096: expected an integer 0..4095/);
  assert.throws(() => eth({}).vlan(1, { pcp: 8 }), /vlan.pcp/);
});

Deno.test("any field can be overridden, e.g. a wrong checksum on purpose", () => {
  const base = { src: "10.0.0.1", dst: "10.0.0.2" };
  const good = eth({}).ipv4(base).udp({ dstPort: 7 }).payload("x").build();
  const bad = eth({ type: 0x1234 }).ipv4({ ...base, checksum: 0xbeef, totalLength: 999, ttl: 1 })
    .udp({ dstPort: 7, checksum: 0, length: 3 }).payload("x").build();
  assert.equal(field16(bad, 12), 0x1234);
  assert.equal(field16(bad, 16), 999);
  assert.equal(field16(bad, 24), 0xbeef);
  assert.equal(bad[22], 1);
  assert.equal(field16(bad, 38), 3);
  assert.equal(field16(bad, 40), 0);
  assert.deepEqual(bad.subarray(26, 38), good.subarray(26, 38));
  const t = eth({}).ipv4({ ...base, protocol: 99, ihl: 6, options: new Uint8Array([1, 1, 1, 0]) })
    .build();
  assert.equal(t[14], 0x46);
  assert.equal(t[23], 99);
});

Deno.test("buildInto writes at an offset, touches nothing else, refuses what does not fit", () => {
  const b = eth({}).ipv4({ src: "10.0.0.1", dst: "10.0.0.2" }).udp().payload({
    length: 10,
    fill: 7,
  });
  const buf = new Uint8Array(200).fill(0xee);
  assert.equal(b.buildInto(buf, 100), 52);
  assert.equal(b.size(), 52);
  assert.deepEqual(buf.subarray(100, 152), b.build());
  assert.ok(buf.subarray(0, 100).every((x) => x === 0xee));
  assert.ok(buf.subarray(152).every((x) => x === 0xee));
  assert.throws(
    () => b.buildInto(buf, 149),
    (e: unknown) =>
      e instanceof NetmapError && e.code === "ENOSPC" && /does not fit/.test(e.message),
  );
});

Deno.test("builders are immutable and layers must come in order", () => {
  const base = eth({ src: A }).ipv4({ src: "10.0.0.1", dst: "10.0.0.2" });
  const u = base.udp({ dstPort: 1 });
  const t = base.tcp({ dstPort: 2 });
  assert.equal(u.build()[23], 17);
  assert.equal(t.build()[23], 6);
  assert.equal(base.build().length, 34);
  assert.throws(() => u.ipv4({ src: "1.1.1.1", dst: "2.2.2.2" }), /ipv4\(\) cannot follow udp\(\)/);
  assert.throws(() => eth({}).udp(), /udp\(\) cannot follow eth\(\)/);
  assert.throws(() => base.icmpv6(), /icmpv6\(\) cannot follow ipv4\(\)/);
  assert.throws(() => u.payload("x").vlan(1), /vlan\(\) cannot follow payload\(\)/);
  assert.throws(() => eth({}).tcp({ flags: "SX" }), /'X' is not one of F S R P A U E C/);
});

Deno.test("frames over 65535 bytes are refused with EMSGSIZE", () => {
  const ok = eth({}).payload({ length: 65535 - 14 });
  assert.equal(ok.size(), 65535);
  assert.throws(
    () => eth({}).payload({ length: 65535 - 13 }),
    (e: unknown) =>
      e instanceof NetmapError && e.code === "EMSGSIZE" && /65536 bytes refused/.test(e.message),
  );
  assert.throws(() => eth({}).padTo(65536), /padTo size/);
});
