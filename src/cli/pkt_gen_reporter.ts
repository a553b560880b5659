/**
 * pkt-gen's per-interval reports: the rate line on stderr (or one JSON
 * object on stdout with --json), from counters that are the sum over all
 * threads, with -A's sliding-window statistics.
 *
 * @module
 */

import { PKT_GEN_OPT, type PktGenPlan } from "./pkt_gen_args.ts";
import { formatRateLine, rateJson, type RateSample } from "./pkt_gen_report.ts";
import type { Counters } from "./pkt_gen_loops.ts";
import { writeAll } from "./outcome.ts";

/**
 * Prints a rate line every -T ms from running counters.
 *
 * @example
 * ```ts ignore
 * const rep = new Reporter(plan);
 * rep.tick(counters, performance.now()); // prints when -T ms have passed
 * rep.report(counters); // prints now
 * ```
 */
export class Reporter {
  /** When the last report was printed (performance.now()). */
  last: number = performance.now();
  #prev: Counters = { pkts: 0, bytes: 0, events: 0, minSpace: 0 };
  readonly #window: number[] = [];

  /** A reporter for one run of `plan`. */
  constructor(readonly plan: PktGenPlan) {}

  /**
   * True when a report is due.
   *
   * @example
   * ```ts ignore
   * if (rep.due()) rep.report(counters);
   * ```
   */
  due(now: number = performance.now()): boolean {
    return now - this.last >= this.plan.reportMs;
  }

  /**
   * Prints a report when one is due.
   *
   * @example
   * ```ts ignore
   * rep.tick(counters, performance.now());
   * ```
   */
  tick(c: Counters, now: number): void {
    if (now - this.last >= this.plan.reportMs) this.report(c);
  }

  /**
   * Prints the rate since the previous report (nothing when under 10 ms passed).
   *
   * @example
   * ```ts ignore
   * rep.report(counters); // the last line, after the loop
   * ```
   */
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
    if (this.plan.json) writeAll(Deno.stdout, rateJson(s) + "\n");
    else writeAll(Deno.stderr, formatRateLine(s, this.plan.normalize) + "\n");
    this.#prev = { ...c };
    this.last = now;
  }
}
