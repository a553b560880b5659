/**
 * Submitted but never synced: for every open Port of this process, the head
 * of each TX ring at its last txsync (or at open). A ring whose head has
 * moved past that point holds slots netmap has not been told about; when an
 * expect() times out, that is the likeliest reason, and its hint says so
 * ("port vale0:a ring 0 has 3 submitted slots never synced: call port.txsync()").
 *
 * Port calls {@linkcode trackTxPort} when it opens and {@linkcode noteTxSync}
 * after txsync() and after a ready() that synced its TX rings.
 *
 * @module
 */
import type { Port } from "../port.ts";

/** TX ring heads at the last sync, per open port (closed ports are dropped when seen). */
const synced = new Map<Port, number[]>();

function heads(port: Port): number[] {
  return port.txRings.map((r) => r.head);
}

function prune(): void {
  for (const p of synced.keys()) if (p.closed) synced.delete(p);
}

/**
 * Starts tracking a newly opened port (its current TX heads count as synced).
 *
 * @param port The port just opened.
 * @returns The same port.
 *
 * @example
 * ```ts ignore
 * return trackTxPort(new Port(...)); // done by Port itself
 * ```
 */
export function trackTxPort(port: Port): Port {
  prune();
  synced.set(port, heads(port));
  return port;
}

/**
 * Records that the port's TX rings were just synced (txsync, or a poll that
 * syncs them).
 *
 * @param port The port.
 *
 * @example
 * ```ts ignore
 * noteTxSync(port); // done by Port.txsync()
 * ```
 */
export function noteTxSync(port: Port): void {
  if (port.closed || !synced.has(port)) return;
  synced.set(port, heads(port));
}

/**
 * Records a completed ready(): netmap's poll (kernel and uvale alike) syncs
 * the TX rings that have submitted slots whichever direction it waits for
 * (unless the port was bound with NR_NO_TX_POLL, `options.noTxPoll`).
 *
 * @param port The port.
 * @param dir The direction ready() waited for.
 *
 * @example
 * ```ts ignore
 * noteTxPoll(port, "rx"); // done by Port.ready()
 * ```
 */
export function noteTxPoll(port: Port, dir: "tx" | "rx"): void {
  if (port.closed) return;
  if (dir === "tx" || !port.info.noTxPoll) noteTxSync(port);
}

/** A TX ring with submitted slots netmap was never told about. */
export interface UnsyncedTx {
  /** The port's name. */
  port: string;
  /** The TX ring's index. */
  ring: number;
  /** Slots submitted (head moved) since the last sync. */
  slots: number;
}

/**
 * Every TX ring of an open port in this process whose head moved since its
 * last sync.
 *
 * @returns One entry per such ring (empty when every submission was synced).
 *
 * @example
 * ```ts
 * import { unsyncedTx } from "./tx_pending.ts";
 * for (const u of unsyncedTx()) console.log(`${u.port} ring ${u.ring}: ${u.slots}`);
 * ```
 */
export function unsyncedTx(): UnsyncedTx[] {
  prune();
  const out: UnsyncedTx[] = [];
  for (const [port, was] of synced) {
    port.txRings.forEach((r, k) => {
      const d = r.head - was[k];
      const slots = d < 0 ? d + r.numSlots : d;
      if (slots > 0) out.push({ port: port.name, ring: r.index, slots });
    });
  }
  return out;
}

/**
 * The hint an expect() timeout gives when TX slots were submitted but never
 * synced, or undefined when there are none.
 *
 * @returns E.g. "port vale0:a ring 0 has 3 submitted slots never synced: call port.txsync()".
 *
 * @example
 * ```ts
 * import { unsyncedTxHint } from "./tx_pending.ts";
 * console.log(unsyncedTxHint() ?? "every submitted TX slot was synced");
 * ```
 */
export function unsyncedTxHint(): string | undefined {
  const list = unsyncedTx();
  if (list.length === 0) return undefined;
  const parts = list.map((u) =>
    `port ${u.port} ring ${u.ring} has ${u.slots} submitted slot${
      u.slots === 1 ? "" : "s"
    } never synced`
  );
  return `${parts.join("; ")}: call port.txsync()`;
}
