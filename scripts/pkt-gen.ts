/**
 * pkt-gen: netmap's packet generator and receiver, same options, report
 * lines and exit codes (see `pkt-gen --help`), plus `--json` and `--vlan`.
 * Implemented here: -f tx, rx, txseq, rxseq on netmap ports, the null
 * sender, ping and pong; tx and rx on TAP interfaces (tap:NAME) and live
 * captures (pcap:NAME, the system's libpcap); -p N threads (one Deno
 * Worker per thread, each binding its own ring, src/cli/pkt_gen_threads.ts);
 * -n -l (fixed or random size) -b -R -F -M -s -d with address and port ranges
 * -z -Z (per-packet addresses, checksums updated, src/cli/pkt_gen_addr.ts)
 * -S -D -T -w -W -N -A -B -X -P -r -C -H -c, --json and --vlan VID.
 * Accepted with no effect (see --help): -a (no CPU affinity in Deno), -I and
 * -o 32 (indirect buffers: frames are copied; a warning says so), -o bits
 * 1 2 16 4096.
 *
 * Speed: the per-slot loops (src/cli/pkt_gen_loops.ts, pkt_gen_rings.ts) run
 * over `Ring.view()` with one txsync/poll per batch and write a frame only
 * into buffers new to the sender, unless ranges, -z/-Z, -o COPY or --vlan
 * need every slot written.
 *
 * @example
 * ```sh
 * deno run -P=tools scripts/pkt-gen.ts -i vale0:a -f rx &
 * deno run -P=tools scripts/pkt-gen.ts -i vale0:b -f tx -n 1000000 -l 60
 * ```
 *
 * @module
 */

import { openPort, type Port, portHeaderGet, portHeaderSet } from "../mod.ts";
import { parsePortName } from "../src/port_name.ts";
import { runTool } from "../src/cli/main.ts";
import { writeAll } from "../src/cli/outcome.ts";
import {
  parsePktGenArgs,
  PKT_GEN,
  PKT_GEN_MODES,
  PKT_GEN_OPT,
  PKT_GEN_USAGE_EXIT,
  type PktGenPlan,
} from "../src/cli/pkt_gen_args.ts";
import {
  debugPrefix,
  formatRttReport,
  formatRttSummary,
  formatSummary,
  summaryJson,
} from "../src/cli/pkt_gen_report.ts";
import { PKT_GEN_SEQ_OFFSET as SEQ_OFFSET } from "../src/cli/pkt_gen_rings.ts";
import { LoopYield } from "../src/cli/pkt_gen_wait.ts";
import { pktGenFrames } from "../src/cli/pkt_gen_frames.ts";
import {
  type Counters,
  type LoopHooks,
  newCounters,
  receive,
  transmit,
  waitRx,
} from "../src/cli/pkt_gen_loops.ts";
import { Reporter } from "../src/cli/pkt_gen_reporter.ts";
import { pktGenPortOptions, threadPortNames } from "../src/cli/pkt_gen_ports.ts";
import { runThreads, usesThreads } from "../src/cli/pkt_gen_threads.ts";
import { receiveTap, TapDevice, transmitTap } from "../src/cli/pkt_gen_tap.ts";
import { PcapDevice } from "../src/cli/pkt_gen_pcap.ts";
import { sleep } from "../src/timer.ts";

const out = (s: string): void => writeAll(Deno.stdout, s);
const err = (s: string): void => writeAll(Deno.stderr, s);

/** How long a busy loop may keep the event loop from running (timers, ^C), in ms. */
const YIELD_MS = 20;

/** Wall-clock time as [seconds, nanoseconds] (microsecond resolution). */
function nowTs(): [number, number] {
  const ms = performance.timeOrigin + performance.now();
  const sec = Math.floor(ms / 1000);
  return [sec, Math.round((ms - sec * 1000) * 1e6)];
}

/** ping: sends frames carrying a sequence number and a timestamp, measures the RTT of replies. */
async function ping(port: Port, plan: PktGenPlan, stop: () => boolean): Promise<Counters> {
  const [frame] = await pktGenFrames(plan);
  const c = newCounters();
  const rep = new Reporter(plan);
  const limit = plan.count === 0n ? Infinity : Number(plan.count);
  const buckets = new Array<number>(64).fill(0);
  let count = 0, sum = 0, min = Infinity, gSum = 0, gMin = Infinity;
  let lastPrint = performance.now();
  using loop = new LoopYield(YIELD_MS);
  const tx = port.txRings[0];
  while (!stop() && c.pkts < limit) {
    let i = tx.head;
    let m = 0;
    const want = Math.min(plan.burst, limit - c.pkts);
    for (; m < want && tx.space() - m > 0; m++) {
      const f = tx.frame(i, frame.length);
      f.set(frame);
      if (frame.length >= SEQ_OFFSET + 12) {
        const dv = new DataView(f.buffer, f.byteOffset, f.byteLength);
        const [sec, nsec] = nowTs();
        dv.setBigUint64(SEQ_OFFSET, BigInt(c.pkts + m), true);
        dv.setUint32(SEQ_OFFSET + 4, sec >>> 0, true);
        dv.setUint32(SEQ_OFFSET + 8, nsec, true);
      }
      tx.setLen(i, frame.length);
      i = tx.next(i);
    }
    tx.head = tx.cur = i;
    c.pkts += m;
    c.bytes += m * frame.length;
    if (m > 0) c.events++;
    port.txsync();
    if (!(await waitRx(port, 3000, loop, stop))) {
      if (stop()) break;
      err(`${debugPrefix(Date.now(), "ping_body", 1476)}poll error on queue 0: timeout\n`);
      continue;
    }
    for (const ring of port.rxRings) {
      let j = ring.head;
      for (; j !== ring.tail; j = ring.next(j)) {
        const f = ring.frame(j, ring.len(j));
        if (f.length < SEQ_OFFSET + 12) continue;
        const dv = new DataView(f.buffer, f.byteOffset, f.byteLength);
        const [sec, nsec] = nowTs();
        const rtt = (sec - dv.getUint32(SEQ_OFFSET + 4, true)) * 1e9 +
          (nsec - dv.getUint32(SEQ_OFFSET + 8, true));
        min = Math.min(min, rtt);
        count++;
        sum += rtt;
        buckets[rtt >= 1 ? Math.min(63, Math.floor(Math.log2(rtt))) : 0]++;
      }
      ring.head = ring.cur = j;
    }
    if (performance.now() - lastPrint >= 1000 && count > 0) {
      err(formatRttReport({ count, minNs: min, avgNs: sum / count, buckets, nowMs: Date.now() }));
      buckets.fill(0);
      gSum += sum;
      gMin = Math.min(gMin, min);
      count = sum = 0;
      min = Infinity;
      lastPrint = performance.now();
    }
    if (rep.due()) rep.report(c);
  }
  gSum += sum;
  gMin = Math.min(gMin, min);
  if (c.pkts > 0) {
    err(formatRttSummary(c.pkts, gMin === Infinity ? 0 : gMin, gSum / c.pkts, Date.now()) + "\n");
  }
  return c;
}

/** pong: sends every received frame back with MAC (and IPv4) addresses swapped. */
async function pong(port: Port, plan: PktGenPlan, stop: () => boolean): Promise<Counters> {
  const c = newCounters();
  const rep = new Reporter(plan);
  using loop = new LoopYield(YIELD_MS);
  const tx = port.txRings[0];
  while (!stop()) {
    if (!(await waitRx(port, 1000, loop, stop))) {
      if (rep.due()) rep.report(c);
      continue;
    }
    let head = tx.head;
    let avail = tx.space();
    for (const ring of port.rxRings) {
      for (let j = ring.head; j !== ring.tail; j = ring.next(j), ring.head = ring.cur = j) {
        if (avail === 0) continue;
        const src = ring.frame(j, ring.len(j));
        const dst = tx.frame(head, src.length);
        dst.set(src);
        if (src.length >= 12) {
          dst.set(src.subarray(6, 12), 0);
          dst.set(src.subarray(0, 6), 6);
        }
        if (src.length >= 34 && src[12] === 0x08 && src[13] === 0x00) {
          dst.set(src.subarray(30, 34), 26);
          dst.set(src.subarray(26, 30), 30);
        }
        tx.setLen(head, src.length);
        head = tx.next(head);
        avail--;
        c.pkts++;
        c.bytes += src.length;
      }
      ring.head = ring.cur = ring.tail;
    }
    tx.head = tx.cur = head;
    port.txsync();
    c.events++;
    if (rep.due()) rep.report(c);
  }
  return c;
}

/** The name of the port itself (no ring selector, flags or options), for port requests. */
function baseName(ifname: string): string {
  const spec = parsePortName(ifname);
  return spec.subsystem === "vale" ? spec.name : `netmap:${spec.name}`;
}

/**
 * -H: sets the port's virtio-net header length (as the C tool, a failure is
 * reported and the run goes on); without -H, takes the port's own length.
 */
function virtHeader(plan: PktGenPlan, headerGiven: boolean): number {
  const name = baseName(plan.ifname);
  if (headerGiven) {
    try {
      portHeaderSet(name, plan.virtHeader);
    } catch (e) {
      err(
        `${PKT_GEN}: -H ${plan.virtHeader}: cannot set the virtio-net header length of ${name}: ${
          (e as Error).message
        }\n`,
      );
    }
    return plan.virtHeader;
  }
  try {
    return portHeaderGet(name);
  } catch {
    return 0; // not a VALE port: no header
  }
}

/** A bad combination found before anything is opened: the message, or undefined. */
function badCombination(plan: PktGenPlan): string | undefined {
  const role = PKT_GEN_MODES[plan.mode].role;
  if (role !== "sender" && plan.devType === "null") {
    return `-i null only sends (-f tx or txseq); -f ${plan.mode} needs a netmap port`;
  }
  if (plan.threads > 1 && role === "other") {
    return `-p ${plan.threads}: -f ${plan.mode} runs one thread only (use -p 1)`;
  }
  const dev = plan.devType;
  if (plan.threads > 1 && (dev === "tap" || dev === "pcap")) {
    return `-p ${plan.threads}: a ${dev} device is served by one thread (use -p 1)`;
  }
  if ((dev === "tap" || dev === "pcap") && plan.mode !== "tx" && plan.mode !== "rx") {
    return `${dev}:${plan.ifname}: -f ${plan.mode} is not supported on a ${dev} (use -f tx or rx)`;
  }
  return undefined;
}

async function run(parsed: PktGenPlan): Promise<number> {
  let plan = parsed;
  const role = PKT_GEN_MODES[plan.mode].role;
  const bad = badCombination(plan);
  if (bad !== undefined) {
    err(`${PKT_GEN}: ${bad}\n`);
    return PKT_GEN_USAGE_EXIT;
  }
  if (plan.options & PKT_GEN_OPT.INDIRECT) {
    err(`${PKT_GEN}: -I (indirect buffers) is not implemented; frames are copied into the rings\n`);
  }
  let port: Port | undefined;
  let tap: TapDevice | PcapDevice | undefined;
  try {
    if (plan.devType === "netmap") port = openPort(plan.ifname, pktGenPortOptions(plan));
    if (plan.devType === "tap") tap = TapDevice.open(plan.ifname);
    if (plan.devType === "pcap") tap = PcapDevice.open(plan.ifname);
  } catch (e) {
    err(`${PKT_GEN}: ${(e as Error).message}\n`);
    return PKT_GEN_USAGE_EXIT;
  }
  let interrupts = 0;
  const onInt = (): void => {
    interrupts++;
  };
  const stopped = (): boolean => interrupts > 0;
  Deno.addSignalListener("SIGINT", onInt);
  try {
    if (port !== undefined) {
      plan = { ...plan, virtHeader: virtHeader(plan, parsed.virtHeader !== 0) };
    }
    const queues = port === undefined
      ? 1
      : role === "sender"
      ? port.info.txRings + port.info.hostTxRings
      : port.info.rxRings + port.info.hostRxRings;
    let names: (string | undefined)[] = [];
    if (usesThreads(plan)) {
      try {
        names = port === undefined
          ? new Array<undefined>(plan.threads).fill(undefined)
          : threadPortNames(plan.ifname, plan.threads, port.info, role === "sender" ? "tx" : "rx");
      } catch (e) {
        err(`${PKT_GEN}: ${(e as Error).message}\n`);
        return PKT_GEN_USAGE_EXIT;
      }
    }
    const verb = role === "sender"
      ? "Sending on"
      : role === "receiver"
      ? "Receiving from"
      : "Working on";
    // As the C tool, these two lines are printed for netmap ports only (not for -i null).
    if (port !== undefined) {
      out(
        `${verb} ${plan.ifname}: ${queues} queues, ${plan.threads} threads and ${plan.cpus} cpus.\n`,
      );
    }
    if (port !== undefined && role === "sender") {
      out(
        `${plan.src.text} -> ${plan.dst.text} (${
          plan.srcMac ?? "00:00:00:00:00:00"
        } -> ${plan.dstMac})\n`,
      );
    }
    if (plan.waitLinkSecs > 0) await sleep(plan.waitLinkSecs * 1000);
    if (role === "other") {
      await (plan.mode === "ping" ? ping : pong)(port!, plan, stopped);
      return 0;
    }
    const verbDone = role === "sender" ? "Sent" as const : "Received" as const;
    let c: Counters;
    let seconds: number;
    let code = 0;
    if (names.length > 0) {
      // ^C during the workers' start-up waits for them (as the C tool); a second one gives up
      const r = await runThreads(plan, names, stopped, () => interrupts > 1);
      if (r.error !== undefined) {
        err(`${PKT_GEN}: ${r.error}\n`);
        code = 1;
      }
      c = r.counters;
      seconds = r.seconds;
    } else {
      const rep = new Reporter(plan);
      let t0 = performance.now();
      let first = true;
      const hooks: LoopHooks = {
        stop: stopped,
        progress: (c: Counters, now: number): void => rep.tick(c, now),
        // as the C receiver: the clock starts when the first frames are there
        firstFrames: (now: number): void => {
          if (first) t0 = now;
          first = false;
        },
      };
      const limit = plan.count === 0n ? Infinity : Number(plan.count);
      c = tap !== undefined
        ? await (role === "sender" ? transmitTap : receiveTap)(tap, plan, limit, hooks)
        : role === "sender"
        ? await transmit(port, plan, limit, hooks)
        : await receive(port!, plan, limit, hooks);
      rep.report(c);
      seconds = (performance.now() - t0) / 1000;
    }
    const totals = {
      verb: verbDone,
      pkts: c.pkts,
      bytes: c.bytes,
      events: c.events,
      seconds,
      framingBits: plan.framingBits,
    };
    out(plan.json ? summaryJson(totals) + "\n" : formatSummary(totals, plan.normalize));
    return code;
  } finally {
    Deno.removeSignalListener("SIGINT", onInt);
    port?.close();
    tap?.close();
  }
}

if (import.meta.main) {
  await runTool(PKT_GEN, Deno.args, parsePktGenArgs, run, 1);
}
