/**
 * Sleeps and cancellable alarms that run on libnmscript's worker threads, not on a
 * JavaScript timer.
 *
 * Deno 2.9's `setTimeout` is Node's timers module: the first call in a process loads Deno's
 * Node compatibility layer (15–30 ms on a laptop, 0.4–0.5 s in a QEMU TCG guest, where netmap
 * tests run), and a timer of 0 ms takes 2 ms or more. nmscript's own waits (send() pacing,
 * test time limits, pkt-gen's pauses) use these instead: `nms_sleep` and an eventfd polled with
 * a timeout, called as `nonblocking` FFI symbols (Deno runs them on a worker thread and resolves
 * a Promise). They keep the event loop alive like a timer does, and an {@link Alarm} is
 * cancelled at once.
 *
 * @example
 * ```ts ignore
 * import { Alarm, sleep } from "./timer.ts";
 * await sleep(5);
 * await using alarm = new Alarm(1000);
 * const rang = await Promise.race([alarm.rang, Promise.resolve(false)]);
 * ```
 *
 * @module
 */

import { check, checkAsync, library } from "./ffi.ts";
import { ERRNO, NetmapError } from "./errors.ts";

/** The longest sleep or alarm (ms): poll(2)'s int timeout, as everywhere in nmscript. */
export const MAX_TIMER_MS = 0x7fffffff;

function checkMs(op: string, ms: number): number {
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_TIMER_MS) {
    throw new NetmapError({
      op,
      errno: ERRNO.EINVAL,
      summary: `invalid time ${ms} ms`,
      hint: `give a number of milliseconds in 0..${MAX_TIMER_MS}`,
    });
  }
  return Math.ceil(ms);
}

/**
 * Resolves after `ms` milliseconds (rounded up to a whole millisecond).
 *
 * @example
 * ```ts ignore
 * import { sleep } from "./timer.ts";
 * await sleep(10);
 * ```
 *
 * @param ms Milliseconds, 0 included (a pass through Deno's event loop).
 */
export async function sleep(ms: number): Promise<void> {
  const t = checkMs("sleep", ms);
  checkAsync(await library().nms_sleep(t), "sleep", "");
}

/**
 * An alarm that rings after `ms` milliseconds unless cancelled first: `rang` resolves to true
 * when it rang, to false when it was cancelled. Dispose of it (`await using`, or await
 * {@link Alarm.stop}) so that its worker thread and eventfd are released before the caller
 * goes on.
 *
 * @example
 * ```ts ignore
 * import { Alarm } from "./timer.ts";
 * await using alarm = new Alarm(60_000);
 * const work = new Promise<string>((r) => r("done"));
 * const first = await Promise.race([work, alarm.rang.then(() => "late")]);
 * console.log(first); // "done"; the alarm is cancelled when the block ends
 * ```
 */
export class Alarm implements AsyncDisposable {
  /** Resolves to true when the alarm rang, false when it was cancelled. */
  readonly rang: Promise<boolean>;
  #fd: number;

  /**
   * Starts the alarm.
   *
   * @param ms Milliseconds until it rings (0..{@link MAX_TIMER_MS}).
   */
  constructor(ms: number) {
    const t = checkMs("alarm", ms);
    const lib = library();
    const fd = check(lib.nms_alarm_open(), "alarm", "");
    this.#fd = fd;
    this.rang = lib.nms_alarm_wait(fd, t).then((r) => {
      lib.nms_fd_close(fd);
      this.#fd = -1;
      return checkAsync(r, "alarm", "") === 0;
    });
  }

  /** Cancels the alarm if it has not rung yet (`rang` then resolves to false). */
  cancel(): void {
    if (this.#fd >= 0) check(library().nms_alarm_cancel(this.#fd), "alarm cancel", "");
  }

  /**
   * Cancels the alarm and waits until its worker thread has let go of it.
   *
   * @returns Whether it had rung.
   */
  async stop(): Promise<boolean> {
    this.cancel();
    return await this.rang;
  }

  /** `await using`: {@link Alarm.stop}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

/** What {@link within} gives when the time ran out first. */
export const TIMED_OUT: unique symbol = Symbol("timed out");

/**
 * Settles as `p` does, or resolves to {@link TIMED_OUT} when `ms` milliseconds pass first
 * (`p` itself goes on). Its alarm is released before it returns, either way.
 *
 * @example
 * ```ts ignore
 * import { TIMED_OUT, within } from "./timer.ts";
 * const r = await within(fetchSomething(), 500);
 * if (r === TIMED_OUT) console.log("no answer within 500 ms");
 * ```
 *
 * @param p The work to wait for.
 * @param ms Milliseconds.
 */
export async function within<T>(p: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  await using alarm = new Alarm(ms);
  return await Promise.race([p, alarm.rang.then((): typeof TIMED_OUT => TIMED_OUT)]);
}
