/**
 * Command line of `pkt-gen` (scripts/pkt-gen.ts), as netmap's apps/pkt-gen
 * reads it (getopt string `46a:f:F:Nn:i:Il:d:s:D:S:b:c:o:p:T:w:WvR:XC:H:rP:zZAhBM:`),
 * plus `--json` (one JSON object per report instead of the text lines),
 * `--vlan VID` (802.1Q-tagged frames) and `--help`. Exit codes are the C tool's: `-h` prints the usage on stderr and
 * exits 0; every bad argument exits 255 (its `exit(-1)`).
 *
 * @module
 */

import { getopt, type LongOptionSplit, splitLongOptions } from "./getopt.ts";
import { type CliOutcome, exitWith, lines, runWith } from "./outcome.ts";
import { OptionValueError, parseInteger, parseU64 } from "./numbers.ts";

/** The tool's name in messages. */
export const PKT_GEN = "pkt-gen";
/** pkt-gen's getopt string. */
export const PKT_GEN_OPTSTRING = "46a:f:F:Nn:i:Il:d:s:D:S:b:c:o:p:T:w:WvR:XC:H:rP:zZAhBM:";
/** pkt-gen's exit status for every bad argument (`exit(-1)`). */
export const PKT_GEN_USAGE_EXIT = 255;
/** Largest packet (MAX_PKTSIZE). */
export const MAX_PKTSIZE = 65536;
/** Longest interface argument (MAX_IFNAMELEN - 8). */
export const MAX_IFNAME = 504;

/** pkt-gen's functions (-f) with their role and default burst. */
export const PKT_GEN_MODES = {
  rx: { role: "receiver", burst: 512 },
  tx: { role: "sender", burst: 512 },
  ping: { role: "other", burst: 1 },
  pong: { role: "other", burst: 1 },
  txseq: { role: "sender", burst: 512 },
  rxseq: { role: "receiver", burst: 512 },
} as const;

/** A function name of -f. */
export type PktGenMode = keyof typeof PKT_GEN_MODES;

/** `-o` bits (OPT_*). */
export const PKT_GEN_OPT = {
  PREFETCH: 1,
  ACCESS: 2,
  COPY: 4,
  MEMCPY: 8,
  TS: 16,
  INDIRECT: 32,
  DUMP: 64,
  RUBBISH: 256,
  RANDOM_SRC: 512,
  RANDOM_DST: 1024,
  PPS_STATS: 2048,
  UPDATE_CSUM: 4096,
} as const;

/** An address range of -s/-d: `ip[:port][-ip[:port]]`. */
export interface IpRange {
  /** The text as given. */
  text: string;
  /** First address (IPv4 dotted quad or IPv6 text). */
  start: string;
  /** Last address. */
  end: string;
  /** First UDP port (default 1234). */
  port0: number;
  /** Last UDP port. */
  port1: number;
}

/** The typed plan of one pkt-gen run. */
export interface PktGenPlan {
  /** -f (default rx). */
  mode: PktGenMode;
  /** Where packets go: a netmap port, a tap, pcap, or the null sender. */
  devType: "netmap" | "tap" | "pcap" | "null";
  /** The port name as opened (`netmap:` prepended to a bare interface name). */
  ifname: string;
  /** -n: packets or transactions, 0n = forever. */
  count: bigint;
  /** -l (first): packet size without CRC, 16..65536 (default 60). */
  pktSize: number;
  /** -l (second): smallest random size (0: fixed size). */
  pktMinSize: number;
  /** -b, or the mode's default burst. */
  burst: number;
  /** -R: packets per second, 0 = unlimited. */
  rate: number;
  /** -F: fragments per packet, 1..63. */
  frags: number;
  /** -M: fragment size (0xffffffff: the buffer size). */
  fragSize: number;
  /** -4 / -6. */
  af: 4 | 6;
  /** -s (default 10.0.0.1). */
  src: IpRange;
  /** -d (default 10.1.0.1). */
  dst: IpRange;
  /** -S (undefined: the interface's MAC, or zeros). */
  srcMac?: string;
  /** -D (default ff:ff:ff:ff:ff:ff). */
  dstMac: string;
  /** -p: threads (>= 1). */
  threads: number;
  /** -c: CPUs (0 = all). */
  cpus: number;
  /** -a: CPU of the first thread (-1: none). */
  affinity: number;
  /** -T: report interval in ms. */
  reportMs: number;
  /** -w: seconds to wait for the link (default 2; 0 for vale ports unless given). */
  waitLinkSecs: number;
  /** -W: rx exits after 1 s of silence, once the first frames came. */
  exitWhenIdle: boolean;
  /** -N clears it: print 14.880 Mpps rather than 14880000 pps. */
  normalize: boolean;
  /** -B: 24 bytes of framing + CRC per packet (in bits: 192) added to the raw rate. */
  framingBits: number;
  /** -o and the flags that set OPT_* bits (-I -X -r -z -Z -A, ranges). */
  options: number;
  /** -P: pcap file to send. */
  pcapFile?: string;
  /** -H: virtio-net header length (0, 10, 12). */
  virtHeader: number;
  /** -C: ring/slot configuration (deprecated in the C tool). */
  ringConfig?: string;
  /** -v count. */
  verbose: number;
  /** --json: machine-readable reports. */
  json: boolean;
  /** --vlan: VID of the 802.1Q tag inserted after the MACs of every sent frame (0..4095). */
  vlan?: number;
  /** --spin: µs the tx/rx loops re-sync before sleeping in poll while traffic flows (0: poll at once). */
  spinUs: number;
}

/** `--spin`'s default: how long the tx/rx loops re-sync before they sleep in poll, in µs. */
export const DEFAULT_SPIN_US = 200;
/** The largest `--spin` (1 s). */
export const MAX_SPIN_US = 1_000_000;

/** pkt-gen's usage (our wording), printed on stderr as the C tool does. */
export const PKT_GEN_USAGE = `usage: pkt-gen -i PORT [options]
  -i PORT      netmap port (netmap:eth0, valeX:p, pipes...; a bare name gets netmap:),
               tap:NAME (a Linux TAP interface, made if missing), pcap:NAME (a live
               capture through libpcap), or null (a dummy sender)
  -f FUNC      rx (default), tx, ping, pong, txseq, rxseq
  -n COUNT     packets (tx/rx) or round trips (ping/pong); 0 = forever
  -l SIZE      packet size without CRC, 16..65536 (default 60); given twice: random
               sizes from the second value up to the first
  -b BURST     packets per batch (default 512; 1 for ping/pong)
  -R RATE      packets per second (default: as fast as possible)
  -F NFRAGS    slots per packet, 1..63 (NS_MOREFRAG chains)
  -M SIZE      fragment size
  -4 | -6      IPv4 (default) or IPv6
  -s IP[:PORT[-IP[:PORT]]]  source address or range (default 10.0.0.1:1234)
  -d IP[:PORT[-IP[:PORT]]]  destination address or range (default 10.1.0.1:1234)
  -S MAC       source MAC (default: the interface's)
  -D MAC       destination MAC (default ff:ff:ff:ff:ff:ff)
  -z | -Z      random source | destination address and port (every packet)
  -p THREADS   threads, one ring each (default 1): one Deno Worker per thread, thread i
               binds ring i (NAME-i) and handles -n/THREADS packets; tx/rx only
  -c CPUS      CPUs to use (0 = all; default 1; shown in the header line)
  -a CPU       pin the first thread to CPU: accepted, no effect (Deno cannot pin threads)
  -T MS        report interval (default 1000)
  -w SECS      wait for the link before starting (default 2; 0 on VALE ports)
  -W           rx: exit after 1 s of silence (once the first frames came)
  -N           do not scale units (pps, not Kpps)
  -A           add mean and standard deviation of the rate to each report
  -B           count 24 bytes of Ethernet framing and CRC per packet
  -X           dump every packet
  -P FILE      send the packets of a pcap file
  -r           send the buffers without writing them
  -I           indirect buffers: accepted, not implemented (a warning; frames are copied)
  -H LEN       virtio-net header length: 0, 10 or 12, set on the port; frames carry it
  -C TX_SLOTS[,RX_SLOTS[,TX_RINGS[,RX_RINGS]]]  rings/slots of ports made on the fly
  -o BITS      generation options: 4 copy and 8 memcpy (write every slot), 32 indirect
               (as -I), 64 dump (-X), 256 rubbish (-r), 512 random src (-z), 1024 random
               dst (-Z), 2048 rate statistics (-A); no effect: 1 prefetch, 2 access,
               16 timestamp, 4096 update checksums
  -v           more messages
  -h           this help (exit 0)
  --json       one JSON object per report instead of the text lines
  --vlan VID   send 802.1Q-tagged frames (TPID 0x8100, PCP 0, VID 0..4095): the tag goes
               after the MACs, so frames are -l bytes plus 4; written into every slot
  --spin USEC  tx/rx: while frames flow, re-sync the rings for up to USEC microseconds
               before sleeping in poll (default ${DEFAULT_SPIN_US}; 0 sleeps at once, as the C tool)
  --help       this help with the differences from the C tool
Exit status: 0 success, 255 bad argument or open failure, 1 other failures.
`;

/** What --help adds. */
export const PKT_GEN_DIFFERENCES = `
Differences from netmap's pkt-gen (same options, report lines and exit codes):
  - every bad value exits 255 with a message, also where the C tool goes on:
    an unknown -f function (it falls back to rx), -F outside 1..63 (ignored), an -i
    name longer than 504 characters (ignored), numbers atoi(3) misreads ("-n 1k");
  - --json prints one JSON object per report line;
  - tx/rx on a netmap port wait for a ring by re-syncing it for up to ${DEFAULT_SPIN_US} µs (--spin)
    before they sleep in poll, while frames flow, yielding the CPU between syncs and
    stopping as soon as other threads want it; the C tool sleeps at once (netmap's
    pkt-gen built with BUSYWAIT never sleeps). An idle port costs one spin, then polls;
  - --vlan VID (an nmscript extension) tags the frames it sends; on kernel netmap it writes
    them into every slot, since the VLAN module removes the tag in the sender's buffer
    (uvale edits the tag while copying and leaves the sender's buffer alone);
  - -p N runs N Deno Workers (not pthreads), each with its own binding of ring i; the
    per-interval lines and the summary add up all threads, as the C tool's do. -p N is
    refused (255) when the port has fewer rings, with ping/pong and on a tap;
  - ranges and -z/-Z rewrite every packet (the C tool's -z/-Z alone only reach buffers
    that are new to it); IPv6 ranges walk the last 16-bit group, as the C tool's default;
  - tap: and pcap: run tx and rx only, one thread; a write the kernel refuses (interface
    down: EIO) ends the run with a message and exit 1 (the C tool retries forever);
  - -H sets the port's header length (the C tool's request sends 0); without -H the
    port's own length is used, as the C tool does.
`;

function bad(message: string, withUsage = false): CliOutcome<PktGenPlan> {
  return exitWith(PKT_GEN_USAGE_EXIT, {
    stderr: lines(`${PKT_GEN}: ${message}`, withUsage ? PKT_GEN_USAGE : ""),
  });
}

function parseIpv4(option: string, text: string, whole: string): string {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^[0-9]{1,3}$/.test(p) || Number(p) > 255)) {
    throw new OptionValueError(
      `${option}: invalid IPv4 address '${text}' in '${whole}' (expected a.b.c.d[:port])`,
    );
  }
  return parts.map(Number).join(".");
}

function parseIpv6(option: string, text: string, whole: string): string {
  const addr = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  if (
    !/^[0-9a-fA-F:.]+$/.test(addr) || !addr.includes(":") || (addr.match(/::/g) ?? []).length > 1
  ) {
    throw new OptionValueError(
      `${option}: invalid IPv6 address '${text}' in '${whole}' (expected [addr]:port)`,
    );
  }
  return addr.toLowerCase();
}

/**
 * Parses an address range of -s/-d: `ip[:port][-ip[:port]]` (IPv6: `[addr][:port]`).
 *
 * @example
 * ```ts
 * import { parseIpRange } from "./pkt_gen_args.ts";
 * console.log(parseIpRange("-s", "10.0.0.1:5000-10.0.0.9", 4));
 * // { text: "10.0.0.1:5000-10.0.0.9", start: "10.0.0.1", end: "10.0.0.9", port0: 1234, port1: 5000 }
 * ```
 */
export function parseIpRange(option: string, text: string, af: 4 | 6): IpRange {
  const dash = text.indexOf("-");
  const first = dash < 0 ? text : text.slice(0, dash);
  const second = dash < 0 ? undefined : text.slice(dash + 1);
  const one = (part: string, defPort: number): { addr: string; port: number } => {
    let addr = part;
    let port = defPort;
    const m = af === 4 ? /^([^:]*):(.*)$/.exec(part) : /^(\[[^\]]*\]):(.*)$/.exec(part);
    if (m !== null) {
      addr = m[1];
      port = parseInteger(option, m[2], { min: 0, max: 65535, what: "a UDP port" });
    }
    return {
      addr: af === 4 ? parseIpv4(option, addr, text) : parseIpv6(option, addr, text),
      port,
    };
  };
  const a = one(first, 1234);
  const b = second === undefined ? a : one(second, a.port);
  let [start, end] = [a.addr, b.addr];
  if (af === 4 && ipv4Number(start) > ipv4Number(end)) [start, end] = [end, start];
  return {
    text,
    start,
    end,
    port0: Math.min(a.port, b.port),
    port1: Math.max(a.port, b.port),
  };
}

function ipv4Number(a: string): number {
  return a.split(".").reduce((acc, p) => acc * 256 + Number(p), 0);
}

/**
 * Checks a MAC the way ether_aton(3) reads it: six 1- or 2-digit hex fields separated by ':'.
 *
 * @example
 * ```ts
 * import { parseEtherMac } from "./pkt_gen_args.ts";
 * console.log(parseEtherMac("-D", "0:1b:21:a:b:c")); // "00:1b:21:0a:0b:0c"
 * ```
 */
export function parseEtherMac(option: string, text: string): string {
  const fields = text.split(":");
  if (fields.length !== 6 || fields.some((f) => !/^[0-9a-fA-F]{1,2}$/.test(f))) {
    throw new OptionValueError(
      `${option}: invalid MAC address '${text}' (expected six hex bytes separated by ':', ` +
        `e.g. aa:bb:cc:dd:ee:00)`,
    );
  }
  return fields.map((f) => f.toLowerCase().padStart(2, "0")).join(":");
}

/** Options of {@linkcode parsePktGenArgs}. */
export interface PktGenParseOptions {
  /** Number of CPUs of this system (default navigator.hardwareConcurrency). */
  systemCpus?: number;
  /** As if POSIXLY_CORRECT were set. */
  posixlyCorrect?: boolean;
}

/**
 * Parses pkt-gen's command line (without argv[0]).
 *
 * @example
 * ```ts
 * import { parsePktGenArgs } from "./pkt_gen_args.ts";
 * const o = parsePktGenArgs(["-i", "vale0:a", "-f", "tx", "-n", "1000"]);
 * if (o.kind === "run") console.log(o.plan.mode, o.plan.count); // tx 1000n
 * ```
 */
export function parsePktGenArgs(
  argv: readonly string[],
  options: PktGenParseOptions = {},
): CliOutcome<PktGenPlan> {
  const long = splitLongOptions(
    argv,
    PKT_GEN_OPTSTRING,
    ["help", "json"],
    NUMBER_OPTIONS.map((o) => o.name),
  );
  let numbers: Record<string, number>;
  try {
    numbers = numberOptions(long);
  } catch (e) {
    if (e instanceof OptionValueError) return bad(e.message);
    throw e;
  }
  if (long.unknown !== undefined) {
    return bad(`unrecognized option '${long.unknown}'`, true);
  }
  if (long.found.includes("help")) {
    return exitWith(0, { stdout: PKT_GEN_USAGE + PKT_GEN_DIFFERENCES });
  }
  const { items, operands } = getopt(long.rest, PKT_GEN_OPTSTRING, {
    programName: PKT_GEN,
    posixlyCorrect: options.posixlyCorrect,
  });
  const systemCpus = options.systemCpus ?? navigator.hardwareConcurrency ?? 1;
  let mode: PktGenMode = "rx";
  let ifArg: string | undefined;
  let pktSizeDone = false;
  let waitGiven = false;
  let srcText = "10.0.0.1";
  let dstText = "10.1.0.1";
  const plan: Omit<PktGenPlan, "src" | "dst"> = {
    mode,
    devType: "netmap",
    ifname: "",
    count: 0n,
    pktSize: 60,
    pktMinSize: 0,
    burst: 0,
    rate: 0,
    frags: 1,
    fragSize: 0xffffffff,
    af: 4,
    dstMac: "ff:ff:ff:ff:ff:ff",
    threads: 1,
    cpus: 1,
    affinity: -1,
    reportMs: 1000,
    waitLinkSecs: 2,
    exitWhenIdle: false,
    normalize: true,
    framingBits: 0,
    options: 0,
    virtHeader: 0,
    verbose: 0,
    json: long.found.includes("json"),
    spinUs: numbers.spin ?? DEFAULT_SPIN_US,
  };
  const int = (o: string, t: string, min: number, what: string, max?: number): number =>
    parseInteger(o, t, { min, max, what });
  try {
    for (const item of items) {
      if (item.kind === "error") {
        return exitWith(PKT_GEN_USAGE_EXIT, { stderr: lines(item.message, PKT_GEN_USAGE) });
      }
      const arg = item.arg ?? "";
      const o = `-${item.name}`;
      switch (item.name) {
        case "h":
          return exitWith(0, { stderr: PKT_GEN_USAGE });
        case "4":
          plan.af = 4;
          break;
        case "6":
          plan.af = 6;
          break;
        case "N":
          plan.normalize = false;
          break;
        case "n":
          plan.count = parseU64(o, arg, "a packet count");
          break;
        case "F":
          plan.frags = int(o, arg, 1, "a number of fragments", 63);
          break;
        case "M":
          plan.fragSize = int(o, arg, 1, "a fragment size");
          break;
        case "f":
          if (!Object.hasOwn(PKT_GEN_MODES, arg)) {
            throw new OptionValueError(
              `-f: unknown function '${arg}' (expected ${Object.keys(PKT_GEN_MODES).join(", ")})`,
            );
          }
          mode = arg as PktGenMode;
          break;
        case "o":
          plan.options |= int(o, arg, 0, "a set of option bits", 0xffff);
          break;
        case "a":
          plan.affinity = int(o, arg, 0, "a CPU number");
          break;
        case "i":
          if (arg === "") throw new OptionValueError("-i: empty interface name");
          if (arg.length > MAX_IFNAME) {
            throw new OptionValueError(
              `-i: interface name too long (${arg.length} characters, at most ${MAX_IFNAME})`,
            );
          }
          ifArg = arg;
          break;
        case "I":
          plan.options |= PKT_GEN_OPT.INDIRECT;
          break;
        case "l":
          if (pktSizeDone) plan.pktMinSize = int(o, arg, 0, "a packet size");
          else {
            plan.pktSize = int(o, arg, 0, "a packet size");
            pktSizeDone = true;
          }
          break;
        case "d":
          dstText = arg;
          break;
        case "s":
          srcText = arg;
          break;
        case "T":
          plan.reportMs = int(o, arg, 1, "a report interval in ms");
          break;
        case "w":
          plan.waitLinkSecs = int(o, arg, 0, "a number of seconds");
          waitGiven = true;
          break;
        case "W":
          plan.exitWhenIdle = true;
          break;
        case "b":
          plan.burst = int(o, arg, 0, "a burst size");
          break;
        case "c":
          plan.cpus = int(o, arg, 0, "a number of CPUs");
          break;
        case "p":
          plan.threads = int(o, arg, 1, "a number of threads");
          break;
        case "D":
          plan.dstMac = parseEtherMac(o, arg);
          break;
        case "S":
          plan.srcMac = parseEtherMac(o, arg);
          break;
        case "v":
          plan.verbose++;
          break;
        case "R":
          plan.rate = int(o, arg, 0, "a rate in packets per second");
          break;
        case "X":
          plan.options |= PKT_GEN_OPT.DUMP;
          break;
        case "C":
          if (!/^[0-9]+(,[0-9]*){0,3}$/.test(arg)) {
            throw new OptionValueError(
              `-C: invalid configuration '${arg}' (expected tx_slots[,rx_slots[,tx_rings[,rx_rings]]])`,
            );
          }
          plan.ringConfig = arg;
          break;
        case "H":
          plan.virtHeader = int(o, arg, 0, "a virtio-net header length", 12);
          if (![0, 10, 12].includes(plan.virtHeader)) {
            throw new OptionValueError(
              `-H: bad virtio-net header length ${arg} (expected 0, 10 or 12)`,
            );
          }
          break;
        case "P":
          if (arg === "") throw new OptionValueError("-P: empty pcap file name");
          plan.pcapFile = arg;
          break;
        case "r":
          plan.options |= PKT_GEN_OPT.RUBBISH;
          break;
        case "z":
          plan.options |= PKT_GEN_OPT.RANDOM_SRC;
          break;
        case "Z":
          plan.options |= PKT_GEN_OPT.RANDOM_DST;
          break;
        case "A":
          plan.options |= PKT_GEN_OPT.PPS_STATS;
          break;
        case "B":
          plan.framingBits = 24 * 8;
          break;
      }
    }
    if (operands.length > 0) {
      return bad(`unexpected argument '${operands[0]}' (options only; see -h)`, true);
    }
    if (ifArg === undefined) return bad("missing interface: give -i PORT", true);
    plan.mode = mode;
    if (plan.burst === 0) plan.burst = PKT_GEN_MODES[mode].burst;
    if (plan.cpus > systemCpus) {
      throw new OptionValueError(
        `-c: ${plan.cpus} CPUs is too many: this system has ${systemCpus}`,
      );
    }
    if (plan.cpus === 0) plan.cpus = systemCpus;
    Object.assign(plan, classifyInterface(ifArg));
    if (!waitGiven && plan.ifname.startsWith("vale")) plan.waitLinkSecs = 0;
    if (plan.pktSize < 16 || plan.pktSize > MAX_PKTSIZE) {
      throw new OptionValueError(
        `-l: bad packet size ${plan.pktSize} (expected 16..${MAX_PKTSIZE})`,
      );
    }
    if (plan.pktMinSize > 0 && (plan.pktMinSize < 16 || plan.pktMinSize > plan.pktSize)) {
      throw new OptionValueError(
        `-l: bad smallest packet size ${plan.pktMinSize} (expected 16..${plan.pktSize})`,
      );
    }
    const src = parseIpRange("-s", srcText, plan.af);
    const dst = parseIpRange("-d", dstText, plan.af);
    if (numbers.vlan !== undefined) plan.vlan = numbers.vlan;
    if (src.start !== src.end || src.port0 !== src.port1) plan.options |= PKT_GEN_OPT.COPY;
    if (dst.start !== dst.end || dst.port0 !== dst.port1) plan.options |= PKT_GEN_OPT.COPY;
    return runWith({ ...plan, src, dst });
  } catch (e) {
    if (e instanceof OptionValueError) return bad(e.message);
    throw e;
  }
}

/** A long option with a number value: its name (without "--"), range and what the value is. */
interface NumberOption {
  name: string;
  min: number;
  max: number;
  what: string;
}

/** pkt-gen's long options that take a number (nmscript extensions). */
const NUMBER_OPTIONS: readonly NumberOption[] = [
  { name: "vlan", min: 0, max: 4095, what: "a VLAN id" },
  { name: "spin", min: 0, max: MAX_SPIN_US, what: "a time in microseconds" },
];

/** Checks the values of NUMBER_OPTIONS found by splitLongOptions; throws OptionValueError. */
function numberOptions(long: LongOptionSplit): Record<string, number> {
  const numbers: Record<string, number> = {};
  for (const o of NUMBER_OPTIONS) {
    const flag = `--${o.name}`;
    if (long.missing === flag) {
      throw new OptionValueError(`${flag} needs ${o.what} (${o.min}..${o.max})`);
    }
    const text = long.values?.[o.name];
    if (text !== undefined) {
      numbers[o.name] = parseInteger(flag, text, { min: o.min, max: o.max, what: o.what });
    }
  }
  return numbers;
}

/**
 * How pkt-gen reads -i: `null`, `tap:X`, `pcap:X`, `netmap:X` / `valeX`, `tapX`,
 * else `netmap:` is prepended.
 *
 * @example
 * ```ts
 * import { classifyInterface } from "./pkt_gen_args.ts";
 * console.log(classifyInterface("eth0")); // { devType: "netmap", ifname: "netmap:eth0" }
 * ```
 */
export function classifyInterface(
  arg: string,
): { devType: PktGenPlan["devType"]; ifname: string } {
  if (arg === "null") return { devType: "null", ifname: arg };
  if (arg.startsWith("tap:")) return { devType: "tap", ifname: arg.slice(4) };
  if (arg.startsWith("pcap:")) return { devType: "pcap", ifname: arg.slice(5) };
  if (arg.startsWith("netmap:") || arg.startsWith("vale")) {
    return { devType: "netmap", ifname: arg };
  }
  if (arg.startsWith("tap")) return { devType: "tap", ifname: arg };
  return { devType: "netmap", ifname: `netmap:${arg}` };
}
