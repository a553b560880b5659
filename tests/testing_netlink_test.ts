// Fixtures for Linux peers: namespaces, veth pairs, VLAN subinterfaces, and cleanup on
// normal exit, on a throw, and on SIGTERM.
import assert from "node:assert/strict";
import { CommandError, run } from "../src/testing/command.ts";
import { TestScope } from "../src/testing/scope.ts";
import { linuxHas8021q, netns, vethPair, vlanSubinterface } from "../src/testing/netlink.ts";

async function linkExists(name: string, ns?: string): Promise<boolean> {
  return (await run("ip", ["link", "show", name], { check: false, netns: ns })).code === 0;
}

async function netnsExists(name: string): Promise<boolean> {
  const r = await run("ip", ["netns", "list"]);
  return r.stdout.split("\n").some((l) => l.split(" ")[0] === name);
}

Deno.test("veth pair between two namespaces carries ping, and everything is removed", async () => {
  let names: { a: string; ns1: string; ns2: string } | undefined;
  {
    await using scope = new TestScope("netlink-ping");
    const ns1 = await netns(scope);
    const ns2 = await netns(scope);
    const v = await vethPair(scope, {
      nsA: ns1,
      nsB: ns2,
      addrA: "10.201.0.1/24",
      addrB: "10.201.0.2/24",
    });
    names = { a: v.a, ns1: ns1.name, ns2: ns2.name };
    const p = await run("ping", ["-c", "1", "-W", "2", "10.201.0.2"], { netns: ns1.name });
    assert.match(p.stdout, /1 received/);
    // A VLAN subinterface on each end: ping works inside VLAN 10 (where the kernel has 802.1Q).
    if (!(await linuxHas8021q())) {
      console.log("# SKIP VLAN part: this kernel has no 802.1Q support (CONFIG_VLAN_8021Q)");
      return;
    }
    await vlanSubinterface(scope, v.a, 10, { netns: ns1, addr: "10.202.0.1/24" });
    await vlanSubinterface(scope, v.b, 10, { netns: ns2, addr: "10.202.0.2/24" });
    const p10 = await run("ping", ["-c", "1", "-W", "2", "10.202.0.2"], { netns: ns1.name });
    assert.match(p10.stdout, /1 received/);
  }
  assert.ok(names);
  assert.equal(await netnsExists(names.ns1), false);
  assert.equal(await netnsExists(names.ns2), false);
  assert.equal(await linkExists(names.a), false);
});

async function allLinks(): Promise<string[]> {
  const r = await run("ip", ["-o", "link", "show"]);
  return r.stdout.split("\n").map((l) => l.split(": ")[1]?.split("@")[0] ?? "").filter(Boolean);
}

Deno.test("a throwing test still removes its veth pair", async () => {
  let a = "";
  await assert.rejects(async () => {
    await using scope = new TestScope("netlink-throw");
    a = (await vethPair(scope)).a;
    assert.equal(await linkExists(a), true);
    throw new Error("boom");
  }, /boom/);
  assert.equal(await linkExists(a), false);
});

Deno.test("a veth pair whose set-up fails half-way is removed, and the error names the step", async () => {
  const before = await allLinks();
  {
    await using scope = new TestScope("netlink-half");
    await assert.rejects(
      () => vethPair(scope, { prefix: "nmh", addrA: "10.9.9.300/24" }),
      (e: unknown) =>
        e instanceof CommandError && /ip -batch/.test(e.message) &&
        /addr add 10\.9\.9\.300/.test(e.message),
    );
  }
  assert.deepEqual((await allLinks()).filter((l) => l.startsWith("nmh")), []);
  assert.deepEqual(before.filter((l) => l.startsWith("nmh")), []);
});

Deno.test("SIGTERM to a test process removes what it created", async () => {
  const script = new URL("./fixtures/hold_veth.ts", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-P=test", script],
    stdout: "piped",
    stderr: "inherit",
    cwd: new URL("..", import.meta.url).pathname,
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    out += value;
  }
  const name = out.trim();
  assert.match(name, /^nmv/);
  assert.equal(await linkExists(name), true);
  child.kill("SIGTERM");
  const status = await child.status;
  reader.releaseLock();
  await child.stdout.cancel().catch(() => {});
  assert.equal(status.code, 143);
  assert.equal(await linkExists(name), false);
});
