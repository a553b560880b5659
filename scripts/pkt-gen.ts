/**
 * pkt-gen: netmap's packet generator and receiver, same options, report
 * lines and exit codes (see `pkt-gen --help`), plus `--json`.
 * Implemented here: -f tx, rx, txseq, rxseq on netmap ports and the null
 * sender, ping and pong, one thread, with -n -l (fixed or random size) -b -R
 * -F -M -s -d -S -D -T -w -W -N -A -B -X -P -r -C, --json and --vlan VID (an
 * nmscript extension: 802.1Q-tagged frames, see --help). TODO(lead): tap:
 * and pcap: devices (exit 255 with a message), -p > 1 (warns, runs one
 * thread), address/port ranges and -z/-Z (the first address and port are
 * used), -I/-H/-a/-c/-o bits other than DUMP/RUBBISH/PPS_STATS/COPY/MEMCPY
 * (accepted, no effect).
 *
 * Speed: as netmap's pkt-gen, tx writes the frame into a buffer only when the
 * buffer is new to it (NS_BUF_CHANGED, set on every slot at start; every slot
 * with -o COPY/MEMCPY or an address range; never with -o RUBBISH), so that a
 * send usually writes only `len` and `flags`. The per-slot loops run over
 * `Ring.view()` (src/cli/pkt_gen_rings.ts) with one txsync/poll per batch;
 * several pcap frames, fragments (-F/-M) and -o DUMP take a slower general
 * path.
 *
 * @example
 * ```sh
 * deno run -P=tools scripts/pkt-gen.ts -i vale0:a -f rx &
 * deno run -P=tools scripts/pkt-gen.ts -i vale0:b -f tx -n 1000000 -l 60
 * ```
 *
 * @module
 */

import { layout, openPort, type Port, type PortOptions, type Ring } from "../mod.ts";
import { eth, readPcapFile } from "../src/frames/mod.ts";
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
  formatRateLine,
  formatRttReport,
  formatRttSummary,
  formatSummary,
  rateJson,
  type RateSample,
  summaryJson,
} from "../src/cli/pkt_gen_report.ts";
import {
  countRx,
  fillTx,
  markAllChanged,
  PKT_GEN_SEQ_OFFSET as SEQ_OFFSET,
  type SeqCheck,
  type TxTemplate,
} from "../src/cli/pkt_gen_rings.ts";
import { LoopYield, pollNow } from "../src/cli/pkt_gen_wait.ts";

const out = (s: string): void => writeAll(Deno.stdout, s);
const err = (s: string): void => writeAll(Deno.stderr, s);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Counters {
  pkts: number;
  bytes: number;
  events: number;
  minSpace: number;
}

/** `frame` with an 802.1Q tag (TPID 0x8100, PCP 0, VID `vid`) after its MACs. */
function withVlanTag(frame: Uint8Array, vid: number): Uint8Array {
  if (frame.length < 12) return frame;
  const out = new Uint8Array(frame.length + 4);
  out.set(frame.subarray(0, 12));
  out.set([0x81, 0x00, (vid >> 8) & 0x0f, vid & 0xff], 12);
  out.set(frame.subarray(12), 16);
  return out;
}

/** The frames pkt-gen sends: one template, or the packets of a pcap file (tagged with --vlan). */
async function templates(plan: PktGenPlan): Promise<Uint8Array[]> {
  const frames = await untaggedTemplates(plan);
  const vid = plan.vlan;
  return vid === undefined ? frames : frames.map((f) => withVlanTag(f, vid));
}

async function untaggedTemplates(plan: PktGenPlan): Promise<Uint8Array[]> {
  if (plan.pcapFile !== undefined) {
    const file = await readPcapFile(plan.pcapFile);
    if (file.packets.length === 0) throw new Error(`-P ${plan.pcapFile}: no packets in the file`);
    return file.packets.map((p) => p.data);
  }
  const base = eth({ src: plan.srcMac ?? "00:00:00:00:00:00", dst: plan.dstMac });
  const l3 = plan.af === 4
    ? base.ipv4({ src: plan.src.start, dst: plan.dst.start })
    : base.ipv6({ src: plan.src.start, dst: plan.dst.start });
  const udp = l3.udp({ srcPort: plan.src.port0, dstPort: plan.dst.port0 });
  const headers = udp.size();
  const full = plan.pktSize > headers
    ? udp.payload({ length: plan.pktSize - headers, fill: "x" }).build()
    : udp.build();
  const frame = new Uint8Array(plan.pktSize);
  frame.set(full.subarray(0, plan.pktSize));
  return [frame];
}

class Reporter {
  /** When the last report was printed (performance.now()). */
  last = performance.now();
  #prev: Counters = { pkts: 0, bytes: 0, events: 0, minSpace: 0 };
  readonly #window: number[] = [];

  constructor(readonly plan: PktGenPlan) {}

  due(): boolean {
    return performance.now() - this.last >= this.plan.reportMs;
  }

  report(c: Counters): void {
    const now = performance.now();
    const usec = Math.round((now - this.last) * 1000);
    if (usec < 10000) return;
    const s: RateSample = {
      pkts: c.pkts - this.#prev.pkts,
      bytes: c.bytes - this.#prev.bytes,
      events: c.events - this.#prev.events,
      usec,
      minSpace: c.minSpace,
      framingBits: this.plan.framingBits,
      nowMs: Date.now(),
    };
    if (this.plan.options & PKT_GEN_OPT.PPS_STATS) {
      this.#window.push(Math.floor((s.pkts * 1e6 + usec / 2) / usec));
      if (this.#window.length > 10) this.#window.shift();
      const w = this.#window.filter((v) => v !== 0);
      const avg = w.length ? w.reduce((a, b) => a + b, 0) / w.length : 0;
      const std = w.length ? Math.sqrt(w.reduce((a, b) => a + (b - avg) ** 2, 0) / w.length) : 0;
      s.stats = { avg, std };
    }
    if (this.plan.json) out(rateJson(s) + "\n");
    else err(formatRateLine(s, this.plan.normalize) + "\n");
    this.#prev = { ...c };
    this.last = now;
  }
}

function dump(kind: string, frame: Uint8Array): void {
  const hex = Array.from(frame, (b) => b.toString(16).padStart(2, "0"));
  const rows: string[] = [];
  for (let i = 0; i < hex.length; i += 16) {
    rows.push(`${i.toString(16).padStart(4, "0")}: ${hex.slice(i, i + 16).join(" ")}`);
  }
  err(`${kind} ${frame.length} bytes\n${rows.join("\n")}\n`);
}

/** Writes one frame into consecutive slots from `i`; returns the next slot. */
function putFrame(
  ring: Ring,
  i: number,
  frame: Uint8Array,
  plan: PktGenPlan,
  more: number,
): number {
  const frag = Math.max(
    1,
    Math.min(ring.bufSize, plan.fragSize, Math.ceil(frame.length / plan.frags)),
  );
  for (let pos = 0; pos < frame.length || pos === 0;) {
    const n = Math.min(frame.length - pos, frag);
    if (!(plan.options & PKT_GEN_OPT.RUBBISH)) ring.frame(i, n).set(frame.subarray(pos, pos + n));
    ring.setLen(i, n);
    pos += n;
    ring.setSlotFlags(i, pos < frame.length ? more : 0);
    i = ring.next(i);
    if (n === 0) break;
  }
  return i;
}

/** How long a busy loop may keep the event loop from running (timers, ^C), in ms. */
const YIELD_MS = 20;
/** The longest one poll may block the event loop, in ms (the loops check ^C in between). */
const POLL_MS = 20;

/** The TX fast path's template, or undefined when the general path must run. */
function fastTemplate(
  port: Port,
  frames: Uint8Array[],
  plan: PktGenPlan,
): TxTemplate | undefined {
  const frame = frames[0];
  const fits = port.txRings.every((r) => frame.length <= r.bufSize - r.maxOffset);
  if (
    frames.length !== 1 || plan.frags !== 1 || frame.length > plan.fragSize || !fits ||
    plan.options & PKT_GEN_OPT.DUMP
  ) {
    return undefined;
  }
  const o = plan.options;
  return {
    frame,
    minLen: plan.pktMinSize > 0 ? Math.min(plan.pktMinSize, frame.length) : 0,
    seq: plan.mode === "txseq",
    // with --vlan, a VLAN switch untags in the sender's buffer: write every slot
    copy: o & PKT_GEN_OPT.RUBBISH
      ? "never"
      : o & (PKT_GEN_OPT.COPY | PKT_GEN_OPT.MEMCPY) || plan.vlan !== undefined
      ? "always"
      : "changed",
  };
}

/** General TX path (several frames, fragments, -o DUMP): copies every frame. */
function fillGeneral(
  ring: Ring,
  want: number,
  frames: Uint8Array[],
  plan: PktGenPlan,
  c: Counters,
  more: number,
): number {
  const seq = plan.mode === "txseq";
  let i = ring.head;
  const perFrame = Math.max(plan.frags, Math.ceil(plan.pktSize / ring.bufSize));
  let room = Math.floor(ring.space() / perFrame);
  let sent = 0;
  while (room > 0 && sent < want) {
    let f = frames[(c.pkts + sent) % frames.length];
    if (plan.pktMinSize > 0) {
      const size = plan.pktMinSize +
        Math.floor(Math.random() * (plan.pktSize - plan.pktMinSize + 1));
      f = f.subarray(0, Math.min(size, f.length));
    }
    if (seq && f.length >= SEQ_OFFSET + 4) {
      f = f.slice();
      new DataView(f.buffer).setUint32(SEQ_OFFSET, (c.pkts + sent) >>> 0);
    }
    if (plan.options & PKT_GEN_OPT.DUMP) dump("TX", f);
    i = putFrame(ring, i, f, plan, more);
    c.bytes += f.length;
    sent++;
    room--;
  }
  ring.head = i;
  ring.cur = i;
  return sent;
}

async function transmit(
  port: Port | undefined,
  plan: PktGenPlan,
  stop: () => boolean,
): Promise<Counters> {
  const frames = await templates(plan);
  const c: Counters = { pkts: 0, bytes: 0, events: 0, minSpace: 0 };
  const rep = new Reporter(plan);
  const more = layout().constant("NS_MOREFRAG");
  const limit = plan.count === 0n ? Infinity : Number(plan.count);
  const fast = port === undefined ? undefined : fastTemplate(port, frames, plan);
  if (port !== undefined && fast !== undefined) port.txRings.forEach(markAllChanged);
  using loop = new LoopYield(YIELD_MS);
  const start = performance.now();
  while (!stop() && c.pkts < limit) {
    const want = Math.min(plan.burst, limit - c.pkts);
    let sent = 0;
    if (port === undefined) {
      if (frames.length === 1) {
        sent = want;
        c.bytes += want * frames[0].length;
      } else {
        for (; sent < want; sent++) c.bytes += frames[(c.pkts + sent) % frames.length].length;
      }
    } else {
      for (const ring of port.txRings) {
        const space = ring.space();
        c.minSpace = Math.min(c.minSpace || Infinity, space);
        if (fast !== undefined) {
          const n = ring.reserve(Math.min(space, want - sent));
          c.bytes += fillTx(ring, n, fast, c.pkts + sent);
          ring.submit(n);
          sent += n;
        } else {
          sent += fillGeneral(ring, want - sent, frames, plan, c, more);
        }
        if (sent >= want) break;
      }
      port.txsync();
      // no room: wait for some (as poll in the C tool); the loop ends on -n or ^C
      if (sent === 0) pollNow(port, "tx", POLL_MS);
    }
    c.pkts += sent;
    if (sent > 0) c.events++;
    const now = performance.now();
    if (plan.rate > 0) {
      const ahead = (c.pkts / plan.rate) * 1000 - (now - start);
      if (ahead > 0) {
        await sleep(ahead);
        loop.yielded();
      }
    }
    if (loop.due(now)) await loop.run(); // let signal listeners and timers run
    if (now - rep.last >= plan.reportMs) rep.report(c);
  }
  if (port !== undefined) await drain(port);
  rep.report(c);
  return c;
}

/** Waits (at most 2 s) for the TX rings to empty before closing. */
async function drain(port: Port): Promise<void> {
  for (let t = 0; t < 20; t++) {
    if (port.txRings.every((r) => r.next(r.tail) === r.head)) return;
    port.txsync();
    await sleep(100);
  }
}

/**
 * Waits until `port` has frames, at most `ms`: polls in this thread in slices
 * of POLL_MS and lets the event loop run in between (^C stays responsive).
 */
async function waitRx(
  port: Port,
  ms: number,
  loop: LoopYield,
  stop: () => boolean,
): Promise<boolean> {
  const deadline = performance.now() + ms;
  for (;;) {
    const left = deadline - performance.now();
    if (pollNow(port, "rx", Math.max(0, Math.min(POLL_MS, Math.ceil(left))))) return true;
    if (left <= POLL_MS || stop()) return false;
    if (loop.due()) await loop.run();
  }
}

async function receive(port: Port, plan: PktGenPlan, stop: () => boolean): Promise<Counters> {
  const c: Counters = { pkts: 0, bytes: 0, events: 0, minSpace: 0 };
  const rep = new Reporter(plan);
  const limit = plan.count === 0n ? Infinity : Number(plan.count);
  const checks: (SeqCheck | undefined)[] = port.rxRings.map((ring) =>
    plan.mode === "rxseq"
      ? {
        expected: -1,
        gap: (got: number, want: number): void =>
          err(`${PKT_GEN}: ring ${ring.index}: sequence ${got}, expected ${want}\n`),
      }
      : undefined
  );
  const dumping = (plan.options & PKT_GEN_OPT.DUMP) !== 0;
  using loop = new LoopYield(YIELD_MS);
  // -W: leave at once when nothing is there at the first look
  if (plan.exitWhenIdle && !pollNow(port, "rx", 0)) {
    rep.report(c);
    return c;
  }
  while (!stop() && c.pkts < limit) {
    // poll syncs the rings and sleeps (bounded) only when nothing is there, as in the C tool
    pollNow(port, "rx", POLL_MS);
    const before = c.pkts;
    for (let r = 0; r < port.rxRings.length; r++) {
      const ring = port.rxRings[r];
      const n = ring.peek(ring.numSlots - 1);
      const m = countRx(ring, n, c, limit, checks[r]);
      if (dumping) { for (let k = 0; k < m; k++) dump("RX", ring.frame(ring.slot(k))); }
      ring.release(m);
    }
    if (c.pkts > before) c.events++;
    const now = performance.now();
    if (loop.due(now)) await loop.run(); // let signal listeners and timers run
    if (now - rep.last >= plan.reportMs) rep.report(c);
  }
  rep.report(c);
  return c;
}

/** Wall-clock time as [seconds, nanoseconds] (microsecond resolution). */
function nowTs(): [number, number] {
  const ms = performance.timeOrigin + performance.now();
  const sec = Math.floor(ms / 1000);
  return [sec, Math.round((ms - sec * 1000) * 1e6)];
}

/** ping: sends frames carrying a sequence number and a timestamp, measures the RTT of replies. */
async function ping(port: Port, plan: PktGenPlan, stop: () => boolean): Promise<Counters> {
  const [frame] = await templates(plan);
  const c: Counters = { pkts: 0, bytes: 0, events: 0, minSpace: 0 };
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
  const c: Counters = { pkts: 0, bytes: 0, events: 0, minSpace: 0 };
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

async function run(plan: PktGenPlan): Promise<number> {
  const role = PKT_GEN_MODES[plan.mode].role;
  if (role !== "sender" && plan.devType === "null") {
    err(`${PKT_GEN}: -i null only sends (-f tx or txseq); -f ${plan.mode} needs a netmap port\n`);
    return PKT_GEN_USAGE_EXIT;
  }
  if (plan.devType === "tap" || plan.devType === "pcap") {
    err(
      `${PKT_GEN}: ${plan.devType}: devices are not supported by pkt-gen.ts; use a netmap port\n`,
    );
    return PKT_GEN_USAGE_EXIT;
  }
  if (plan.threads > 1) {
    err(`${PKT_GEN}: -p ${plan.threads}: pkt-gen.ts runs one thread; using 1\n`);
  }
  let port: Port | undefined;
  if (plan.devType === "netmap") {
    const options: PortOptions = {};
    if (plan.ringConfig !== undefined) {
      const [a, b, c, d] = plan.ringConfig.split(",").map((v) => (v === "" ? 0 : Number(v)));
      const conf: NonNullable<PortOptions["conf"]> = {};
      if (a) conf.txSlots = conf.rxSlots = a;
      if (b) conf.rxSlots = b;
      if (c) conf.txRings = conf.rxRings = c;
      if (d) conf.rxRings = d;
      options.conf = conf;
    }
    try {
      port = openPort(plan.ifname, options);
    } catch (e) {
      err(`${PKT_GEN}: ${(e as Error).message}\n`);
      return PKT_GEN_USAGE_EXIT;
    }
  }
  let stopped = false;
  const onInt = (): void => {
    stopped = true;
  };
  Deno.addSignalListener("SIGINT", onInt);
  try {
    const queues = port === undefined
      ? 1
      : role === "sender"
      ? port.info.txRings + port.info.hostTxRings
      : port.info.rxRings + port.info.hostRxRings;
    const verb = role === "sender"
      ? "Sending on"
      : role === "receiver"
      ? "Receiving from"
      : "Working on";
    // As the C tool, these two lines are printed for netmap ports only (not for -i null).
    if (port !== undefined) {
      out(`${verb} ${plan.ifname}: ${queues} queues, 1 threads and ${plan.cpus} cpus.\n`);
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
      await (plan.mode === "ping" ? ping : pong)(port!, plan, () => stopped);
      return 0;
    }
    const t0 = performance.now();
    const c = role === "sender"
      ? await transmit(port, plan, () => stopped)
      : await receive(port!, plan, () => stopped);
    const totals = {
      verb: role === "sender" ? "Sent" as const : "Received" as const,
      pkts: c.pkts,
      bytes: c.bytes,
      events: c.events,
      seconds: (performance.now() - t0) / 1000,
      framingBits: plan.framingBits,
    };
    out(plan.json ? summaryJson(totals) + "\n" : formatSummary(totals, plan.normalize));
    return 0;
  } finally {
    Deno.removeSignalListener("SIGINT", onInt);
    port?.close();
  }
}

if (import.meta.main) {
  await runTool(PKT_GEN, Deno.args, parsePktGenArgs, run, 1);
}
