// Interop with Linux 802.1Q: a Linux trunk with VLAN subinterfaces on one side of the VLAN
// switch, Linux hosts on its access ports. Ping works within a VLAN and fails across VLANs,
// and tshark on the trunk shows the expected tags. Needs root, 802.1Q in the kernel, tshark
// and a backend that attaches Linux interfaces (kernel netmap with vale_vlan.ko in the QEMU
// guest of `make vm-test`); skipped otherwise, with the reason.
import assert from "node:assert/strict";
import {
  backendName,
  hasCommand,
  linuxHas8021q,
  NetmapError,
  netns,
  run,
  TestScope,
  vethPair,
  vlan,
  VlanControl,
  vlanSubinterface,
} from "../mod.ts";

async function missing(): Promise<string> {
  if (!(await linuxHas8021q())) {
    return "cannot create 802.1Q subinterfaces here (root and CONFIG_VLAN_8021Q needed)";
  }
  if (!(await hasCommand("tshark"))) return "tshark is not installed";
  // uvale would need its own daemon (this process's environment is shared with other
  // test files), and Linux interfaces join uvale switches through AF_PACKET
  if (backendName() !== "kernel") return `backend ${backendName()}: runs on kernel netmap only`;
  try {
    VlanControl.open().close();
  } catch (e) {
    return `no VLAN switch on this backend (${e instanceof Error ? e.message : e})`;
  }
  return "";
}

const why = await missing();
if (why) console.log(`skip vlan_interop_test: ${why}`);

Deno.test({
  name: "Linux interop: ping within a VLAN, not across; tshark sees the tags on the trunk",
  ignore: why !== "",
  async fn(): Promise<void> {
    await using scope = new TestScope("vlan interop");
    const nsT = await netns(scope, "nmit");
    const nsA = await netns(scope, "nmia");
    const nsB = await netns(scope, "nmib");
    // the `a` ends stay here and join the switch; the `b` ends are the Linux hosts
    const trunk = await vethPair(scope, { prefix: "nmt", nsB: nsT });
    const hostA = await vethPair(scope, { prefix: "nma", nsB: nsA, addrB: "10.10.0.2/24" });
    // same subnet as VLAN 10, but on VLAN 20: it must stay unreachable from VLAN 10
    const hostB = await vethPair(scope, { prefix: "nmb", nsB: nsB, addrB: "10.10.0.3/24" });
    const sub10 = await vlanSubinterface(scope, trunk.b, 10, { netns: nsT, addr: "10.10.0.1/24" });
    await vlanSubinterface(scope, trunk.b, 20, { netns: nsT, addr: "10.20.0.1/24" });

    const conf = scope.use("vlan conf ilab", vlan.createConf("ilab"));
    try {
      conf.attachTrunk(trunk.a);
    } catch (e) {
      if (e instanceof NetmapError && ["EOPNOTSUPP", "EINVAL", "ENXIO"].includes(e.code)) {
        console.log(`skip: this backend cannot attach Linux interface ${trunk.a}: ${e.message}`);
        return;
      }
      throw e;
    }
    conf.attachAccess(hostA.a, 10);
    conf.attachAccess(hostB.a, 20);

    const pcap = await Deno.makeTempFile({ prefix: "nms-vlan-", suffix: ".pcap" });
    scope.defer(`rm ${pcap}`, () => Deno.remove(pcap).catch(() => {}));
    const tshark = new Deno.Command("ip", {
      args: [
        "netns",
        "exec",
        nsT.name,
        "tshark",
        "-q",
        "-i",
        trunk.b,
        "-a",
        "duration:5",
        "-w",
        pcap,
      ],
      stdout: "null",
      stderr: "null",
      signal: AbortSignal.timeout(15_000),
    }).spawn();
    await new Promise((r) => setTimeout(r, 1000)); // tshark needs a moment to start

    const within = await run("ping", ["-c", "3", "-W", "1", "-I", sub10, "10.10.0.2"], {
      netns: nsT.name,
      check: false,
    });
    assert.equal(within.code, 0, `ping within VLAN 10 failed:\n${within.stdout}${within.stderr}`);
    const across = await run("ping", ["-c", "2", "-W", "1", "-I", sub10, "10.10.0.3"], {
      netns: nsT.name,
      check: false,
    });
    assert.notEqual(across.code, 0, "a host of VLAN 20 answered on VLAN 10");

    await tshark.status;
    const seen = await run("tshark", ["-r", pcap, "-Y", "icmp", "-T", "fields", "-e", "vlan.id"]);
    const vids = seen.stdout.split("\n").map((l) => l.trim()).filter((l) => l !== "");
    assert.ok(vids.length >= 6, `tshark saw ${vids.length} ICMP frames on the trunk`);
    assert.deepEqual([...new Set(vids)], ["10"], "every ICMP frame on the trunk is tagged 10");
  },
});
