/**
 * How pkt-gen's busy loops wait and let the event loop run: a poll that
 * blocks the calling thread for a short, bounded time (as the C tool's poll
 * does; an `await port.ready()` costs a thread hop per batch), a short spin
 * on the sync calls before that poll while traffic flows ({@linkcode RingWaiter},
 * `--spin`), and a cheap macrotask yield so that signal listeners (^C) and
 * timers run while a loop never waits.
 *
 * @module
 */

import { check, library } from "../ffi.ts";
import { ERRNO, invalidArgument, NetmapError } from "../errors.ts";
import type { Port } from "../port.ts";
import { MAX_SPIN_US } from "./pkt_gen_args.ts";

const POLLIN = 0x1;
const POLLOUT = 0x4;
const POLLERR = 0x8;
/** The longest a blocking poll may hold the event loop, in ms. */
export const MAX_POLL_NOW_MS = 50;

/**
 * Polls `port` in this thread: syncs its rings (as netmap's poll does) and,
 * when nothing is ready, sleeps until frames arrive ("rx") or room frees
 * ("tx"), at most `timeoutMs` (0..MAX_POLL_NOW_MS, so ^C stays responsive).
 * Returns true when ready, false on timeout. Throws NetmapError on a closed
 * port, an error of the backend, or POLLERR.
 *
 * @example
 * ```ts ignore
 * if (!pollNow(port, "rx", 10)) console.log("nothing within 10 ms");
 * ```
 */
export function pollNow(port: Port, dir: "tx" | "rx", timeoutMs: number): boolean {
  const fd = port.fd; // throws on a closed port
  const ms = Math.max(0, Math.min(MAX_POLL_NOW_MS, Math.floor(timeoutMs)));
  const events = dir === "rx" ? POLLIN : POLLOUT;
  const r = check(library().nms_poll_now(fd, events, ms), "poll", port.name);
  if (r & POLLERR) {
    throw new NetmapError({ op: "poll", port: port.name, errno: ERRNO.EIO, summary: "POLLERR" });
  }
  return (r & events) !== 0;
}

/**
 * Waits for frames ("rx") or room ("tx") on a port the way pkt-gen's tx/rx
 * loops do: while traffic flows (`busy`), it first re-syncs the rings
 * (NIOCRXSYNC / NIOCTXSYNC) for up to `spinUs` microseconds, and only then
 * sleeps in a bounded poll, yielding the CPU between syncs (sched_yield) to
 * any other runnable thread; a yield that let one run means the CPU is
 * contended, and the spin ends there. A loop that sleeps as soon as a ring
 * runs dry makes its peer wake it for every batch, and the peer's sync pays
 * for that wake-up; re-syncing for a moment finds the next batch without
 * either. An idle port costs one spin, then plain polls. `spinUs` 0 polls at
 * once, as netmap's C pkt-gen does.
 *
 * @example
 * ```ts ignore
 * const rx = new RingWaiter(port, "rx", 200);
 * let busy = false;
 * while (!stopped) {
 *   busy = rx.wait(20, busy);
 *   if (busy) countFrames();
 * }
 * ```
 */
export class RingWaiter {
  readonly #spinMs: number;
  readonly #yieldEnds: boolean;

  /**
   * A waiter for one direction of `port`.
   *
   * @param port The port.
   * @param dir "rx": wait for frames; "tx": wait for room.
   * @param spinUs How long to re-sync before sleeping, in µs (0..MAX_SPIN_US).
   * @param contention "yield" (default): a yield that let another thread
   *   run ends the spin; "ignore": spin the whole time whatever the load.
   */
  constructor(
    readonly port: Port,
    readonly dir: "tx" | "rx",
    spinUs: number,
    contention: "yield" | "ignore" = "yield",
  ) {
    if (!Number.isInteger(spinUs) || spinUs < 0 || spinUs > MAX_SPIN_US) {
      throw invalidArgument(
        "spin",
        port.name,
        `the spin time must be an integer 0..${MAX_SPIN_US} µs, got ${spinUs}`,
      );
    }
    this.#spinMs = spinUs / 1000;
    this.#yieldEnds = contention === "yield";
  }

  /**
   * Syncs the rings and returns true when a ring has frames ("rx") or room
   * ("tx"); if none has, re-syncs for up to the spin time when `busy`, then
   * polls for at most `timeoutMs` (0..MAX_POLL_NOW_MS). Throws NetmapError as
   * {@linkcode pollNow}.
   *
   * @example
   * ```ts ignore
   * if (!new RingWaiter(port, "tx", 200).wait(20, true)) console.log("no room within 20 ms");
   * ```
   */
  wait(timeoutMs: number, busy: boolean): boolean {
    if (busy && this.#spinMs > 0 && this.#spin()) return true;
    return pollNow(this.port, this.dir, timeoutMs);
  }

  #spin(): boolean {
    const rx = this.dir === "rx";
    const rings = rx ? this.port.rxRings : this.port.txRings;
    const lib = library();
    const until = performance.now() + this.#spinMs;
    for (;;) {
      if (rx) this.port.rxsync();
      else this.port.txsync();
      for (let i = 0; i < rings.length; i++) if (rings[i].space() > 0) return true;
      if (performance.now() >= until) return false;
      // let another runnable thread have this CPU; when one took it, the CPU is contended
      // (more busy threads than CPUs): stop spinning and sleep in poll instead
      if (check(lib.nms_yield(), "sched_yield", this.port.name) > 0 && this.#yieldEnds) {
        return false;
      }
    }
  }
}

/**
 * Lets the event loop run (signal listeners, timers) at most every
 * `everyMs`, through a MessageChannel round trip (about 25 µs, where a
 * `setTimeout(0)` costs milliseconds). Dispose it to free the channel.
 *
 * @example
 * ```ts ignore
 * using y = new LoopYield(20);
 * while (!stopped) {
 *   doBatch();
 *   if (y.due()) await y.run();
 * }
 * ```
 */
export class LoopYield {
  readonly #channel = new MessageChannel();
  #wake: (() => void) | undefined;
  #last = performance.now();

  /**
   * A yielder for one loop.
   *
   * @param everyMs The longest time between two yields, in ms.
   */
  constructor(readonly everyMs: number) {
    this.#channel.port1.onmessage = (): void => {
      const wake = this.#wake;
      this.#wake = undefined;
      wake?.();
    };
  }

  /**
   * True when `everyMs` has passed since the last yield.
   *
   * @example
   * ```ts ignore
   * if (y.due()) await y.run();
   * ```
   */
  due(now: number = performance.now()): boolean {
    return now - this.#last >= this.everyMs;
  }

  /**
   * Yields once to the event loop; resolves after pending events ran.
   *
   * @example
   * ```ts ignore
   * await y.run();
   * ```
   */
  run(): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = (): void => {
        this.#last = performance.now();
        resolve();
      };
      this.#channel.port2.postMessage(0);
    });
  }

  /**
   * Notes that the loop yielded another way (an await of its own).
   *
   * @example
   * ```ts ignore
   * await sleep(5);
   * y.yielded();
   * ```
   */
  yielded(): void {
    this.#last = performance.now();
  }

  /** Closes the channel (for `using`). */
  [Symbol.dispose](): void {
    this.#channel.port1.close();
    this.#channel.port2.close();
  }
}
