// pcap writer, reader and recorder: bytes round trip, other byte orders, clear errors,
// and files read back by tshark (fields and checksum verdicts).
import assert from "node:assert/strict";
import {
  decodePcap,
  encodePcap,
  eth,
  functionalFrame,
  PcapRecorder,
  readPcapFile,
  writePcapFile,
} from "../src/frames/mod.ts";

async function haveTshark(): Promise<boolean> {
  try {
    const out = await new Deno.Command("tshark", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    })
      .output();
    return out.success;
  } catch {
    return false;
  }
}

/** Runs tshark on a file and returns one array of fields per frame. */
async function tsharkFields(path: string, fields: string[]): Promise<string[][]> {
  const args = ["-r", path, "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"];
  args.push("-o", "tcp.check_checksum:TRUE", "-T", "fields", "-E", "separator=/t");
  args.push("-E", "occurrence=a", "-E", "aggregator=;");
  for (const f of fields) args.push("-e", f);
  const out = await new Deno.Command("tshark", { args, stdout: "piped", stderr: "piped" }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trimEnd().split("\n").map((l) => l.split("\t"));
}

Deno.test("encode and decode round trip: header, timestamps, snaplen", () => {
  const a = functionalFrame({ len: 60 });
  const b = eth({}).payload({ length: 200, fill: 1 }).build();
  const file = encodePcap([{ data: a, timestampUs: 1_700_000_000_123_456 }, b], { snaplen: 100 });
  assert.deepEqual([...file.subarray(0, 4)], [0xd4, 0xc3, 0xb2, 0xa1]);
  assert.equal(file.length, 24 + 16 + 60 + 16 + 100);
  const back = decodePcap(file);
  assert.equal(back.linktype, 1);
  assert.equal(back.snaplen, 100);
  assert.deepEqual(back.packets[0].data, a);
  assert.equal(back.packets[0].timestampUs, 1_700_000_000_123_456);
  assert.equal(back.packets[1].data.length, 100);
  assert.equal(back.packets[1].originalLength, 214);
  assert.ok(Math.abs(back.packets[1].timestampUs - Date.now() * 1000) < 60e6);
  assert.equal(decodePcap(encodePcap([])).packets.length, 0);
});

Deno.test("decode reads big-endian and nanosecond files", () => {
  const be = new Uint8Array(24 + 16 + 3);
  const v = new DataView(be.buffer);
  v.setUint32(0, 0xa1b23c4d); // nanosecond magic, big-endian
  v.setUint16(4, 2);
  v.setUint16(6, 4);
  v.setUint32(16, 65535);
  v.setUint32(20, 1);
  v.setUint32(24, 10);
  v.setUint32(28, 999_999_999);
  v.setUint32(32, 3);
  v.setUint32(36, 3);
  be.set([7, 8, 9], 40);
  const f = decodePcap(be);
  assert.equal(f.packets[0].timestampUs, 10_999_999);
  assert.deepEqual([...f.packets[0].data], [7, 8, 9]);
});

Deno.test("garbage and truncated files give clear errors", () => {
  assert.throws(
    () => decodePcap(new Uint8Array(10), "x.pcap"),
    /x.pcap is not a pcap file: 10 bytes/,
  );
  const ng = new Uint8Array(32);
  ng.set([0x0a, 0x0d, 0x0d, 0x0a]);
  assert.throws(() => decodePcap(ng), /not a classic pcap file: magic 0x0a0d0d0a.*editcap/s);
  const file = encodePcap([new Uint8Array(60)]);
  assert.throws(
    () => decodePcap(file.subarray(0, file.length - 1)),
    /record 0 .* needs 60 bytes, 59/,
  );
  assert.throws(
    () => decodePcap(file.subarray(0, 30)),
    /record 0 header at offset 24 is cut short/,
  );
});

Deno.test("the recorder keeps the newest frames, copied out of the slot buffer", () => {
  const rec = new PcapRecorder({ limit: 3 });
  const slot = new Uint8Array(2048);
  for (let i = 0; i < 5; i++) {
    slot.fill(i);
    rec.record(slot, 100, 60);
  }
  slot.fill(0xff);
  assert.equal(rec.count, 3);
  assert.equal(rec.dropped, 2);
  assert.deepEqual(rec.packets().map((p) => p.data[0]), [2, 3, 4]);
  assert.deepEqual(decodePcap(rec.toBytes()).packets.map((p) => p.data[59]), [2, 3, 4]);
  rec.clear();
  assert.equal(rec.count, 0);
  assert.throws(() => new PcapRecorder({ limit: 0 }), /Invalid limit 0/);
});

Deno.test("tshark reads our files: layers, fields and checksum verdicts", async (t) => {
  if (!(await haveTshark())) {
    console.log("# SKIP tshark checks: tshark is not installed (apt-get install tshark)");
    return;
  }
  const dir = await Deno.makeTempDir({ prefix: "nmscript-frames-" });
  try {
    const path = `${dir}/frames.pcap`;
    const frames = [
      functionalFrame({ len: 274, fill: "x", src: "02:00:00:00:00:01" }),
      eth({ src: "02:00:00:00:00:01" }).arp({ senderIp: "10.0.0.1", targetIp: "10.0.0.2" }).build(),
      eth({}).vlan(10, { pcp: 3 }).ipv4({ src: "10.0.0.1", dst: "10.0.0.2" })
        .icmp({ id: 1, seq: 7 }).payload("abcd").build(),
      eth({}).qinq(100, 20).ipv6({ src: "2001:db8::1", dst: "2001:db8::2" })
        .tcp({ srcPort: 40000, dstPort: 80, flags: "SA", options: new Uint8Array([2, 4, 5, 0xb4]) })
        .payload("hi").build(),
      eth({}).ipv6({ src: "fe80::1", dst: "ff02::1" }).icmpv6({ id: 2, seq: 3 }).build(),
      eth({}).ipv6({ src: "fe80::1", dst: "fe80::2" }).udp({ srcPort: 1, dstPort: 2 })
        .payload("q").build(),
      eth({}).ipv4({ src: "10.0.0.1", dst: "10.0.0.2", checksum: 0x1234 }).udp({ checksum: 0x4321 })
        .build(),
    ];
    await writePcapFile(path, frames);
    assert.equal((await readPcapFile(path)).packets.length, frames.length);
    const rows = await tsharkFields(path, [
      "frame.len",
      "eth.src",
      "vlan.id",
      "ip.dst",
      "ipv6.dst",
      "udp.length",
      "ip.checksum.status",
      "udp.checksum.status",
      "tcp.checksum.status",
      "icmp.checksum.status",
      "icmpv6.checksum.status",
      "arp.dst.proto_ipv4",
      "icmp.seq",
      "tcp.flags",
      "data.len",
      "ieee8021ad.id",
    ]);
    await t.step("functional model", () => {
      assert.deepEqual(rows[0].slice(0, 8), [
        "274",
        "02:00:00:00:00:01",
        "",
        "10.0.0.7",
        "",
        "240",
        "1",
        "1",
      ]);
      assert.equal(rows[0][14], "232");
    });
    await t.step("ARP", () => assert.equal(rows[1][11], "10.0.0.2"));
    await t.step("ICMP in VLAN 10", () => {
      assert.equal(rows[2][2], "10");
      assert.equal(rows[2][6], "1");
      assert.equal(rows[2][9], "1");
      assert.equal(rows[2][12], "7");
    });
    await t.step("TCP/IPv6 in QinQ", () => {
      assert.equal(rows[3][15], "100", "802.1ad service tag");
      assert.equal(rows[3][2], "20", "802.1Q customer tag");
      assert.equal(rows[3][4], "2001:db8::2");
      assert.equal(rows[3][8], "1");
      assert.equal(rows[3][13], "0x0012");
    });
    await t.step("ICMPv6 and UDP/IPv6", () => {
      assert.equal(rows[4][10], "1");
      assert.equal(rows[5][7], "1");
    });
    await t.step("wrong checksums on purpose are flagged bad (0)", () => {
      assert.equal(rows[6][6], "0");
      assert.equal(rows[6][7], "0");
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
