// pkt-gen's command line (every option, bad values -> 255) and its report lines.
import { assertEquals, assertIncludes, assertThrows } from "./cli_assert.ts";
import type { CliOutcome } from "../src/cli/outcome.ts";
import { OptionValueError } from "../src/cli/numbers.ts";
import {
  classifyInterface,
  parseEtherMac,
  parseIpRange,
  parsePktGenArgs,
  PKT_GEN_OPT,
  type PktGenPlan,
} from "../src/cli/pkt_gen_args.ts";
import {
  debugPrefix,
  formatRateLine,
  formatSummary,
  norm,
  rateJson,
} from "../src/cli/pkt_gen_report.ts";

const parse = (...argv: string[]): CliOutcome<PktGenPlan> =>
  parsePktGenArgs(argv, { systemCpus: 4, posixlyCorrect: false });

function plan(...argv: string[]): PktGenPlan {
  const o = parse(...argv);
  if (o.kind !== "run") throw new Error(`expected a plan, got exit ${o.code}: ${o.stderr}`);
  return o.plan;
}

function fails(argv: string[], includes: string): void {
  const o = parse(...argv);
  assertEquals(o.kind, "exit", argv.join(" "));
  if (o.kind !== "exit") return;
  assertEquals(o.code, 255, argv.join(" "));
  assertIncludes(o.stderr.split("\n")[0], includes);
}

Deno.test("pkt-gen: defaults", () => {
  const p = plan("-i", "vale0:a");
  assertEquals([p.mode, p.devType, p.ifname, p.count, p.pktSize, p.burst], [
    "rx",
    "netmap",
    "vale0:a",
    0n,
    60,
    512,
  ]);
  assertEquals([p.src.start, p.src.port0, p.dst.start, p.dstMac], [
    "10.0.0.1",
    1234,
    "10.1.0.1",
    "ff:ff:ff:ff:ff:ff",
  ]);
  assertEquals([p.reportMs, p.waitLinkSecs, p.threads, p.cpus, p.affinity], [1000, 0, 1, 1, -1]);
  assertEquals([p.normalize, p.json, p.options, p.frags], [true, false, 0, 1]);
  assertEquals(plan("-i", "eth0").waitLinkSecs, 2);
  assertEquals(plan("-i", "vale0:a", "-w", "3").waitLinkSecs, 3);
});

Deno.test("pkt-gen: every option lands in the plan", () => {
  const p = plan(
    "-i",
    "vale0:a",
    "-f",
    "txseq",
    "-n",
    "1000",
    "-l",
    "128",
    "-l",
    "64",
    "-b",
    "32",
    "-R",
    "1000",
    "-F",
    "2",
    "-M",
    "64",
    "-s",
    "10.0.0.2:5000",
    "-d",
    "10.0.0.9-10.0.0.3",
    "-S",
    "0:1:2:3:4:5",
    "-D",
    "aa:bb:cc:dd:ee:ff",
    "-p",
    "2",
    "-c",
    "0",
    "-a",
    "1",
    "-T",
    "500",
    "-W",
    "-N",
    "-A",
    "-B",
    "-X",
    "-P",
    "/tmp/x.pcap",
    "-r",
    "-I",
    "-H",
    "10",
    "-C",
    "1024,1024,2",
    "-o",
    "1",
    "-z",
    "-Z",
    "-v",
    "--json",
  );
  assertEquals([p.mode, p.count, p.pktSize, p.pktMinSize, p.burst, p.rate], [
    "txseq",
    1000n,
    128,
    64,
    32,
    1000,
  ]);
  assertEquals([p.frags, p.fragSize, p.threads, p.cpus, p.affinity, p.reportMs], [
    2,
    64,
    2,
    4,
    1,
    500,
  ]);
  assertEquals([p.src.start, p.src.port0, p.dst.start, p.dst.end], [
    "10.0.0.2",
    5000,
    "10.0.0.3",
    "10.0.0.9",
  ]);
  assertEquals([p.srcMac, p.dstMac], ["00:01:02:03:04:05", "aa:bb:cc:dd:ee:ff"]);
  assertEquals([p.exitWhenIdle, p.normalize, p.framingBits, p.pcapFile, p.virtHeader], [
    true,
    false,
    192,
    "/tmp/x.pcap",
    10,
  ]);
  assertEquals([p.ringConfig, p.verbose, p.json], ["1024,1024,2", 1, true]);
  const o = PKT_GEN_OPT;
  const want = 1 | o.PPS_STATS | o.DUMP | o.RUBBISH | o.INDIRECT | o.RANDOM_SRC | o.RANDOM_DST |
    o.COPY;
  assertEquals(p.options, want);
  assertEquals(plan("-i", "x", "-6", "-s", "[fe80::1]:99", "-d", "::2").af, 6);
  assertEquals(plan("-i", "x", "-f", "ping").burst, 1);
});

Deno.test("pkt-gen: -i prefixes", () => {
  assertEquals(classifyInterface("eth0"), { devType: "netmap", ifname: "netmap:eth0" });
  assertEquals(classifyInterface("netmap:eth0"), { devType: "netmap", ifname: "netmap:eth0" });
  assertEquals(classifyInterface("vale1:x"), { devType: "netmap", ifname: "vale1:x" });
  assertEquals(classifyInterface("tap:t0"), { devType: "tap", ifname: "t0" });
  assertEquals(classifyInterface("tap0"), { devType: "tap", ifname: "tap0" });
  assertEquals(classifyInterface("pcap:eth1"), { devType: "pcap", ifname: "eth1" });
  assertEquals(classifyInterface("null"), { devType: "null", ifname: "null" });
});

Deno.test("pkt-gen: -h prints the usage on stderr and exits 0; --help on stdout", () => {
  const h = parse("-h");
  assertEquals(h.kind === "exit" && [h.code, h.stdout], [0, ""]);
  if (h.kind === "exit") assertIncludes(h.stderr, "usage: pkt-gen");
  const l = parse("--help");
  if (l.kind === "exit") assertIncludes(l.stdout, "Differences");
});

Deno.test("pkt-gen: every bad argument exits 255 with a message", () => {
  fails(["-i", "a", "-q"], "invalid option -- 'q'");
  fails(["-i"], "option requires an argument -- 'i'");
  fails([], "missing interface");
  fails(["-f", "tx"], "missing interface");
  fails(["-i", "a", "extra"], "unexpected argument");
  fails(["-i", "a", "--jsn"], "unrecognized option");
  fails(["-i", "a", "-f", "blast"], "unknown function 'blast'");
  fails(["-i", "a", "-n", "-1"], "-n");
  fails(["-i", "a", "-n", "1k"], "-n");
  fails(["-i", "a", "-l", "15"], "bad packet size 15");
  fails(["-i", "a", "-l", "65537"], "bad packet size");
  fails(["-i", "a", "-l", "x"], "-l");
  fails(["-i", "a", "-l", "100", "-l", "200"], "smallest packet size");
  fails(["-i", "a", "-l", "100", "-l", "8"], "smallest packet size");
  fails(["-i", "a", "-b", "-1"], "-b");
  fails(["-i", "a", "-R", "x"], "-R");
  fails(["-i", "a", "-F", "0"], "-F");
  fails(["-i", "a", "-F", "64"], "-F");
  fails(["-i", "a", "-M", "0"], "-M");
  fails(["-i", "a", "-p", "0"], "-p");
  fails(["-i", "a", "-c", "5"], "5 CPUs is too many");
  fails(["-i", "a", "-c", "-1"], "-c");
  fails(["-i", "a", "-a", "x"], "-a");
  fails(["-i", "a", "-T", "0"], "-T");
  fails(["-i", "a", "-w", "-1"], "-w");
  fails(["-i", "a", "-o", "x"], "-o");
  fails(["-i", "a", "-H", "11"], "virtio-net header");
  fails(["-i", "a", "-C", "x"], "-C");
  fails(["-i", "a", "-C", "1,2,3,4,5"], "-C");
  fails(["-i", "a", "-P", ""], "-P");
  fails(["-i", "a", "-D", "1:2:3:4:5"], "-D: invalid MAC");
  fails(["-i", "a", "-S", "123:2:3:4:5:6"], "-S: invalid MAC");
  fails(["-i", "a", "-s", "10.0.0.256"], "-s: invalid IPv4");
  fails(["-i", "a", "-d", "10.0.0.1:70000"], "-d");
  fails(["-i", "a", "-6", "-d", "fe80::1::2"], "invalid IPv6");
  fails(["-i", ""], "empty interface");
  fails(["-i", "x".repeat(505)], "too long");
});

Deno.test("pkt-gen: address ranges and MACs", () => {
  assertEquals(parseIpRange("-s", "10.0.0.1", 4), {
    text: "10.0.0.1",
    start: "10.0.0.1",
    end: "10.0.0.1",
    port0: 1234,
    port1: 1234,
  });
  const r = parseIpRange("-d", "10.0.0.1:2000-10.0.0.5:1000", 4);
  assertEquals([r.start, r.end, r.port0, r.port1], ["10.0.0.1", "10.0.0.5", 1000, 2000]);
  assertEquals(parseEtherMac("-D", "A:b:0C:d:e:f"), "0a:0b:0c:0d:0e:0f");
  assertThrows(() => parseEtherMac("-D", "0x1:2:3:4:5:6"), OptionValueError, "-D");
});

Deno.test("pkt-gen: unit scaling and report lines", () => {
  assertEquals(norm(14880000, true), "14.880 M");
  assertEquals(norm(999, true), "999.000 ");
  assertEquals(norm(14880000, false), "14880000 ");
  assertEquals(norm(2e15, true), "2000.000 T");
  assertEquals(debugPrefix(1234567.891), "234.567891 main_thread [2781] ");
  const line = formatRateLine({
    pkts: 1_000_000,
    bytes: 60_000_000,
    events: 4000,
    usec: 1_000_000,
    minSpace: 12,
    framingBits: 0,
    nowMs: 1000,
  }, true);
  assertEquals(
    line,
    "001.000000 main_thread [2781] 1.000 Mpps (1.000 Mpkts 480.000 Mbps in 1000000 usec) " +
      "250.00 avg_batch 12 min_space",
  );
  const stats = formatRateLine({
    pkts: 10,
    bytes: 600,
    events: 0,
    usec: 1_000_000,
    minSpace: 0,
    framingBits: 192,
    nowMs: 0,
    stats: { avg: 10, std: 0 },
  }, false);
  assertIncludes(stats, "10 pps [avg/std 10 /0  pps](10 pkts 6720 bps in 1000000 usec) 0.00");
  assertEquals(
    JSON.parse(rateJson({
      pkts: 5,
      bytes: 300,
      events: 1,
      usec: 500_000,
      minSpace: 0,
      framingBits: 0,
      nowMs: 0,
    })).pps,
    10,
  );
});

Deno.test("pkt-gen: final summary lines", () => {
  assertEquals(
    formatSummary(
      { verb: "Received", pkts: 0, bytes: 0, events: 0, seconds: 1, framingBits: 0 },
      true,
    ),
    "Received nothing.\n",
  );
  assertEquals(
    formatSummary({
      verb: "Sent",
      pkts: 1000,
      bytes: 60000,
      events: 10,
      seconds: 2,
      framingBits: 0,
    }, true),
    "Sent 1000 packets 60000 bytes 10 events 60 bytes each in 2.00 seconds.\n" +
      "Speed: 500.000 pps Bandwidth: 240.000 Kbps (raw 240.000 Kbps). Average batch: 100.00 pkts\n",
  );
});

Deno.test("pkt-gen: --vlan VID (nmscript extension) in every spelling, and its bad values", () => {
  assertEquals(plan("-i", "vale0:a", "-f", "tx", "--vlan", "10").vlan, 10);
  assertEquals(plan("-i", "vale0:a", "-f", "tx", "--vlan=4095").vlan, 4095);
  assertEquals(plan("-i", "vale0:a", "--vlan", "0", "-f", "tx").vlan, 0);
  // As -i's value, "--vlan" is an interface name, not the option.
  const p = plan("-i", "--vlan", "-f", "tx");
  assertEquals([p.ifname.endsWith("--vlan"), p.vlan], [true, undefined]);
  fails(["-i", "vale0:a", "--vlan"], "--vlan needs a VLAN id");
  fails(["-i", "vale0:a", "--vlan", "4096"], "--vlan");
  fails(["-i", "vale0:a", "--vlan=ten"], "--vlan");
});

Deno.test("pkt-gen: --spin USEC (nmscript extension): default, every spelling, bad values", () => {
  assertEquals(plan("-i", "vale0:a").spinUs, 200);
  assertEquals(plan("-i", "vale0:a", "--spin", "0").spinUs, 0);
  assertEquals(
    plan("-i", "vale0:a", "-f", "tx", "--spin=1000000", "--vlan", "3").spinUs,
    1_000_000,
  );
  assertEquals(plan("-i", "vale0:a", "--spin", "5", "--spin", "7").spinUs, 7, "the last one wins");
  fails(["-i", "vale0:a", "--spin"], "--spin needs a time in microseconds (0..1000000)");
  fails(["-i", "vale0:a", "--spin", "-1"], "--spin");
  fails(["-i", "vale0:a", "--spin", "1000001"], "--spin");
  fails(["-i", "vale0:a", "--spin=fast"], "--spin");
});
