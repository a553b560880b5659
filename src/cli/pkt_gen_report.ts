/**
 * pkt-gen's report lines: the per-interval rate line (printed on stderr with
 * the C tool's debug prefix `SSS.UUUUUU main_thread [2781] `) and the final
 * `Sent`/`Received` summary on stdout, with its unit scaling (`-N` turns it
 * off). `--json` replaces each line with one JSON object.
 *
 * @module
 */

const UNITS = ["", "K", "M", "G", "T"];

/**
 * Scales a value the way pkt-gen prints it: "14.880 M" (three decimals and a
 * unit prefix) or, with normalize off, "14880000 " (no decimals, no prefix).
 *
 * @example
 * ```ts
 * import { norm } from "./pkt_gen_report.ts";
 * console.log(norm(14880000, true) + "pps"); // "14.880 Mpps"
 * ```
 */
export function norm(value: number, normalize: boolean): string {
  let v = value;
  let i = 0;
  if (normalize) {
    while (v >= 1000 && i < UNITS.length - 1) {
      v /= 1000;
      i++;
    }
    return `${v.toFixed(3)} ${UNITS[i]}`;
  }
  return `${v.toFixed(0)} `;
}

/** The counters of one report interval. */
export interface RateSample {
  /** Packets in the interval. */
  pkts: number;
  /** Bytes in the interval. */
  bytes: number;
  /** Batches (syncs) in the interval. */
  events: number;
  /** Length of the interval in microseconds. */
  usec: number;
  /** Sum of the threads' smallest free space seen in the interval. */
  minSpace: number;
  /** Framing bits per packet (-B: 192). */
  framingBits: number;
  /** Wall-clock time of the report (ms since the epoch), for the prefix. */
  nowMs: number;
  /** `[avg/std A/B pps]` statistics (-A), when enabled. */
  stats?: { avg: number; std: number };
}

/**
 * The rate line's debug prefix (netmap's D() macro): seconds modulo 1000,
 * microseconds, function and source line of the C tool.
 *
 * @example
 * ```ts
 * import { debugPrefix } from "./pkt_gen_report.ts";
 * console.log(debugPrefix(1234567.891)); // "234.567891 main_thread [2781] "
 * ```
 */
export function debugPrefix(nowMs: number, fn = "main_thread", line = 2781): string {
  const sec = Math.floor(nowMs / 1000) % 1000;
  const usec = Math.floor((nowMs % 1000) * 1000);
  return `${String(sec).padStart(3, "0")}.${String(usec).padStart(6, "0")} ${fn} [${line}] `;
}

/**
 * One per-interval rate line, as pkt-gen prints it:
 * `SSS.UUUUUU main_thread [2781] 1.234 Mpps (1.235 Mpkts 592.934 Mbps in 1000500 usec) 256.00 avg_batch 99999 min_space`.
 *
 * @example
 * ```ts
 * import { formatRateLine } from "./pkt_gen_report.ts";
 * console.log(formatRateLine({
 *   pkts: 1000, bytes: 60000, events: 10, usec: 1000000, minSpace: 0, framingBits: 0, nowMs: 0,
 * }, true));
 * ```
 */
export function formatRateLine(s: RateSample, normalize: boolean): string {
  const pps = Math.floor((s.pkts * 1000000 + Math.floor(s.usec / 2)) / s.usec);
  const avgBatch = s.events > 0 ? s.pkts / s.events : 0;
  const bps = 1000000 * (s.bytes * 8 + s.pkts * s.framingBits) / s.usec;
  const stats = s.stats === undefined
    ? ""
    : `[avg/std ${norm(s.stats.avg, normalize)}/${norm(s.stats.std, normalize)} pps]`;
  return `${debugPrefix(s.nowMs)}${norm(pps, normalize)}pps ${stats}(${
    norm(s.pkts, normalize)
  }pkts ${norm(bps, normalize)}bps in ${s.usec} usec) ${avgBatch.toFixed(2)} avg_batch ${
    Math.trunc(s.minSpace)
  } min_space`;
}

/**
 * The same interval as one JSON object (for --json).
 *
 * @example
 * ```ts
 * import { rateJson } from "./pkt_gen_report.ts";
 * console.log(rateJson({ pkts: 10, bytes: 600, events: 1, usec: 1e6, minSpace: 0, framingBits: 0, nowMs: 0 }));
 * ```
 */
export function rateJson(s: RateSample): string {
  const pps = Math.floor((s.pkts * 1000000 + Math.floor(s.usec / 2)) / s.usec);
  return JSON.stringify({
    type: "rate",
    time_ms: s.nowMs,
    pps,
    pkts: s.pkts,
    bytes: s.bytes,
    bps: 1000000 * (s.bytes * 8 + s.pkts * s.framingBits) / s.usec,
    usec: s.usec,
    avg_batch: s.events > 0 ? s.pkts / s.events : 0,
    min_space: s.minSpace,
    ...(s.stats ? { pps_avg: s.stats.avg, pps_std: s.stats.std } : {}),
  });
}

/** The totals of a whole run. */
export interface RunTotals {
  /** "Sent" or "Received". */
  verb: "Sent" | "Received";
  /** Packets. */
  pkts: number;
  /** Bytes. */
  bytes: number;
  /** Batches. */
  events: number;
  /** Seconds from the first to the last packet. */
  seconds: number;
  /** Framing bits per packet (-B). */
  framingBits: number;
}

/**
 * The final summary (stdout): `Sent N packets B bytes E events S bytes each in T seconds.`
 * and `Speed: ...pps Bandwidth: ...bps (raw ...bps). Average batch: X pkts`,
 * or `Sent nothing.`.
 *
 * @example
 * ```ts
 * import { formatSummary } from "./pkt_gen_report.ts";
 * console.log(formatSummary({ verb: "Sent", pkts: 0, bytes: 0, events: 0, seconds: 0, framingBits: 0 }, true));
 * // "Sent nothing.\n"
 * ```
 */
export function formatSummary(t: RunTotals, normalize: boolean): string {
  if (t.pkts === 0) return `${t.verb} nothing.\n`;
  const size = Math.trunc(t.bytes / t.pkts);
  let out = `${t.verb} ${t.pkts} packets ${t.bytes} bytes ${t.events} events ${size} bytes each ` +
    `in ${t.seconds.toFixed(2)} seconds.\n`;
  const delta = t.seconds === 0 ? 1e-6 : t.seconds;
  const pps = t.pkts / delta;
  const bw = (8 * t.bytes) / delta;
  const raw = (8 * t.bytes + t.pkts * t.framingBits) / delta;
  const abs = t.pkts / t.events;
  out += `Speed: ${norm(pps, normalize)}pps Bandwidth: ${norm(bw, normalize)}bps (raw ${
    norm(raw, normalize)
  }bps). Average batch: ${abs.toFixed(2)} pkts\n`;
  return out;
}

/**
 * The summary as one JSON object (for --json).
 *
 * @example
 * ```ts
 * import { summaryJson } from "./pkt_gen_report.ts";
 * console.log(summaryJson({ verb: "Sent", pkts: 1, bytes: 60, events: 1, seconds: 1, framingBits: 0 }));
 * ```
 */
export function summaryJson(t: RunTotals): string {
  const delta = t.seconds === 0 ? 1e-6 : t.seconds;
  return JSON.stringify({
    type: "summary",
    verb: t.verb.toLowerCase(),
    pkts: t.pkts,
    bytes: t.bytes,
    events: t.events,
    seconds: t.seconds,
    pps: t.pkts / delta,
    bps: (8 * t.bytes) / delta,
    raw_bps: (8 * t.bytes + t.pkts * t.framingBits) / delta,
  });
}

/**
 * ping's once-a-second RTT lines: `count N RTT: min X av Y ns`, then the
 * histogram of RTTs by power of two (`k: LO .. HI` and one `%5d` per bucket).
 *
 * @example
 * ```ts
 * import { formatRttReport } from "./pkt_gen_report.ts";
 * const buckets = new Array(64).fill(0);
 * buckets[14] = 3;
 * console.log(formatRttReport({ count: 3, minNs: 20000, avgNs: 21000, buckets, nowMs: 0 }));
 * ```
 */
export function formatRttReport(r: {
  count: number;
  minNs: number;
  avgNs: number;
  buckets: readonly number[];
  nowMs: number;
}): string {
  let line = `${debugPrefix(r.nowMs, "ping_body", 1533)}count ${r.count} RTT: min ${
    Math.trunc(r.minNs)
  } av ${Math.trunc(r.avgNs)} ns\n`;
  let kmin = 0;
  while (kmin < 64 && !r.buckets[kmin]) kmin++;
  let k = 63;
  while (k >= kmin && !r.buckets[k]) k--;
  const cells = r.buckets.slice(kmin, k + 1).map((b) => String(b).padStart(5, " ")).join(" ");
  line += `${debugPrefix(r.nowMs, "ping_body", 1549)}k: ${2 ** kmin} .. ${2 ** k}\n\t ${cells}\n`;
  return line;
}

/**
 * ping's closing line: `RTT over N packets: min X av Y ns`.
 *
 * @example
 * ```ts
 * import { formatRttSummary } from "./pkt_gen_report.ts";
 * console.log(formatRttSummary(10, 20000, 25000, 0));
 * ```
 */
export function formatRttSummary(
  sent: number,
  minNs: number,
  avgNs: number,
  nowMs: number,
): string {
  return `${debugPrefix(nowMs, "ping_body", 1566)}RTT over ${sent} packets: min ${
    Math.trunc(minNs)
  } av ${Math.trunc(avgNs)} ns`;
}
