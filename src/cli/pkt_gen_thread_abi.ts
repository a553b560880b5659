/**
 * What the main thread of `pkt-gen -p N` and its workers share: the start
 * message, the replies, and the layout of the shared counters (one Int32
 * stop word, then per thread a row of Float64 slots the worker writes after
 * every batch and the main thread sums for its reports).
 *
 * @module
 */

import type { PktGenPlan } from "./pkt_gen_args.ts";

/** Float64 slots per thread in the shared counters. */
export const SLOTS_PER_THREAD = 6;
/** Packets so far. */
export const SLOT_PKTS = 0;
/** Bytes so far. */
export const SLOT_BYTES = 1;
/** Batches so far. */
export const SLOT_EVENTS = 2;
/** Smallest free TX space seen. */
export const SLOT_MIN_SPACE = 3;
/** When the loop started (ms since the epoch). */
export const SLOT_TIC = 4;
/** When the loop ended (ms since the epoch; 0 while running). */
export const SLOT_TOC = 5;

/**
 * Bytes of shared memory for `threads` threads.
 *
 * @example
 * ```ts
 * import { sharedBytes } from "./pkt_gen_thread_abi.ts";
 * const shared = new SharedArrayBuffer(sharedBytes(2));
 * console.log(shared.byteLength); // 104
 * ```
 */
export function sharedBytes(threads: number): number {
  return 8 + threads * SLOTS_PER_THREAD * 8;
}

/** The first message to a worker. */
export interface PktGenThreadStart {
  /** The run's plan. */
  plan: PktGenPlan;
  /** This thread's number, 0..N-1. */
  index: number;
  /** The binding this thread opens (its ring), or undefined for the null sender. */
  portName?: string;
  /** Packets this thread sends or receives (-n / N; Infinity for none). */
  limit: number;
  /** The shared counters (see {@linkcode sharedBytes}). */
  shared: SharedArrayBuffer;
}

/** What a worker says: its port is open, its loop ended, or it failed. */
export type WorkerReply =
  | { kind: "ready" }
  | { kind: "done" }
  | { kind: "error"; message: string };
