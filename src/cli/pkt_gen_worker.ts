/**
 * One thread of `pkt-gen -p N` (a Deno Worker started by pkt_gen_threads.ts):
 * opens its own binding of one ring pair, says "ready", waits for "go", runs
 * the sender or receiver loop and publishes its counters in shared memory
 * after every batch. It stops on the shared stop word (^C in the main thread)
 * or its share of -n, then closes its port and says "done" (or "error").
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { openPort, type Port } from "../port.ts";
import { PKT_GEN_MODES, type PktGenPlan } from "./pkt_gen_args.ts";
import { receive, transmit } from "./pkt_gen_loops.ts";
import { errorLine } from "./main.ts";
import {
  type PktGenThreadStart,
  SLOT_BYTES,
  SLOT_EVENTS,
  SLOT_MIN_SPACE,
  SLOT_PKTS,
  SLOT_TIC,
  SLOT_TOC,
  SLOTS_PER_THREAD,
  type WorkerReply,
} from "./pkt_gen_thread_abi.ts";
import { pktGenPortOptions } from "./pkt_gen_ports.ts";

let port: Port | undefined;
let start: PktGenThreadStart | undefined;

function reply(m: WorkerReply): void {
  self.postMessage(m);
}

async function runThread(s: PktGenThreadStart): Promise<void> {
  const plan: PktGenPlan = s.plan;
  const stopWord = new Int32Array(s.shared, 0, 1);
  const mine = new Float64Array(s.shared, 8 + s.index * SLOTS_PER_THREAD * 8, SLOTS_PER_THREAD);
  let firstSeen = false;
  const hooks = {
    stop: (): boolean => Atomics.load(stopWord, 0) !== 0,
    progress: (c: { pkts: number; bytes: number; events: number; minSpace: number }): void => {
      mine[SLOT_PKTS] = c.pkts;
      mine[SLOT_BYTES] = c.bytes;
      mine[SLOT_EVENTS] = c.events;
      mine[SLOT_MIN_SPACE] = c.minSpace;
    },
    firstFrames: (now: number): void => {
      if (!firstSeen) mine[SLOT_TIC] = performance.timeOrigin + now;
      firstSeen = true;
    },
  };
  mine[SLOT_TIC] = performance.timeOrigin + performance.now();
  const c = PKT_GEN_MODES[plan.mode].role === "sender"
    ? await transmit(port, plan, s.limit, hooks)
    : await receive(port!, plan, s.limit, hooks);
  mine[SLOT_TOC] = performance.timeOrigin + performance.now();
  hooks.progress(c);
}

self.onmessage = async (e: MessageEvent<PktGenThreadStart | "go">): Promise<void> => {
  try {
    if (e.data !== "go") {
      start = e.data;
      if (start.portName !== undefined) {
        port = openPort(start.portName, pktGenPortOptions(start.plan));
      }
      reply({ kind: "ready" });
      return;
    }
    await runThread(start!);
    reply({ kind: "done" });
  } catch (err) {
    reply({ kind: "error", message: errorLine(err) });
  } finally {
    if (e.data === "go") {
      port?.close();
      self.close();
    }
  }
};
