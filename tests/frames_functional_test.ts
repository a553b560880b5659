// functional's model frame, byte for byte (reference §1.4): LEN 60 and 274 field by
// field, the -s/-d MACs, LEN < 42, the zero UDP checksum quirk, and the -q fill rule.
import assert from "node:assert/strict";
import {
  fillByte,
  functionalFrame,
  functionalFrameInto,
  functionalFrames,
  nextFill,
  parseFrame,
} from "../src/frames/mod.ts";

function be16(f: Uint8Array, at: number): number {
  return (f[at] << 8) | f[at + 1];
}

/** Independent one's-complement checksum of 16-bit words. */
function csum(words: number[]): number {
  let s = 0;
  for (const w of words) s += w;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return (~s) & 0xffff;
}

function wordsOf(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i += 2) out.push((bytes[i] << 8) | (bytes[i + 1] ?? 0));
  return out;
}

function checkModel(len: number, fill: number, f: Uint8Array): void {
  assert.equal(f.length, len);
  assert.deepEqual([...f.subarray(0, 6)], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff], "dst MAC default");
  assert.deepEqual([...f.subarray(6, 12)], [0, 0, 0, 0, 0, 0], "src MAC default");
  assert.equal(be16(f, 12), 0x0800, "ethertype");
  assert.equal(f[14], 0x45, "version 4, IHL 5");
  assert.equal(f[15], 0, "TOS");
  assert.equal(be16(f, 16), len - 14, "IP total length");
  assert.equal(be16(f, 18), 0, "IP id");
  assert.equal(be16(f, 20), 0x4000, "DF, offset 0");
  assert.equal(f[22], 64, "TTL");
  assert.equal(f[23], 17, "UDP");
  const ipWords = wordsOf(f.subarray(14, 34));
  ipWords[5] = 0;
  assert.equal(be16(f, 24), csum(ipWords), "IP header checksum");
  assert.deepEqual([...f.subarray(26, 30)], [10, 0, 0, 5]);
  assert.deepEqual([...f.subarray(30, 34)], [10, 0, 0, 7]);
  assert.equal(be16(f, 34), 0, "UDP src port");
  assert.equal(be16(f, 36), 0, "UDP dst port");
  assert.equal(be16(f, 38), len - 34, "UDP length");
  const pseudo = [0x0a00, 0x0005, 0x0a00, 0x0007, 17, len - 34];
  const udp = wordsOf(f.subarray(34));
  udp[3] = 0;
  assert.equal(be16(f, 40), csum([...pseudo, ...udp]), "UDP checksum");
  assert.ok(f.subarray(42).every((b) => b === fill), "payload is all fill bytes");
}

Deno.test("LEN 60 and LEN 274 match functional's model field by field", () => {
  checkModel(60, 0x61, functionalFrame({ len: 60 }));
  checkModel(274, 0x78, functionalFrame({ len: 274, fill: "x" }));
  // A few exact bytes worked out by hand for LEN 60, fill 'a'.
  const f = functionalFrame({ len: 60 });
  assert.deepEqual(
    [...f.subarray(14, 42)].map((b) => b.toString(16).padStart(2, "0")).join(""),
    "4500002e0000400040112" + "6b40a0000050a000007" + "0000000000" + "1a7f42",
  );
  const p = parseFrame(f);
  assert.equal(p.ipv4?.checksumOk, true);
  assert.equal(p.udp?.checksumOk, true);
});

Deno.test("-s/-d MACs land in the Ethernet header and nowhere else", () => {
  const f = functionalFrame({ len: 60, src: "00:1b:21:0a:0b:0c", dst: "02:00:00:00:00:02" });
  const d = functionalFrame({ len: 60 });
  assert.deepEqual([...f.subarray(0, 12)], [2, 0, 0, 0, 0, 2, 0, 0x1b, 0x21, 10, 11, 12]);
  assert.deepEqual(f.subarray(12), d.subarray(12));
  assert.throws(() => functionalFrame({ len: 60, src: "nope" }), /Invalid MAC 'nope'/);
});

Deno.test("LEN < 42: wrapped length fields, only LEN bytes, headers otherwise unchanged", () => {
  const full = functionalFrame({ len: 60 });
  for (const len of [1, 14, 20, 30, 34, 40]) {
    const f = functionalFrame({ len });
    assert.equal(f.length, len);
    for (let i = 0; i < len; i++) {
      if (i >= 16 && i < 18) continue; // total length
      if (i >= 24 && i < 26) continue; // IP checksum follows the total length
      if (i >= 38) continue; // UDP length and checksum
      assert.equal(f[i], full[i], `LEN ${len} byte ${i}`);
    }
    if (len >= 18) assert.equal(be16(f, 16), (len - 14) & 0xffff);
    if (len >= 40) assert.equal(be16(f, 38), (len - 34) & 0xffff);
  }
  assert.equal(be16(functionalFrame({ len: 30 }), 16), 16);
  assert.equal(be16(functionalFrame({ len: 40 }), 38), 6);
  assert.throws(() => functionalFrame({ len: 0 }), /Invalid LEN 0/);
  assert.throws(() => functionalFrame({ len: 65536 }), /Invalid LEN 65536/);
});

Deno.test("a computed UDP checksum of 0 stays 0, as functional writes it", () => {
  // LEN 158 with fill '0' sums to 0xffff: RFC 768 would send 0xffff, functional sends 0.
  const f = functionalFrame({ len: 158, fill: "0" });
  assert.equal(be16(f, 40), 0);
  const pseudo = [0x0a00, 0x0005, 0x0a00, 0x0007, 17, 158 - 34];
  const udp = wordsOf(f.subarray(34));
  assert.equal(csum([...pseudo, ...udp]), 0);
});

Deno.test("functionalFrameInto writes the same bytes at a slot offset", () => {
  const buf = new Uint8Array(4096).fill(0xee);
  for (const len of [30, 60, 274, 1514]) {
    buf.fill(0xee);
    assert.equal(functionalFrameInto(buf, 128, { len, fill: "q" }), len);
    assert.deepEqual(buf.subarray(128, 128 + len), functionalFrame({ len, fill: "q" }));
    assert.equal(buf[127], 0xee);
    assert.equal(buf[128 + len], 0xee);
  }
  assert.throws(() => functionalFrameInto(buf, 4000, { len: 100 }), /does not fit/);
});

Deno.test("-q sequential fill: z→a, Z→A, else +1; FILL is the first byte of the field", () => {
  assert.equal(nextFill(0x61), 0x62);
  assert.equal(nextFill(0x7a), 0x61);
  assert.equal(nextFill(0x5a), 0x41);
  assert.equal(nextFill(0x39), 0x3a);
  assert.equal(nextFill(0x7f), 0x80);
  assert.equal(nextFill(0xff), 0x00);
  assert.equal(fillByte("xyz"), 0x78);
  assert.equal(fillByte(""), 0);
  const seq = functionalFrames({ len: 60, fill: "x", count: 4, sequential: true });
  assert.deepEqual(seq.map((f) => String.fromCharCode(f[59])).join(""), "xyza");
  const same = functionalFrames({ len: 60, fill: "Y", count: 3 });
  assert.deepEqual(same.map((f) => String.fromCharCode(f[59])).join(""), "YYY");
  const caps = functionalFrames({ len: 60, fill: "Z", count: 2, sequential: true });
  assert.equal(caps[1][59], 0x41);
  assert.throws(() => functionalFrames({ len: 60, count: 0 }), /Invalid NUM 0/);
});
