/**
 * Linux network fixtures driven through `ip`: network namespaces, veth pairs
 * and 802.1Q subinterfaces. Each fixture registers its undo with a
 * {@linkcode TestScope}, so it is removed when the test ends, fails or is
 * interrupted. Names get a random suffix so parallel tests never collide.
 *
 * @module
 */
import { CommandError, run } from "./command.ts";
import type { TestScope } from "./scope.ts";

/** Linux's limit for interface names (IFNAMSIZ - 1). */
export const MAX_IFNAME = 15;

/**
 * A short unique name: `prefix` plus random lowercase letters and digits.
 *
 * @example A veth name
 * ```ts
 * import { uniqueName } from "../../mod.ts";
 * const n = uniqueName("nm");
 * if (n.length > 15 || !n.startsWith("nm")) throw new Error("bad name");
 * ```
 *
 * @param prefix Fixed start of the name.
 * @param length Number of random characters (default 5).
 * @returns The name.
 */
export function uniqueName(prefix: string, length = 5): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let s = prefix;
  for (const b of bytes) s += alphabet[b % alphabet.length];
  if (s.length > MAX_IFNAME) {
    throw new RangeError(`Name '${s}' is longer than ${MAX_IFNAME} characters: shorten the prefix`);
  }
  return s;
}

/**
 * A network namespace owned by a test.
 *
 * @example
 * ```ts ignore
 * import { type Netns, netns, run, TestScope } from "../../mod.ts";
 * await using scope = new TestScope("ns");
 * const ns: Netns = await netns(scope);
 * await run("ip", ["link"], { netns: ns.name });
 * ```
 */
export interface Netns {
  /** Its name (for `ip netns exec`). */
  name: string;
}

/**
 * Creates a network namespace with `lo` up, removed when the scope closes.
 *
 * @example Run ping inside a namespace
 * ```ts ignore
 * import { netns, run, TestScope } from "../../mod.ts";
 * await using scope = new TestScope("ns");
 * const ns = await netns(scope);
 * await run("ping", ["-c1", "127.0.0.1"], { netns: ns.name });
 * ```
 *
 * @param scope The test scope that owns it.
 * @param prefix Name prefix (default "nms").
 * @returns The namespace.
 */
export async function netns(scope: TestScope, prefix = "nms"): Promise<Netns> {
  const name = uniqueName(prefix, 6);
  await run("ip", ["netns", "add", name]);
  scope.defer(`netns ${name}`, async () => {
    await run("ip", ["netns", "del", name]);
  });
  await run("ip", ["link", "set", "lo", "up"], { netns: name });
  return { name };
}

/**
 * The two ends of a veth pair.
 *
 * @example
 * ```ts ignore
 * import { TestScope, type VethPair, vethPair } from "../../mod.ts";
 * await using scope = new TestScope("veth");
 * const v: VethPair = await vethPair(scope);
 * console.log(v.a, v.b);
 * ```
 */
export interface VethPair {
  /** First end (in `nsA` when given). */
  a: string;
  /** Second end (in `nsB` when given). */
  b: string;
}

/**
 * Options of {@linkcode vethPair}.
 *
 * @example
 * ```ts ignore
 * import { TestScope, type VethOptions, vethPair } from "../../mod.ts";
 * await using scope = new TestScope("veth");
 * const opts: VethOptions = { addrA: "10.9.0.1/24", addrB: "10.9.0.2/24" };
 * const v = await vethPair(scope, opts);
 * ```
 */
export interface VethOptions {
  /** Name prefix (default "nmv"); the ends get suffixes "a" and "b". */
  prefix?: string;
  /** Namespace for end `a`. */
  nsA?: Netns;
  /** Namespace for end `b`. */
  nsB?: Netns;
  /** Address with prefix length for end `a`, e.g. "10.9.0.1/24". */
  addrA?: string;
  /** Address with prefix length for end `b`. */
  addrB?: string;
  /** Bring both ends up (default true). */
  up?: boolean;
}

/**
 * Creates a veth pair, optionally moving its ends into namespaces and giving
 * them addresses; deleted when the scope closes (deleting one end deletes both).
 *
 * @example A pair between two namespaces
 * ```ts ignore
 * import { netns, TestScope, vethPair } from "../../mod.ts";
 * await using scope = new TestScope("veth");
 * const [n1, n2] = [await netns(scope), await netns(scope)];
 * const v = await vethPair(scope, { nsA: n1, nsB: n2, addrA: "10.9.0.1/24", addrB: "10.9.0.2/24" });
 * ```
 *
 * @param scope The test scope that owns it.
 * @param options See {@linkcode VethOptions}.
 * @returns The end names.
 */
export async function vethPair(scope: TestScope, options: VethOptions = {}): Promise<VethPair> {
  const base = uniqueName(options.prefix ?? "nmv", 5);
  const pair = { a: `${base}a`, b: `${base}b` };
  // One `ip -batch` per namespace instead of one `ip` per step (each start of `ip` costs
  // 50-100 ms in a QEMU TCG guest). Each end: moved, addressed, up, in that order.
  const root = [`link add ${pair.a} type veth peer name ${pair.b}`];
  const inNs = new Map<string, string[]>();
  const ends = [[pair.a, options.nsA, options.addrA], [
    pair.b,
    options.nsB,
    options.addrB,
  ]] as const;
  for (const [end, ns, addr] of ends) {
    if (ns) root.push(`link set ${end} netns ${ns.name}`);
    const lines = ns ? (inNs.get(ns.name) ?? inNs.set(ns.name, []).get(ns.name)!) : root;
    if (addr) lines.push(`addr add ${addr} dev ${end}`);
    if (options.up ?? true) lines.push(`link set ${end} up`);
  }
  const made = await run("ip", ["-batch", "-"], { stdin: `${root.join("\n")}\n`, check: false });
  // ip stops at the first failing line ("Command failed -:N"): past line 1 the pair exists
  const created = made.code === 0 || !/Command failed -:1\b/.test(made.stderr);
  if (created) {
    scope.defer(`veth ${pair.a}`, async () => {
      const r = await run("ip", ["link", "del", pair.a], {
        check: false,
        netns: options.nsA?.name,
      });
      // Deleting a namespace deletes the veth inside it: "cannot find device" is fine then.
      if (r.code !== 0 && !/Cannot find device|does not exist/i.test(r.stderr)) {
        throw new Error(`ip link del ${pair.a} failed: ${r.stderr.trim()}`);
      }
    });
  }
  if (made.code !== 0) {
    throw new CommandError(`ip -batch - (${root.join("; ")})`, made.code, made.stderr, "failed");
  }
  for (const [ns, lines] of inNs) {
    await run("ip", ["-n", ns, "-batch", "-"], { stdin: `${lines.join("\n")}\n` });
  }
  return pair;
}

/**
 * Whether this kernel can create 802.1Q subinterfaces (CONFIG_VLAN_8021Q).
 * Some CI kernels cannot; tests that need Linux VLAN peers skip with this reason.
 *
 * @example Skip without 802.1Q
 * ```ts ignore
 * import { linuxHas8021q } from "../../mod.ts";
 * if (!(await linuxHas8021q())) t.skip("this kernel has no 802.1Q support (CONFIG_VLAN_8021Q)");
 * ```
 *
 * @returns true when `ip link add ... type vlan` works here.
 */
export async function linuxHas8021q(): Promise<boolean> {
  const probe = uniqueName("nmq", 5);
  const made = await run(
    "ip",
    ["link", "add", probe, "type", "veth", "peer", "name", `${probe}p`],
    {
      check: false,
    },
  );
  if (made.code !== 0) return false;
  try {
    const r = await run("ip", [
      "link",
      "add",
      "link",
      probe,
      "name",
      `${probe}.9`,
      "type",
      "vlan",
      "id",
      "9",
    ], {
      check: false,
    });
    return r.code === 0;
  } finally {
    await run("ip", ["link", "del", probe], { check: false });
  }
}

/**
 * Options of {@linkcode vlanSubinterface}.
 *
 * @example
 * ```ts ignore
 * import {
 *   TestScope,
 *   vethPair,
 *   vlanSubinterface,
 *   type VlanSubinterfaceOptions,
 * } from "../../mod.ts";
 * await using scope = new TestScope("vlan");
 * const v = await vethPair(scope);
 * const opts: VlanSubinterfaceOptions = { addr: "10.10.0.1/24" };
 * await vlanSubinterface(scope, v.a, 10, opts);
 * ```
 */
export interface VlanSubinterfaceOptions {
  /** Namespace of the parent interface. */
  netns?: Netns;
  /** Address with prefix length, e.g. "10.10.0.1/24". */
  addr?: string;
  /** 802.1Q (default) or 802.1ad. */
  protocol?: "802.1Q" | "802.1ad";
}

/**
 * Creates a Linux VLAN subinterface `PARENT.VID` (`ip link add link PARENT
 * name PARENT.VID type vlan id VID`), up, with an optional address.
 *
 * @example VLAN 10 on a veth end
 * ```ts ignore
 * import { vlanSubinterface } from "../../mod.ts";
 * const sub = await vlanSubinterface(scope, "nmvxxxxa", 10, { addr: "10.10.0.1/24" });
 * ```
 *
 * @param scope The test scope that owns it.
 * @param parent The parent interface.
 * @param vid The VLAN id (1..4094).
 * @param options See {@linkcode VlanSubinterfaceOptions}.
 * @returns The subinterface name.
 */
export async function vlanSubinterface(
  scope: TestScope,
  parent: string,
  vid: number,
  options: VlanSubinterfaceOptions = {},
): Promise<string> {
  if (!Number.isInteger(vid) || vid < 1 || vid > 4094) {
    throw new RangeError(`Invalid VLAN id ${vid}: expected 1..4094`);
  }
  const name = `${parent}.${vid}`.slice(0, MAX_IFNAME);
  const ns = options.netns?.name;
  await run("ip", [
    "link",
    "add",
    "link",
    parent,
    "name",
    name,
    "type",
    "vlan",
    "protocol",
    options.protocol ?? "802.1Q",
    "id",
    String(vid),
  ], { netns: ns });
  scope.defer(`vlan ${name}`, async () => {
    const r = await run("ip", ["link", "del", name], { netns: ns, check: false });
    if (r.code !== 0 && !/Cannot find device|does not exist/i.test(r.stderr)) {
      throw new Error(`ip link del ${name} failed: ${r.stderr.trim()}`);
    }
  });
  if (options.addr) await run("ip", ["addr", "add", options.addr, "dev", name], { netns: ns });
  await run("ip", ["link", "set", name, "up"], { netns: ns });
  return name;
}
