/**
 * pkt-gen's sender and receiver loops on a netmap port (or the null sender),
 * the same in the main thread (`-p 1`) and in each worker of `-p N`. A loop
 * counts into {@linkcode Counters} and hands them to its caller's
 * `progress` hook after every batch: the main thread prints a report when
 * one is due, a worker publishes them to the main thread.
 *
 * Speed: as netmap's pkt-gen, tx writes the frame into a buffer only when the
 * buffer is new to it (NS_BUF_CHANGED, set on every slot at start; every slot
 * with -o COPY/MEMCPY, --vlan or an address walk; never with -o RUBBISH), so that a
 * send usually writes only `len` and `flags`. The per-slot loops run over
 * `Ring.view()` (pkt_gen_rings.ts) with one txsync/poll per batch; several
 * pcap frames, fragments (-F/-M) and -o DUMP take a slower general path.
 *
 * @module
 */

import { layout } from "../layout.ts";
import type { Port } from "../port.ts";
import type { Ring } from "../ring.ts";
import { sleep } from "../timer.ts";
import { PKT_GEN, PKT_GEN_OPT, type PktGenPlan } from "./pkt_gen_args.ts";
import { addressWalk, pktGenFrames } from "./pkt_gen_frames.ts";
import type { AddressWalk } from "./pkt_gen_addr.ts";
import {
  countRx,
  fillTx,
  markAllChanged,
  PKT_GEN_SEQ_OFFSET as SEQ_OFFSET,
  type SeqCheck,
  type TxTemplate,
} from "./pkt_gen_rings.ts";
import { LoopYield, pollNow, RingWaiter } from "./pkt_gen_wait.ts";
import { writeAll } from "./outcome.ts";

/** What a loop has done so far. */
export interface Counters {
  /** Packets sent or received. */
  pkts: number;
  /** Their bytes. */
  bytes: number;
  /** Batches that moved at least one packet. */
  events: number;
  /** The smallest free TX space seen (0 before the first look). */
  minSpace: number;
}

/** How a loop talks to its caller. */
export interface LoopHooks {
  /** True once the run must end (^C in any thread). */
  stop(): boolean;
  /** Called after every batch with the counters and performance.now(). */
  progress(c: Counters, now: number): void;
  /**
   * Called once by the receive loops when the first frames are there, with
   * performance.now(): the C tool starts its clock then, not at start-up.
   */
  firstFrames?(now: number): void;
}

/** How long a busy loop may keep the event loop from running (timers, ^C), in ms. */
const YIELD_MS = 20;
/** The longest one poll may block the event loop, in ms (the loops check ^C in between). */
export const POLL_MS = 20;
/** -W: the silence after which rx ends, in ms (as the C tool). */
const IDLE_MS = 1000;
/**
 * A busy loop reads the clock once every this many iterations (and on every idle one): a clock
 * read is a system call plus a device read where the clocksource is not the TSC (HPET in QEMU
 * TCG guests), which the C tool's loops never pay per batch. 16 batches are well within the
 * 20 ms yield and the 1 s reports.
 */
const CLOCK_EVERY = 16;

const err = (s: string): void => writeAll(Deno.stderr, s);

/**
 * Fresh counters.
 *
 * @example
 * ```ts
 * import { newCounters } from "./pkt_gen_loops.ts";
 * console.log(newCounters().pkts); // 0
 * ```
 */
export function newCounters(): Counters {
  return { pkts: 0, bytes: 0, events: 0, minSpace: 0 };
}

/**
 * Prints a frame as -X does (hex rows of 16 bytes, on stderr).
 *
 * @example
 * ```ts
 * import { dumpFrame } from "./pkt_gen_loops.ts";
 * dumpFrame("TX", new Uint8Array(4));
 * ```
 */
export function dumpFrame(kind: string, frame: Uint8Array): void {
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

/** The TX fast path's template, or undefined when the general path must run. */
function fastTemplate(
  port: Port,
  frames: Uint8Array[],
  plan: PktGenPlan,
  walk: AddressWalk | undefined,
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
  const t: TxTemplate = {
    frame,
    minLen: plan.pktMinSize > 0 ? Math.min(plan.pktMinSize, frame.length) : 0,
    seq: plan.mode === "txseq",
    // with --vlan on kernel netmap, the VLAN module untags in the sender's buffer, so every
    // slot is rewritten; uvale edits the tag while copying and leaves the buffer alone
    copy: o & PKT_GEN_OPT.RUBBISH ? "never" : o & (PKT_GEN_OPT.COPY | PKT_GEN_OPT.MEMCPY) ||
        (plan.vlan !== undefined && port.info.backend === "kernel") || walk !== undefined
      ? "always"
      : "changed",
  };
  if (walk !== undefined && t.copy === "always") t.vary = walk;
  return t;
}

/** General TX path (several frames, fragments, -o DUMP): copies every frame. */
function fillGeneral(
  ring: Ring,
  want: number,
  frames: Uint8Array[],
  plan: PktGenPlan,
  c: Counters,
  more: number,
  walk: AddressWalk | undefined,
): number {
  const seq = plan.mode === "txseq";
  let i = ring.head;
  const perFrame = Math.max(plan.frags, Math.ceil(plan.pktSize / ring.bufSize));
  let room = Math.floor(ring.space() / perFrame);
  let sent = 0;
  while (room > 0 && sent < want) {
    const base = frames[(c.pkts + sent) % frames.length];
    let f = base;
    if (plan.pktMinSize > 0) {
      const size = plan.pktMinSize +
        Math.floor(Math.random() * (plan.pktSize - plan.pktMinSize + 1));
      f = f.subarray(0, Math.min(size, f.length));
    }
    if (seq && f.length >= SEQ_OFFSET + 4) {
      f = f.slice();
      new DataView(f.buffer).setUint32(SEQ_OFFSET, (c.pkts + sent) >>> 0);
    }
    if (plan.options & PKT_GEN_OPT.DUMP) dumpFrame("TX", f);
    i = putFrame(ring, i, f, plan, more);
    walk?.next(base);
    c.bytes += f.length;
    sent++;
    room--;
  }
  ring.head = i;
  ring.cur = i;
  return sent;
}

/**
 * Sends on `port` (undefined: the null sender, which only counts) until
 * `limit` packets are out or `hooks.stop()`; returns the counters.
 *
 * @example
 * ```ts ignore
 * const c = await transmit(port, plan, plan.count === 0n ? Infinity : Number(plan.count), {
 *   stop: () => false,
 *   progress: () => {},
 * });
 * ```
 */
export async function transmit(
  port: Port | undefined,
  plan: PktGenPlan,
  limit: number,
  hooks: LoopHooks,
): Promise<Counters> {
  const frames = await pktGenFrames(plan);
  const walk = addressWalk(plan, frames[0].length);
  const c = newCounters();
  const more = layout().constant("NS_MOREFRAG");
  const fast = port === undefined ? undefined : fastTemplate(port, frames, plan, walk);
  if (port !== undefined && fast !== undefined) port.txRings.forEach(markAllChanged);
  using loop = new LoopYield(YIELD_MS);
  const room = port === undefined ? undefined : new RingWaiter(port, "tx", plan.spinUs);
  const start = performance.now();
  let iterations = 0;
  while (!hooks.stop() && c.pkts < limit) {
    const want = Math.min(plan.burst, limit - c.pkts);
    let sent = 0;
    if (port === undefined) {
      if (frames.length === 1 && walk === undefined) {
        sent = want;
        c.bytes += want * frames[0].length;
      } else {
        for (; sent < want; sent++) {
          const f = frames[(c.pkts + sent) % frames.length];
          c.bytes += f.length;
          walk?.next(f);
        }
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
          sent += fillGeneral(ring, want - sent, frames, plan, c, more, walk);
        }
        if (sent >= want) break;
      }
      port.txsync();
      // no room: wait for some (re-syncing a moment first, then poll as the C tool); the loop
      // ends on -n or ^C. A paced sender (-R) has time to spare: it polls at once.
      if (sent === 0) room!.wait(POLL_MS, plan.rate === 0);
    }
    c.pkts += sent;
    if (sent > 0) c.events++;
    // -R paces every batch; otherwise the clock is read every CLOCK_EVERY batches or when idle
    if (plan.rate === 0 && sent > 0 && ++iterations % CLOCK_EVERY !== 0) continue;
    const now = performance.now();
    if (plan.rate > 0) {
      const ahead = (c.pkts / plan.rate) * 1000 - (now - start);
      if (ahead > 0) {
        await sleep(ahead);
        loop.yielded();
      }
    }
    if (loop.due(now)) await loop.run(); // let signal listeners and timers run
    hooks.progress(c, now);
  }
  if (port !== undefined) await drain(port);
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
 *
 * @example
 * ```ts ignore
 * using loop = new LoopYield(20);
 * if (await waitRx(port, 1000, loop, () => stopped)) console.log("frames");
 * ```
 */
export async function waitRx(
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

/**
 * Receives on `port` until `limit` packets came in or `hooks.stop()`
 * (with -W: after 1 s without frames once the first ones came, as the C
 * tool).
 *
 * @example
 * ```ts ignore
 * const c = await receive(port, plan, Infinity, { stop: () => stopped, progress: () => {} });
 * ```
 */
export async function receive(
  port: Port,
  plan: PktGenPlan,
  limit: number,
  hooks: LoopHooks,
): Promise<Counters> {
  const c = newCounters();
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
  const frames = new RingWaiter(port, "rx", plan.spinUs);
  let lastFrames = performance.now();
  let iterations = 0;
  let framesSinceClock = false;
  let got = false;
  while (!hooks.stop() && c.pkts < limit) {
    // sync the rings (releasing what was counted) and sleep (bounded) only when nothing is
    // there, as the C tool's poll; while frames flow, re-sync a moment before sleeping
    got = frames.wait(POLL_MS, got);
    const before = c.pkts;
    if (got) {
      if (before === 0 && hooks.firstFrames && port.rxRings.some((r) => r.space() > 0)) {
        hooks.firstFrames(performance.now());
      }
      for (let r = 0; r < port.rxRings.length; r++) {
        const ring = port.rxRings[r];
        // at most -b slots per ring and poll, as the C tool: the sender refills the part
        // already released while this part is counted (a whole ring per poll would make the
        // two sides take turns)
        const n = ring.peek(Math.min(plan.burst, ring.numSlots - 1));
        const m = countRx(ring, n, c, limit, checks[r]);
        if (dumping) { for (let k = 0; k < m; k++) dumpFrame("RX", ring.frame(ring.slot(k))); }
        ring.release(m);
      }
      if (c.pkts > before) {
        c.events++;
        framesSinceClock = true;
      }
      // busy: the clock only every CLOCK_EVERY batches
      if (++iterations % CLOCK_EVERY !== 0) continue;
    }
    const now = performance.now();
    if (framesSinceClock) {
      lastFrames = now;
      framesSinceClock = false;
    } else if (!got && plan.exitWhenIdle && c.pkts > 0 && now - lastFrames >= IDLE_MS) {
      // -W: as the C tool, wait for the first frames however long, then 1 s of silence ends it
      break;
    }
    if (loop.due(now)) await loop.run(); // let signal listeners and timers run
    hooks.progress(c, now);
  }
  return c;
}
