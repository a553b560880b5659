/**
 * `pkt-gen -p N`: N Deno Workers (pkt_gen_worker.ts), each with its own
 * binding of one ring pair (pkt_gen_ports.ts) and its share of -n, as netmap's
 * pkt-gen runs N pthreads. The main thread does what the C tool's main
 * thread does: every -T ms it sums the threads' counters (shared memory, no
 * message per batch) into one rate line (min_space is the sum of the
 * threads' smallest space), and at the end it prints one summary over all
 * threads, timed from the latest start to the latest end.
 *
 * @module
 */

import { sleep, TIMED_OUT, within } from "../timer.ts";
import { PKT_GEN_MODES, type PktGenPlan } from "./pkt_gen_args.ts";
import { type Counters, newCounters } from "./pkt_gen_loops.ts";
import { Reporter } from "./pkt_gen_reporter.ts";
import {
  type PktGenThreadStart,
  sharedBytes,
  SLOT_BYTES,
  SLOT_EVENTS,
  SLOT_MIN_SPACE,
  SLOT_PKTS,
  SLOT_TIC,
  SLOT_TOC,
  SLOTS_PER_THREAD,
  type WorkerReply,
} from "./pkt_gen_thread_abi.ts";

/**
 * The longest a worker may take to start (load its modules and the library)
 * and open its port, in ms: seconds on a loaded 2-CPU machine or under QEMU.
 */
const READY_MS = 30_000;
/** How often a wait for the workers looks at ^C, in ms. */
const STOP_CHECK_MS = 50;

/** What all threads did. */
export interface ThreadsResult {
  /** Sums over the threads. */
  counters: Counters;
  /** Seconds from the latest start to the latest end, as the C tool measures. */
  seconds: number;
  /** The first thread's error, if one failed. */
  error?: string;
}

/**
 * Runs `plan` on `names.length` workers (`names[i]`: the port thread i opens;
 * undefined entries for the null sender) and reports as the C tool's main
 * thread. `stopped()` is polled every few ms (^C); every wait is bounded.
 *
 * A ^C while the workers start (load their modules and open their rings) waits
 * for them, as the C tool keeps SIGINT blocked in start_threads(): the threads
 * then start already stopped, and the summary is printed as after any ^C.
 * `abortStart()` (a second ^C) gives up on the start-up at once, naming the
 * thread that had not answered.
 *
 * @example
 * ```ts ignore
 * const r = await runThreads(plan, ["vale0:a-0", "vale0:a-1"], () => stopped, () => ints > 1);
 * console.log(r.counters.pkts, r.seconds);
 * ```
 */
export async function runThreads(
  plan: PktGenPlan,
  names: (string | undefined)[],
  stopped: () => boolean,
  abortStart: () => boolean = stopped,
): Promise<ThreadsResult> {
  const n = names.length;
  const shared = new SharedArrayBuffer(sharedBytes(n));
  const stopWord = new Int32Array(shared, 0, 1);
  const rows = new Float64Array(shared, 8, n * SLOTS_PER_THREAD);
  const each = plan.count === 0n ? Infinity : Number(plan.count / BigInt(n));
  const workers: Worker[] = [];
  const replies: Replies[] = [];
  const url = new URL("./pkt_gen_worker.ts", import.meta.url);
  let error: string | undefined;
  try {
    for (let i = 0; i < n; i++) {
      const w = new Worker(url, { type: "module" });
      workers.push(w);
      replies.push(workerReplies(w, i));
      const start: PktGenThreadStart = { plan, index: i, portName: names[i], limit: each, shared };
      w.postMessage(start);
    }
    // every thread opens its ring before any starts (as start_threads() in the C tool)
    for (let i = 0; i < n; i++) {
      const r = await withTimeout(
        replies[i].next(),
        READY_MS,
        `thread ${i}: no answer (worker start-up and port open)`,
        abortStart,
      );
      if (r.kind === "error") throw new Error(`thread ${i}: ${r.message}`);
    }
    // a ^C during the start-up: the threads start already stopped (nothing sent after it)
    if (stopped()) Atomics.store(stopWord, 0, 1);
    const ended = workers.map((w, i) => {
      const p = replies[i].next();
      w.postMessage("go");
      return p;
    });
    let done = 0;
    const finished = ended.map((p, i) =>
      p.then((r) => {
        done++;
        if (r.kind === "error" && error === undefined) {
          error = `thread ${i}: ${r.message}`;
          Atomics.store(stopWord, 0, 1);
        }
      })
    );
    const rep = new Reporter(plan);
    const sum = (): Counters => {
      const c = newCounters();
      for (let i = 0; i < n; i++) {
        const b = i * SLOTS_PER_THREAD;
        c.pkts += rows[b + SLOT_PKTS];
        c.bytes += rows[b + SLOT_BYTES];
        c.events += rows[b + SLOT_EVENTS];
        c.minSpace += rows[b + SLOT_MIN_SPACE];
      }
      return c;
    };
    const all = Promise.all(finished);
    while (done < n) {
      if (stopped()) Atomics.store(stopWord, 0, 1);
      const wait = Math.max(1, Math.min(50, plan.reportMs - (performance.now() - rep.last)));
      await Promise.race([all, sleep(wait)]);
      if (rep.due()) rep.report(sum());
    }
    rep.report(sum());
    let tic = 0, toc = 0;
    for (let i = 0; i < n; i++) {
      tic = Math.max(tic, rows[i * SLOTS_PER_THREAD + SLOT_TIC]);
      toc = Math.max(toc, rows[i * SLOTS_PER_THREAD + SLOT_TOC]);
    }
    return { counters: sum(), seconds: Math.max(0, toc - tic) / 1000, error };
  } catch (e) {
    Atomics.store(stopWord, 0, 1);
    return { counters: newCounters(), seconds: 0, error: (e as Error).message };
  } finally {
    for (const w of workers) w.terminate();
  }
}

/** The replies of one worker, in order. */
export interface Replies {
  /** The oldest reply not taken yet (waits for one when there is none). */
  next(): Promise<WorkerReply>;
}

/**
 * Queues the replies of worker `i`: a reply that arrives before anyone asks for it is kept, not
 * lost (worker 1 may be ready while the main thread still waits for worker 0).
 *
 * @example
 * ```ts ignore
 * const replies = workerReplies(new Worker(url, { type: "module" }), 0);
 * const first = await replies.next(); // { kind: "ready" }
 * ```
 */
export function workerReplies(w: Worker, i: number): Replies {
  const queued: WorkerReply[] = [];
  const waiting: ((r: WorkerReply) => void)[] = [];
  const deliver = (r: WorkerReply): void => {
    const take = waiting.shift();
    if (take) take(r);
    else queued.push(r);
  };
  w.onmessage = (e: MessageEvent<WorkerReply>): void => deliver(e.data);
  w.onerror = (e: ErrorEvent): void => {
    e.preventDefault();
    deliver({ kind: "error", message: e.message || `thread ${i} failed` });
  };
  return {
    next: (): Promise<WorkerReply> =>
      queued.length > 0 ? Promise.resolve(queued.shift()!) : new Promise((r) => waiting.push(r)),
  };
}

/** `p`, or an error after `ms` (or as soon as `stopped()`: ^C during the wait), naming `what`. */
async function withTimeout<T>(
  p: Promise<T>,
  ms: number,
  what: string,
  stopped: () => boolean = () => false,
): Promise<T> {
  const started = performance.now();
  for (;;) {
    const waited = performance.now() - started;
    const r = await within(p, Math.max(0, Math.min(STOP_CHECK_MS, ms - waited)));
    if (r !== TIMED_OUT) return r;
    if (performance.now() - started >= ms) throw new Error(`${what} within ${ms} ms`);
    if (stopped()) {
      throw new Error(`${what}: interrupted after ${Math.round(performance.now() - started)} ms`);
    }
  }
}

/**
 * True when `plan` runs on several threads (-p N > 1 for tx/rx modes).
 *
 * @example
 * ```ts ignore
 * if (usesThreads(plan)) await runThreads(plan, names, () => stopped);
 * ```
 */
export function usesThreads(plan: PktGenPlan): boolean {
  return plan.threads > 1 && PKT_GEN_MODES[plan.mode].role !== "other";
}
