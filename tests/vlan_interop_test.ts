// Interop with Linux 802.1Q: a Linux trunk with VLAN subinterfaces on one side of the VLAN
// switch, Linux hosts on its access ports. Ping works within a VLAN and fails across VLANs, and
// a capture of the trunk shows the expected tags: tshark when installed, and on uvale also our
// own AF_PACKET capture (netmap:IFNAME), so the check runs where tshark is absent (the QEMU guest).
//
// Kernel netmap (vale_vlan.ko): the Linux interfaces are the conf's trunk and access ports.
// uvale: a conf takes persistent VALE ports only, so each Linux interface joins a plain VALE
// switch together with a persistent port, and that port joins the conf (a patch cable).
// Needs root and 802.1Q in the kernel (`scripts/vm-test.sh NETMAP_SRC --per-boot
// tests/vlan_interop_test.ts`, with VM_BACKEND=uvale for uvale); skipped otherwise, with the
// reason. Each scenario runs in its own process with its own uvale daemon (core_harness.ts).
import assert from "node:assert/strict";
import {
  backendName,
  type CommandResult,
  eth,
  expect,
  hasCommand,
  linuxHas8021q,
  type Netns,
  netns,
  openPort,
  type Port,
  run,
  send,
  TestScope,
  uvaleStop,
  valeAttach,
  valeDelIf,
  valeDetach,
  valeNewIf,
  vethPair,
  vlan,
  type VlanConf,
  VlanControl,
} from "../mod.ts";
import { runDeno, scenarios, timeoutScale, uniqueName } from "./core_harness.ts";

async function missing(): Promise<string> {
  if (!(await linuxHas8021q())) {
    return "cannot create 802.1Q subinterfaces here (root and CONFIG_VLAN_8021Q needed)";
  }
  if (!(await hasCommand("ping"))) return "'ping' is not installed";
  const b = backendName();
  if (b === "kernel" && !(await hasCommand("tshark"))) {
    return "tshark is not installed (on kernel netmap the tags are checked with tshark)";
  }
  if (b !== "kernel" && b !== "uvale") return `backend ${b}: no Linux interfaces`;
  if (b === "uvale" && !import.meta.main) {
    // in a child with its own daemon, as the scenarios (this process's is shared)
    const dir = await Deno.makeTempDir({ prefix: "nms-vlan-probe-" });
    try {
      const r = await runDeno(["-P=test", new URL(import.meta.url).pathname, PROBE], {
        NMSCRIPT_UVALE_DIR: dir,
      });
      if (r.code !== 0) return `the uvale probe failed:\n${r.stdout}${r.stderr}`;
      return r.stdout.trim();
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  }
  return "";
}

/** The child's argument that runs {@linkcode crossesFourSwitches} and prints its answer. */
const PROBE = "--probe-depth";

/** `ping -c COUNT -W WAIT -I DEV DST` in `ns`, 0.2 s apart; never throws on no answer. */
function ping(
  ns: Netns,
  dev: string,
  dst: string,
  count: number,
  wait: number,
): Promise<CommandResult> {
  const args = ["-c", `${count}`, "-i", "0.2", "-W", `${wait}`, "-I", dev, dst];
  return run("ping", args, { netns: ns.name, check: false });
}

/** Where a Linux interface ends up on the switch: the port name the conf gets. */
function confPort(scope: TestScope, ifname: string): string {
  if (backendName() === "kernel") return ifname;
  // uvale: IFNAME and a persistent port on a plain switch; the port goes into the conf.
  // The scope undoes this after the conf is deleted (the conf is made later).
  const port = uniqueName("ip");
  const sw = uniqueName("vale");
  valeNewIf(port);
  scope.defer(`delif ${port}`, () => valeDelIf(port));
  for (const end of [ifname, port]) {
    valeAttach(`${sw}:${end}`);
    scope.defer(`detach ${sw}:${end}`, () => {
      valeDetach(`${sw}:${end}`);
    });
  }
  return port;
}

/**
 * uvale only: whether a frame crosses plain switch -> conf -> plain switch, which the Linux
 * topology needs (4 switches deep). Returns "" when it does, else why not.
 */
async function crossesFourSwitches(): Promise<string> {
  await using scope = new TestScope("vlan depth probe");
  const ports = [uniqueName("ip"), uniqueName("ip")];
  const sws = [uniqueName("vale"), uniqueName("vale")];
  for (let i = 0; i < 2; i++) {
    valeNewIf(ports[i]);
    scope.defer(`delif ${ports[i]}`, () => valeDelIf(ports[i]));
    valeAttach(`${sws[i]}:${ports[i]}`);
    scope.defer(`detach ${sws[i]}:${ports[i]}`, () => {
      valeDetach(`${sws[i]}:${ports[i]}`);
    });
  }
  const conf = scope.use("vlan conf iprb", vlan.createConf("iprb"));
  conf.attachTrunk(ports[0]);
  conf.attachAccess(ports[1], 10);
  const trunkSide = scope.use("trunk side", openPort(`${sws[0]}:u`));
  const accessSide = scope.use("access side", openPort(`${sws[1]}:u`));
  const head = { dst: "ff:ff:ff:ff:ff:ff", src: "02:00:00:00:0a:01" };
  await send(accessSide, eth(head).payload("x"));
  try {
    await expect(trunkSide, eth(head).vlan(10).payload("x"), { timeoutMs: 1000 });
    return "";
  } catch {
    return "uvale drops frames that cross more than 3 switches (MAX_DEPTH 3 in " +
      "ffi/uvale/uvale_sync.c): Linux access port -> VALE switch -> valeV10<conf>: -> " +
      "valeV<conf>TP: -> VALE switch -> Linux trunk needs 4";
  }
}

/** One ICMP frame seen on the trunk: its VLAN id, or null when untagged. */
type Seen = number | null;

/** The VLAN id of an IPv4 ICMP frame (null: untagged), undefined for any other frame. */
function icmpVid(b: Uint8Array): Seen | undefined {
  let off = 12;
  let vid: Seen = null;
  if (b.length >= 18 && b[12] === 0x81 && b[13] === 0x00) {
    vid = ((b[14] << 8) | b[15]) & 0xfff;
    off = 16;
  }
  if (b.length < off + 12 || b[off] !== 0x08 || b[off + 1] !== 0x00) return undefined;
  return b[off + 2 + 9] === 1 ? vid : undefined;
}

/** Our capture of a Linux interface (uvale: AF_PACKET, the stack keeps its frames). */
class TrunkCapture {
  readonly seen: Seen[] = [];
  #stop = false;
  readonly #done: Promise<void>;

  constructor(readonly port: Port) {
    this.#done = this.#loop();
  }

  async #loop(): Promise<void> {
    const ring = this.port.rxRings[0];
    while (!this.#stop) {
      this.port.rxsync();
      while (ring.peek(1) === 1) {
        const v = icmpVid(ring.frame(ring.slot(0)));
        if (v !== undefined) this.seen.push(v);
        ring.release(1);
      }
      await this.port.ready("rx", { timeoutMs: 100 });
    }
  }

  /** Stops the loop; the frames seen so far stay in `seen`. */
  async stop(): Promise<void> {
    this.#stop = true;
    await this.#done;
  }
}

/** A running tshark (in the guest: dumpcap) capture. */
interface Capture {
  /** Resolves when the capture has exited. */
  done: Promise<Deno.CommandStatus>;
}

/**
 * tshark on `ifname` for `seconds`, writing `pcap`. Resolves once tshark (or dumpcap, which it
 * runs) prints "Capturing on", i.e. once frames are being captured; throws, with what it printed,
 * when it exits first or does not get there within 20 s (times NMSCRIPT_TEST_TIMEOUT_SCALE).
 */
async function tsharkCapture(ifname: string, pcap: string, seconds: number): Promise<Capture> {
  const startMs = 20_000 * timeoutScale();
  const child = new Deno.Command("tshark", {
    args: ["-q", "-i", ifname, "-a", `duration:${seconds}`, "-w", pcap],
    stdout: "null",
    stderr: "piped",
    signal: AbortSignal.timeout(startMs + seconds * 1000 + 10_000),
  }).spawn();
  let text = "";
  let started!: () => void;
  const capturing = new Promise<void>((resolve) => started = resolve);
  // reads stderr to its end (a full pipe would stall tshark), noting "Capturing on"
  const drained = (async (): Promise<void> => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      text += chunk;
      if (text.includes("Capturing on")) started();
    }
  })();
  const done = child.status;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outcome = await Promise.race([
    capturing.then(() => "capturing"),
    done.then(() => "exited"),
    new Promise<string>((r) => timer = setTimeout(() => r("timeout"), startMs)),
  ]);
  clearTimeout(timer);
  if (outcome !== "capturing") {
    if (outcome === "timeout") child.kill("SIGKILL");
    await Promise.all([done, drained]);
    throw new Error(
      `tshark -i ${ifname} ${
        outcome === "timeout" ? `printed no "Capturing on" within ${startMs} ms` : "exited early"
      }: ${text.trim() || "(no output)"}`,
    );
  }
  return { done: done.then(async (status) => (await drained, status)) };
}

/** `ip link add link PARENT name NAME type vlan id VID`, moved into `ns`, with an address. */
async function subinterface(parent: string, vid: number, ns: Netns, addr: string): Promise<string> {
  // it dies with its parent (the veth pair the scope deletes)
  const name = `${parent}.${vid}`;
  await run("ip", ["link", "add", "link", parent, "name", name, "type", "vlan", "id", `${vid}`]);
  await run("ip", ["link", "set", name, "netns", ns.name]);
  await run("ip", ["addr", "add", addr, "dev", name], { netns: ns.name });
  await run("ip", ["link", "set", name, "up"], { netns: ns.name });
  return name;
}

if (import.meta.main && Deno.args[0] === PROBE) {
  let code = 0;
  try {
    console.log(await crossesFourSwitches());
  } catch (e) {
    console.error(e instanceof Error ? e.stack ?? e.message : String(e));
    code = 1;
  } finally {
    uvaleStop();
  }
  Deno.exit(code);
}

const NAME = "Linux interop: ping within a VLAN, not across; the trunk carries the expected tags";
const why = await missing();
if (why) {
  console.log(`skip vlan_interop_test: ${why}`);
  Deno.test({ name: NAME, ignore: true, fn(): void {} }); // reported as skipped
}

await scenarios(
  import.meta,
  why ? {} : {
    [NAME]: async () => {
      VlanControl.open().close(); // a clear error when this backend has no VLAN switch
      await using scope = new TestScope("vlan interop");
      const nsT = await netns(scope, "nmit");
      const nsA = await netns(scope, "nmia");
      const nsB = await netns(scope, "nmib");
      // the `a` ends join the switch; the `b` ends are the Linux hosts. The trunk's `b` end
      // stays here (captured here), its VLAN subinterfaces live in nsT.
      const trunk = await vethPair(scope, { prefix: "nmt" });
      const hostA = await vethPair(scope, { prefix: "nma", nsB: nsA, addrB: "10.10.0.2/24" });
      // same subnet as VLAN 10, but on VLAN 20: it must stay unreachable from VLAN 10
      const hostB = await vethPair(scope, { prefix: "nmb", nsB: nsB, addrB: "10.10.0.3/24" });
      const sub10 = await subinterface(trunk.b, 10, nsT, "10.10.0.1/24");
      await subinterface(trunk.b, 20, nsT, "10.20.0.1/24");

      const ports = [
        confPort(scope, trunk.a),
        confPort(scope, hostA.a),
        confPort(scope, hostB.a),
      ];
      const conf: VlanConf = scope.use("vlan conf ilab", vlan.createConf("ilab"));
      conf.attachTrunk(ports[0]);
      conf.attachAccess(ports[1], 10);
      conf.attachAccess(ports[2], 20);

      const uvale = backendName() === "uvale";
      const ours = uvale
        ? new TrunkCapture(scope.use("capture", openPort(`netmap:${trunk.b}`)))
        : null;
      if (ours) scope.defer("stop the capture", () => ours.stop()); // before its port closes
      const useTshark = await hasCommand("tshark");
      let tshark: Capture | null = null;
      const pcap = await Deno.makeTempFile({ prefix: "nms-vlan-", suffix: ".pcap" });
      scope.defer(`rm ${pcap}`, () => Deno.remove(pcap).catch(() => {}));
      if (useTshark) tshark = await tsharkCapture(trunk.b, pcap, 6); // once it captures

      const within = await ping(nsT, sub10, "10.10.0.2", 3, 2);
      assert.equal(within.code, 0, `ping within VLAN 10 failed:\n${within.stdout}${within.stderr}`);
      const across = await ping(nsT, sub10, "10.10.0.3", 2, 1);
      assert.notEqual(across.code, 0, "a host of VLAN 20 answered on VLAN 10");

      if (ours) {
        await ours.stop();
        // at least the 3 echo replies; every ICMP frame on the trunk carries tag 10
        assert.ok(ours.seen.length >= 3, `our capture saw ${ours.seen.length} ICMP frames`);
        assert.deepEqual([...new Set(ours.seen)], [10], "every ICMP frame is tagged 10");
      }
      if (tshark) {
        await tshark.done;
        const seen = await run("tshark", [
          "-r",
          pcap,
          "-Y",
          "icmp",
          "-T",
          "fields",
          "-e",
          "vlan.id",
        ]);
        const vids = seen.stdout.split("\n").map((l) => l.trim()).filter((l) => l !== "");
        assert.ok(vids.length >= 6, `tshark saw ${vids.length} ICMP frames on the trunk`);
        assert.deepEqual(
          [...new Set(vids)],
          ["10"],
          "every ICMP frame on the trunk is tagged 10",
        );
      }
    },
  },
);
