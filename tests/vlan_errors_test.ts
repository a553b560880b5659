// Every bad input of the VLAN switch gets a clear VlanError (errno, the switch's reason, the
// failing record), nothing is half-applied, and uvale keeps working afterwards. Each scenario
// runs with its own uvale daemon (tests/core_harness.ts).
import assert from "node:assert/strict";
import {
  eth,
  expect,
  NetmapError,
  openPort,
  send,
  valeAttach,
  valeDetach,
  valeList,
  valeNewIf,
  vlan,
  VlanControl,
  VlanError,
} from "../mod.ts";
import { scenarios, uniqueName } from "./core_harness.ts";

/** False (with a note) while uvale has no VLAN switch (its hooks are not applied). */
function vlanAvailable(): boolean {
  try {
    VlanControl.open().close();
    return true;
  } catch (e) {
    if (e instanceof NetmapError && e.code === "EOPNOTSUPP") {
      console.log(`skip: the VLAN switch is not available on this backend (${e.message})`);
      return false;
    }
    throw e;
  }
}

/** Runs fn, which must throw a VlanError with this errno name and reason; returns it. */
function refused(fn: () => unknown, code: string, reason: string, index?: number): VlanError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof VlanError, `expected a VlanError, got ${e}`);
    assert.equal(e.code, code, e.message);
    assert.equal(e.reasonName, reason, e.message);
    if (index !== undefined) assert.equal(e.recordIndex, index, e.message);
    assert.ok(e.hint.length > 0, `a hint: ${e.message}`);
    return e;
  }
  assert.fail(`no error (expected ${code} ${reason})`);
}

/** uvale still forwards on an ordinary switch. */
async function uvaleStillWorks(): Promise<void> {
  const sw = uniqueName("vale");
  using a = openPort(`${sw}:a`);
  using b = openPort(`${sw}:b`);
  const f = eth({ src: "02:00:00:00:00:01" }).payload({ length: 50, fill: "z" });
  await send(a, f);
  await expect(b, f);
}

await scenarios(import.meta, {
  "names, VLAN ids and options are checked": async () => {
    if (!vlanAvailable()) return;
    refused(() => vlan.createConf("toolong"), "ENAMETOOLONG", "VV_R_CONF_NAME_LONG", 0);
    refused(() => vlan.createConf("x".repeat(40)), "ENAMETOOLONG", "VV_R_CONF_NAME_LONG", 0);
    refused(() => vlan.createConf("Lab"), "EINVAL", "VV_R_CONF_NAME", 0);
    refused(() => vlan.createConf(""), "EINVAL", "VV_R_CONF_NAME", 0);
    refused(
      () => vlan.createConf("opt", { keepPcp: true, dot1ad: true }),
      "EINVAL",
      "VV_R_OPTIONS",
    );
    refused(() => vlan.createConf("opt", { nativeVid: 4095 }), "EINVAL", "VV_R_OPTIONS");
    using c = vlan.createConf("chk");
    const e = refused(() => c.createAccess("p1", 4095), "EINVAL", "VV_R_VID", 0);
    assert.match(e.message, /4094|VLAN id/i, "the message says what a VLAN id may be");
    refused(() => c.createAccess("p1", 70000), "EINVAL", "VV_R_VID", 0);
    refused(() => c.createAccess("p1", -1), "EINVAL", "VV_R_VID", 0);
    refused(() => c.createAccess("port_name_is_16c", 1), "ENAMETOOLONG", "VV_R_PORT_NAME_LONG");
    refused(() => c.createAccess("p 1", 1), "EINVAL", "VV_R_PORT_NAME");
    refused(() => vlan.createConf("chk"), "EEXIST", "VV_R_CONF_EXISTS");
    assert.deepEqual(vlan.list().map((x) => x.name), ["chk"], "nothing else was created");
    await uvaleStillWorks();
  },

  "the fifth conf is refused; four work": async () => {
    if (!vlanAvailable()) return;
    const confs = ["ca", "cb", "cc", "cd"].map((n) => vlan.createConf(n));
    try {
      const e = refused(() => vlan.createConf("ce"), "ENOSPC", "VV_R_CONF_LIMIT", 0);
      assert.match(e.message, /record 0/);
      assert.equal(vlan.list().length, 4);
    } finally {
      for (const c of confs) c.delete();
    }
    assert.deepEqual(vlan.list(), []);
    await uvaleStillWorks();
  },

  "ports: double attach, second trunk, missing ports, conf in use": async () => {
    if (!vlanAvailable()) return;
    using c = vlan.createConf("prt");
    using d = vlan.createConf("prt2");
    c.createTrunk("prttr");
    c.createAccess("prta", 10);
    refused(() => c.attachAccess("prta", 20), "EBUSY", "VV_R_PORT_BUSY");
    refused(() => d.attachAccess("prta", 20), "EBUSY", "VV_R_PORT_BUSY");
    refused(() => d.attachTrunk("prttr"), "EBUSY", "VV_R_PORT_BUSY");
    refused(() => c.createTrunk("prttr2"), "EBUSY", "VV_R_TRUNK_BUSY");
    refused(() => c.attachAccess("prtAP10", 10), "EBUSY", "VV_R_PORT_BUSY");
    refused(() => c.detachAccess("nosuch"), "ENXIO", "VV_R_NO_PORT");
    refused(() => c.detachAccess("prttr"), "ENXIO", "VV_R_NO_PORT");
    refused(() => d.detachTrunk(), "ENXIO", "VV_R_NO_PORT");
    // a port that does not exist: EINVAL, as netmap's attach of an unknown name
    const e = refused(() => c.attachAccess("ghost", 10), "EINVAL", "VV_R_OS");
    assert.match(e.message, /ghost/);
    using ctl = VlanControl.open();
    refused(() => ctl.write([{ action: "delete-conf", conf: "prt" }]), "EBUSY", "VV_R_CONF_BUSY");
    refused(() => ctl.write([{ action: "delete-conf", conf: "nope" }]), "ENXIO", "VV_R_NO_CONF");
    // the switches are the module's: vale-ctl gets EACCES
    assert.throws(() => valeDetach("valeVprtTP:prttr"), (x: unknown) => {
      return x instanceof NetmapError && x.code === "EACCES";
    });
    valeNewIf("prtx");
    assert.throws(() => valeAttach("valeV10prt:prtx"), (x: unknown) => {
      return x instanceof NetmapError && x.code === "EACCES";
    });
    assert.deepEqual(c.list().map((p) => p.port), ["prttr", "prta"], "nothing changed");
    await uvaleStillWorks();
  },

  "a failing batch leaves nothing behind": async () => {
    if (!vlanAvailable()) return;
    using ctl = VlanControl.open();
    const e = refused(
      () =>
        ctl.write([
          { action: "create-conf", conf: "atom" },
          { action: "create-trunk", conf: "atom", port: "atomtr" },
          { action: "create-access", conf: "atom", port: "atoma", vid: 7 },
          { action: "attach-access", conf: "atom", port: "ghost", vid: 8 },
        ]),
      "EINVAL",
      "VV_R_OS",
      3,
    );
    assert.match(e.message, /record 3 of 4/);
    assert.equal(ctl.status().errIndex, 3);
    assert.deepEqual(vlan.list(), []);
    assert.deepEqual(valeList(), [], "no switch, no port left");
    assert.throws(() => openPort("netmap:atoma"), /ENXIO/);
    await uvaleStillWorks();
  },

  "random bytes, bad lengths and too many records": async () => {
    if (!vlanAvailable()) return;
    using ctl = VlanControl.open();
    const junk = new Uint8Array(64 * 3);
    crypto.getRandomValues(junk);
    assert.throws(() => ctl.writeBytes(junk), (x: unknown) => x instanceof VlanError);
    refused(() => ctl.writeBytes(new Uint8Array(10)), "EINVAL", "VV_R_LENGTH");
    refused(() => ctl.writeBytes(new Uint8Array(0)), "EINVAL", "VV_R_LENGTH");
    const v1 = new Uint8Array(64);
    v1[0] = 2; // vr_version 2
    refused(() => ctl.writeBytes(v1), "EPROTO", "VV_R_VERSION", 0);
    const many = Array.from({ length: 257 }, () => ({ action: "list" as const, conf: "" }));
    refused(() => ctl.write(many), "E2BIG", "VV_R_TOO_MANY");
    ctl.write(many.slice(0, 256));
    assert.deepEqual(vlan.list(), []);
    await uvaleStillWorks();
  },

  "the switch budget: one switch per VLAN in use": () => {
    if (!vlanAvailable()) return;
    using c = vlan.createConf("bud");
    c.createTrunk("budtr");
    // 8 switches: the tagging one + 7 VLANs
    for (let v = 1; v <= 7; v++) c.createAccess(`bud${v}`, v);
    const e = refused(() => c.createAccess("bud8", 8), "ENOMEM", "VV_R_OS");
    assert.match(e.message, /switch/);
    assert.equal(c.list().length, 8, "the trunk and 7 access ports");
    assert.throws(() => openPort("netmap:bud8"), /ENXIO/, "the port made for it is gone");
    c.destroyAccess("bud7");
    c.createAccess("bud8", 8);
  },

  "a deleted conf and a closed handle say so": () => {
    if (!vlanAvailable()) return;
    const c = vlan.createConf("del");
    c.delete();
    c.delete();
    assert.throws(() => c.createTrunk("deltr"), (x: unknown) => {
      return x instanceof NetmapError && x.code === "ENXIO" && /deleted/.test(x.message);
    });
    // deleted by someone else: disposal has nothing left to do
    const other = vlan.createConf("del2");
    vlan.openConf("del2").delete();
    other.delete();
    assert.deepEqual(vlan.list(), []);
    const ctl = VlanControl.open();
    ctl.close();
    assert.throws(() => ctl.status(), (x: unknown) => {
      return x instanceof NetmapError && x.code === "EBADF";
    });
    assert.throws(() => vlan.openConf("del"), (x: unknown) => {
      return x instanceof VlanError && x.code === "ENXIO";
    });
  },
});
