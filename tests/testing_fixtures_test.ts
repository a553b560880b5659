// netmap fixtures (src/testing/fixtures.ts) on a real backend: what they create is gone after
// dispose, and what they cannot remove is reported as a leak. Each scenario runs in its own
// process with its own uvale daemon (tests/core_harness.ts).
import assert from "node:assert/strict";
import { ERRNO, NetmapError } from "../src/errors.ts";
import { backendName } from "../src/ffi.ts";
import { openPort } from "../src/port.ts";
import { portInfo, valeAttach, valeDelIf, valeDetach, valeList } from "../src/vale.ts";
import {
  monitor,
  persistentPort,
  pipe,
  SkipError,
  skipUnlessSupported,
  TestScope,
  valeSwitch,
  vlanConf,
} from "../src/testing/mod.ts";
import { vlan } from "../src/vlan.ts";
import { scenarios } from "./core_harness.ts";

function errCode(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof NetmapError) return e.code;
    throw e;
  }
  return "no error";
}

function portsOf(sw: string): string[] {
  try {
    return valeList().filter((e) => e.name.startsWith(`${sw}:`)).map((e) => e.name);
  } catch (e) {
    if (e instanceof NetmapError && e.code === "ENOENT") return [];
    throw e;
  }
}

await scenarios(import.meta, {
  "vlanConf: the configuration exists during the test and is gone after dispose": async () => {
    const name = `f${Deno.pid % 10000}`;
    {
      await using scope = new TestScope("fixtures-vlan");
      const conf = vlanConf(scope, name, { nativeVid: 1 });
      assert.equal(conf.name, name);
      assert.ok(vlan.list().some((c) => c.name === name));
    }
    assert.ok(!vlan.list().some((c) => c.name === name));
  },

  "switch: unique names, ports closed and gone after dispose": () => {
    let name = "";
    {
      using sw = valeSwitch();
      using other = valeSwitch();
      assert.match(sw.name, /^vale[a-z0-9]{5}$/);
      assert.notEqual(sw.name, other.name);
      name = sw.name;
      const a = sw.open("a");
      sw.open("b/x");
      assert.deepEqual(portsOf(name).sort(), [`${name}:a`, `${name}:b`]);
      a.close(); // closing early is fine
    }
    assert.deepEqual(portsOf(name), []);
  },

  "conf: switch, pipe and persistent port create their ports with it; open() options win": () => {
    const conf = { slots: 64 };
    {
      using sw = valeSwitch({ conf });
      assert.equal(sw.open("a").info.txSlots, 64);
      const b = sw.open("b", { conf: { rxSlots: 32 } });
      assert.deepEqual([b.info.txSlots, b.info.rxSlots], [64, 32]);
      // an existing port keeps its own configuration, as in netmap
      assert.equal(sw.open("a", { conf: { slots: 256 } }).info.txSlots, 64);
      using p = pipe({ conf });
      assert.equal(p.open("master").info.rxSlots, 64);
      using v = persistentPort({ conf, attach: [sw] });
      assert.equal(v.openVia(sw).info.txSlots, 64);
    }
  },

  "switch: a port opened behind its back is reported as a leak": () => {
    const sw = valeSwitch();
    const stray = openPort(sw.portName("stray"));
    try {
      assert.throws(() => sw[Symbol.dispose](), /left resources behind: ports still on the switch/);
    } finally {
      stray.close();
    }
    assert.deepEqual(portsOf(sw.name), []);
  },

  "persistent port: detached, deleted, and port info says ENXIO afterwards": () => {
    let name = "";
    {
      using sw = valeSwitch();
      using sw2 = valeSwitch();
      using p = persistentPort({ attach: [sw] });
      name = p.name;
      assert.match(name, /^nmp[a-z0-9]{5}$/);
      p.openVia(sw).close();
      p.attach(sw2);
      assert.deepEqual(p.attached, [sw.name, sw2.name]);
      assert.equal(portInfo(name).txRings >= 1, true);
      assert.equal(errCode(() => p.create()), "EEXIST", "a failed call changes nothing");
      assert.equal(p.exists, true);
    }
    assert.equal(errCode(() => portInfo(name)), "ENXIO");
  },

  "persistent port: an attachment it does not know of is reported as a leak": () => {
    using sw = valeSwitch();
    const p = persistentPort();
    valeAttach(`${sw.name}:${p.name}`);
    try {
      assert.throws(() => p[Symbol.dispose](), /delete .*EBUSY/);
    } finally {
      valeDetach(`${sw.name}:${p.name}`);
      valeDelIf(p.name);
    }
  },

  "pipe: both ends open, the parent is gone after dispose": () => {
    let parent = "";
    {
      using p = pipe();
      parent = p.parent;
      assert.equal(p.master, `netmap:${parent}{1`);
      assert.equal(p.slave, `netmap:${parent}}1`);
      const m = p.open("master");
      const s = p.open("slave");
      assert.equal(m.info.txSlots, s.info.rxSlots);
    }
    assert.equal(errCode(() => portInfo(parent)), "ENXIO");
  },

  "fixtures registered with a scope go when the test throws": async () => {
    const names: string[] = [];
    await assert.rejects(async () => {
      await using scope = new TestScope("fixtures-throw");
      const sw = valeSwitch({ scope });
      sw.open("a");
      const p = persistentPort({ scope, attach: [sw] });
      names.push(sw.name, p.name);
      throw new Error("boom");
    }, /boom/);
    assert.deepEqual(portsOf(names[0]), []);
    assert.equal(errCode(() => portInfo(names[1])), "ENXIO");
  },

  "skips only for a missing uvale feature, never for a real failure": () => {
    // A missing feature (EOPNOTSUPP from uvale) becomes a skip that names it...
    const missing = () => {
      throw new NetmapError({ op: "register", port: "x", errno: ERRNO.EOPNOTSUPP, summary: "" });
    };
    if (backendName() === "uvale") {
      assert.throws(
        () => skipUnlessSupported("widgets", missing),
        (e: unknown) =>
          e instanceof SkipError && /^uvale: widgets not implemented yet/.test(e.message),
      );
    }
    // ...a real failure (EBUSY) is never turned into a skip.
    using sw = valeSwitch();
    sw.open("x/x");
    assert.throws(
      () => skipUnlessSupported("monitors", () => sw.open("x")),
      (e: unknown) => e instanceof NetmapError && e.code === "EBUSY",
    );
    // Monitors exist on both backends now: the fixture opens one.
    sw.open("v0");
    const scope = new TestScope("skips");
    try {
      const m = monitor(scope, sw.portName("v0"), "r");
      assert.ok(m.rxRings.length >= 1);
    } finally {
      void scope[Symbol.asyncDispose]();
    }
  },
});
