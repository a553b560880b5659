/**
 * How pkt-gen's busy loops wait and let the event loop run: a poll that
 * blocks the calling thread for a short, bounded time (as the C tool's poll
 * does; an `await port.ready()` costs a thread hop per batch), and a cheap
 * macrotask yield so that signal listeners (^C) and timers run while a loop
 * never waits.
 *
 * @module
 */

import { check, library } from "../ffi.ts";
import { NetmapError } from "../errors.ts";
import type { Port } from "../port.ts";

const POLLIN = 0x1;
const POLLOUT = 0x4;
const POLLERR = 0x8;
const EIO = 5;
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
    throw new NetmapError({ op: "poll", port: port.name, errno: EIO, summary: "POLLERR" });
  }
  return (r & events) !== 0;
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
