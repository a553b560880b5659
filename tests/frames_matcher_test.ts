// The frame matcher: exact matches against builders and bytes, partial patterns, the
// field named in each difference, and the readable diff.
import assert from "node:assert/strict";
import {
  assertFrameMatches,
  describeMismatch,
  eth,
  FrameMismatchError,
  functionalFrame,
  match,
} from "../src/frames/mod.ts";

const A = "02:00:00:00:00:01";
const B = "02:00:00:00:00:02";
const flow = eth({ src: A, dst: B }).vlan(10).ipv4({ src: "10.0.0.5", dst: "10.0.0.7" })
  .udp({ srcPort: 1000, dstPort: 2000 }).payload("abcdef");

Deno.test("a frame matches its builder, its bytes, and a pattern of its fields", () => {
  const f = flow.build();
  for (const expected of [flow, f]) {
    const r = match(f, expected);
    assert.equal(r.ok, true);
    assert.deepEqual(r.differences, []);
    assert.equal(describeMismatch(r), "frame matches");
  }
  const r = match(f, {
    eth: { dst: "02:00:00:00:00:02", src: A.toUpperCase() },
    vlan: { vid: 10 },
    ipv4: { dst: "10.0.0.7", checksumOk: true },
    udp: { dstPort: 2000, checksumOk: true },
    payload: "abcdef",
    payloadLength: 6,
    length: f.length,
    checksumsOk: true,
  });
  assert.deepEqual(r.differences, []);
});

Deno.test("the difference names the field and both values", () => {
  const other = eth({ src: A, dst: B }).vlan(10).ipv4({ src: "10.0.0.5", dst: "10.0.0.9" })
    .udp({ srcPort: 1000, dstPort: 2000 }).payload("abcdef").build();
  const r = match(other, { ipv4: { dst: "10.0.0.7" }, udp: { dstPort: 2000 } });
  assert.equal(r.ok, false);
  assert.deepEqual(r.differences, [{
    field: "ipv4.dst",
    expected: "10.0.0.7",
    actual: "10.0.0.9",
  }]);
  // Against the builder: the address and both checksums that depend on it.
  const full = match(other, flow);
  assert.deepEqual(full.differences.map((d) => d.field), [
    "ipv4.checksum",
    "ipv4.dst",
    "udp.checksum",
  ]);
  assert.match(describeMismatch(full), /ipv4\.dst\s*: expected 10\.0\.0\.7, actual 10\.0\.0\.9/);
});

Deno.test("payload, VLAN, missing-layer and length differences", () => {
  const f = functionalFrame({ len: 60 });
  const r = match(f, functionalFrame({ len: 60, fill: "b" }));
  assert.deepEqual(r.differences[r.differences.length - 1], {
    field: "payload[0]",
    expected: "0x62 'b'",
    actual: "0x61 'a' (18 bytes differ)",
  });
  const vlan = match(f, { vlan: { vid: 10 }, tcp: { dstPort: 80 }, length: 64 });
  assert.deepEqual(vlan.differences, [
    { field: "length", expected: "64", actual: "60" },
    { field: "vlan[0]", expected: "present", actual: "absent" },
    { field: "tcp", expected: "present", actual: "absent (IPv4 protocol 17)" },
  ]);
  const tagged = flow.build();
  assert.deepEqual(match(tagged, { vlan: [] }).differences, [
    { field: "vlan.count", expected: "0", actual: "1" },
  ]);
  assert.deepEqual(match(tagged, { vlan: { vid: 11, pcp: 0 } }).differences, [
    { field: "vlan[0].vid", expected: "11", actual: "10" },
  ]);
  const short = f.subarray(0, 59);
  assert.deepEqual(match(short, f).differences.map((d) => d.field).slice(0, 1), ["length"]);
});

Deno.test("hex-valued fields print in hex; TCP flags by letter or number", () => {
  const syn = eth({}).ipv4({ src: "1.1.1.1", dst: "2.2.2.2" }).tcp({ flags: "S" }).build();
  assert.deepEqual(match(syn, { eth: { type: 0x86dd } }).differences, [
    { field: "eth.type", expected: "0x86dd", actual: "0x0800" },
  ]);
  assert.deepEqual(match(syn, { tcp: { flags: "SA" } }).differences, [
    { field: "tcp.flagNames", expected: "SA", actual: "S" },
  ]);
  assert.equal(match(syn, { tcp: { flags: 2 } }).ok, true);
  const bad = syn.slice();
  bad[14 + 20 + 17] ^= 1;
  assert.deepEqual(match(bad, { checksumsOk: true }).differences, [
    { field: "checksumsOk", expected: "true", actual: "false" },
  ]);
});

Deno.test("bytes that differ outside every parsed field are still reported", () => {
  const padded = eth({}).arp({ senderIp: "10.0.0.1" }).padTo(60).build();
  const other = padded.slice();
  other[59] = 0x55;
  assert.deepEqual(match(other, padded).differences, [
    { field: "trailer[17]", expected: "0x00", actual: "0x55 'U'" },
  ]);
});

Deno.test("assertFrameMatches throws a FrameMismatchError carrying the differences", () => {
  const f = functionalFrame({ len: 60 });
  assertFrameMatches(f, functionalFrame({ len: 60 }));
  assert.throws(
    () => assertFrameMatches(f, { udp: { dstPort: 9 } }, "port vale0:b got the wrong frame"),
    (e: unknown) =>
      e instanceof FrameMismatchError &&
      e.message.startsWith("port vale0:b got the wrong frame (1 difference):") &&
      e.differences[0].field === "udp.dstPort",
  );
  assert.throws(() => match(f, { ipv4: { dst: "10.0.0" } }), /Invalid IPv4 address '10.0.0'/);
});
