// The VLAN switch on uvale with real frames: tags checked byte for byte, learning inside a
// VLAN, no leak across VLANs, the per-conf options, and the cleanup of `using`. Each scenario
// runs with its own uvale daemon (tests/core_harness.ts).
import assert from "node:assert/strict";
import {
  eth,
  expect,
  expectNothing,
  type FrameBuilder,
  openPort,
  type Port,
  send,
  valeList,
  vlan,
  VlanControl,
} from "../mod.ts";
import { scenarios } from "./core_harness.ts";

const A = "02:00:00:00:0a:01";
const B = "02:00:00:00:0a:02";
const C = "02:00:00:00:0b:01";
const T = "02:00:00:00:0f:01";
const BCAST = "ff:ff:ff:ff:ff:ff";
const QUIET_MS = 150;

/** False (with a note) while uvale has no VLAN switch (its hooks are not applied). */
function vlanAvailable(): boolean {
  try {
    VlanControl.open().close();
    return true;
  } catch (e) {
    if (e instanceof Error && "code" in e && e.code === "EOPNOTSUPP") {
      console.log(`skip: the VLAN switch is not available on this backend (${e.message})`);
      return false;
    }
    throw e;
  }
}

/** A frame without tags: dst, src, 50 bytes of `fill` after the ethertype 0x88b5. */
function plain(dst: string, src: string, fill: string): FrameBuilder {
  return eth({ dst, src }).payload({ length: 50, fill });
}

/** The same frame with one 802.1Q tag (or the tag options given). */
function tagged(
  dst: string,
  src: string,
  fill: string,
  vid: number,
  opts: { pcp?: number; tpid?: number } = {},
): FrameBuilder {
  return eth({ dst, src }).vlan(vid, opts).payload({ length: 50, fill });
}

async function nothingOn(...ports: Port[]): Promise<void> {
  for (const p of ports) await expectNothing(p, { timeoutMs: QUIET_MS });
}

await scenarios(import.meta, {
  "access to trunk is tagged, trunk to access untagged (byte for byte)": async () => {
    if (!vlanAvailable()) return;
    using conf = vlan.createConf("fwd");
    conf.createTrunk("fwdtr");
    conf.createAccess("fwda10", 10);
    conf.createAccess("fwdc20", 20);
    using tr = openPort("netmap:fwdtr");
    using a10 = openPort("netmap:fwda10");
    using c20 = openPort("netmap:fwdc20");

    await send(a10, plain(BCAST, A, "a"));
    const [got] = await expect(tr, tagged(BCAST, A, "a", 10));
    assert.deepEqual([...got.subarray(12, 16)], [0x81, 0x00, 0x00, 0x0a], "TPID, PCP 0, VID 10");
    assert.equal(got.length, 64 + 4);
    await nothingOn(c20);

    await send(tr, tagged(BCAST, T, "t", 20));
    await expect(c20, plain(BCAST, T, "t"));
    await nothingOn(a10);
    // dropped on the trunk: untagged, unknown VID, the reserved VID 4095
    await send(tr, [plain(BCAST, T, "u"), tagged(BCAST, T, "x", 30), tagged(BCAST, T, "r", 4095)]);
    await nothingOn(a10, c20);
    // an access port is untagged: tagged frames from it are dropped (no VLAN hopping)
    await send(a10, tagged(BCAST, A, "h", 20));
    await nothingOn(tr, c20);
  },

  "learning inside a VLAN, nothing crosses to another VLAN": async () => {
    if (!vlanAvailable()) return;
    using conf = vlan.createConf("learn");
    conf.createTrunk("lrntr");
    conf.createAccess("lrna", 10);
    conf.createAccess("lrnb", 10);
    conf.createAccess("lrnc", 20);
    using tr = openPort("netmap:lrntr");
    using a = openPort("netmap:lrna");
    using b = openPort("netmap:lrnb");
    using c = openPort("netmap:lrnc");

    // a broadcast from a floods its VLAN (b, and the trunk tagged), never VLAN 20
    await send(a, plain(BCAST, A, "1"));
    await expect(b, plain(BCAST, A, "1"));
    await expect(tr, tagged(BCAST, A, "1", 10));
    await nothingOn(c);
    // b now knows A: a unicast from b goes to a only
    await send(b, plain(A, B, "2"));
    await expect(a, plain(A, B, "2"));
    await nothingOn(tr, c);
    // from the trunk, a unicast to A in VLAN 10 reaches a only; the same MAC in VLAN 20
    // reaches c only (one learning table per VLAN)
    await send(tr, tagged(A, T, "3", 10));
    await expect(a, plain(A, T, "3"));
    await nothingOn(b, c);
    await send(tr, tagged(A, T, "4", 20));
    await expect(c, plain(A, T, "4"));
    await nothingOn(a, b);
    // c's unknown unicast floods VLAN 20 only: the trunk, tagged 20
    await send(c, plain(B, C, "5"));
    await expect(tr, tagged(B, C, "5", 20));
    await nothingOn(a, b);
  },

  "native VLAN: untagged trunk frames belong to it, its ports send untagged": async () => {
    if (!vlanAvailable()) return;
    using conf = vlan.createConf("nat", { nativeVid: 5 });
    assert.equal(conf.info().nativeVid, 5);
    conf.createTrunk("nattr");
    conf.createAccess("nat5", 5);
    conf.createAccess("nat7", 7);
    using tr = openPort("netmap:nattr");
    using p5 = openPort("netmap:nat5");
    using p7 = openPort("netmap:nat7");

    await send(tr, plain(BCAST, T, "n"));
    await expect(p5, plain(BCAST, T, "n"));
    await nothingOn(p7);
    await send(p5, plain(BCAST, A, "m"));
    await expect(tr, plain(BCAST, A, "m"));
    // priority-tagged (VID 0) trunk frames also belong to the native VLAN
    await send(tr, tagged(BCAST, T, "p", 0, { pcp: 3 }));
    await expect(p5, plain(BCAST, T, "p"));
    // other VLANs stay tagged
    await send(p7, plain(BCAST, C, "o"));
    await expect(tr, tagged(BCAST, C, "o", 7));
  },

  "keep PCP: priority tags carry PCP across": async () => {
    if (!vlanAvailable()) return;
    using conf = vlan.createConf("pcp", { keepPcp: true });
    assert.equal(conf.info().keepPcp, true);
    conf.createTrunk("pcptr");
    conf.createAccess("pcp10", 10);
    using tr = openPort("netmap:pcptr");
    using p10 = openPort("netmap:pcp10");

    await send(tr, tagged(BCAST, T, "k", 10, { pcp: 5 }));
    const [got] = await expect(p10, tagged(BCAST, T, "k", 0, { pcp: 5 }));
    assert.deepEqual([...got.subarray(12, 16)], [0x81, 0x00, 0xa0, 0x00], "priority tag, PCP 5");
    await send(p10, tagged(BCAST, A, "q", 0, { pcp: 3 }));
    await expect(tr, tagged(BCAST, A, "q", 10, { pcp: 3 }));
    await send(p10, plain(BCAST, A, "r"));
    await expect(tr, tagged(BCAST, A, "r", 10));
  },

  "802.1ad: S-tags on the trunk, customer tags pass through": async () => {
    if (!vlanAvailable()) return;
    using conf = vlan.createConf("qinq", { dot1ad: true });
    assert.equal(conf.info().dot1ad, true);
    conf.createTrunk("qtr");
    conf.createAccess("q100", 100);
    using tr = openPort("netmap:qtr");
    using p = openPort("netmap:q100");

    await send(p, plain(BCAST, A, "s"));
    const [got] = await expect(tr, tagged(BCAST, A, "s", 100, { tpid: 0x88a8 }));
    assert.deepEqual([...got.subarray(12, 16)], [0x88, 0xa8, 0x00, 0x64]);
    // a customer-tagged frame gets the S-tag outside its C-tag
    await send(p, tagged(BCAST, A, "c", 7));
    await expect(tr, eth({ dst: BCAST, src: A }).qinq(100, 7).payload({ length: 50, fill: "c" }));
    await send(tr, eth({ dst: BCAST, src: T }).qinq(100, 7).payload({ length: 50, fill: "d" }));
    await expect(p, tagged(BCAST, T, "d", 7));
    // 802.1Q frames on an 802.1ad trunk count as untagged: dropped
    await send(tr, tagged(BCAST, T, "e", 100));
    await nothingOn(p);
  },

  "disposal detaches, destroys created ports and deletes the conf": async () => {
    if (!vlanAvailable()) return;
    {
      await using conf = vlan.createConf("gone");
      conf.createTrunk("gonetr");
      conf.createAccess("gone1", 1);
      conf.createAccess("gone2", 2);
      assert.deepEqual(
        conf.list().map((p) => [p.port, p.role, p.vid, p.created, p.bridge]),
        [
          ["gonetr", "trunk", 4095, true, "valeVgoneTP:"],
          ["gone1", "access", 1, true, "valeV1gone:"],
          ["gone2", "access", 2, true, "valeV2gone:"],
        ],
      );
      assert.deepEqual(vlan.list().map((c) => c.name), ["gone"]);
    }
    assert.deepEqual(vlan.list(), []);
    assert.throws(() => openPort("netmap:gonetr"), /ENXIO/);
    assert.deepEqual(valeList(), [], "no switch is left");
  },
});
