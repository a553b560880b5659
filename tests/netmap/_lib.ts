// Helpers shared by the ported netmap tests: the model frames of one `functional` event, and
// the timeouts the tests use (short, so that a passing test takes well under a second).
import { functionalFrames, type MacInput } from "../../src/frames/mod.ts";
import assert from "node:assert/strict";
import { NetmapError } from "../../src/errors.ts";
import type { Port } from "../../src/port.ts";
import { expect, send, type SendRecvParams, type SendResult } from "../../src/testing/mod.ts";

/** Wait for frames that must come (functional's -T 1, shortened: they come at once or never). */
export const ARRIVAL_MS = 500;
/** Watch for frames that must not come (functional -n with its 1 s timeout, shortened). */
export const SILENCE_MS = 100;

/** MACs of an event (functional's -s and -d; defaults 00:..:00 and broadcast). */
export interface EventMacs {
  /** Source MAC. */
  src?: MacInput;
  /** Destination MAC. */
  dst?: MacInput;
}

/**
 * The frames of one `functional` event LEN:FILL:NUM with the test's parameters (-q advances the
 * fill after every frame).
 */
export function eventFrames(p: SendRecvParams, macs: EventMacs = {}): Uint8Array[] {
  return functionalFrames({
    len: p.len,
    fill: p.fill,
    count: p.num,
    sequential: p.seq,
    src: macs.src,
    dst: macs.dst,
  });
}

/** A random unicast, locally administered MAC (test_lib's get_random_MAC, never multicast). */
export function randomMac(): string {
  const b = crypto.getRandomValues(new Uint8Array(6));
  b[0] = (b[0] & 0xfc) | 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, "0")).join(":");
}

/**
 * Asserts that `action` fails with NetmapError `code` (functional exiting 1 in netmap's tests).
 * Returns the error for further checks.
 */
export function assertFailsWith(code: string, what: string, action: () => unknown): NetmapError {
  try {
    action();
  } catch (e) {
    if (e instanceof NetmapError && e.code === code) return e;
    throw new Error(`${what}: expected ${code}, got ${e instanceof Error ? e.message : e}`);
  }
  throw new Error(`${what}: expected ${code}, but it succeeded`);
}

/** Extra buffers asked for by the extra-buffer tests (functional -e 12). */
export const EXTRA_BUFFERS = 12;

/**
 * Sends from the port's extra buffers (functional -e): checks that some were granted, that
 * each slot used took one (up to the number granted) and that the port's free list still
 * holds as many buffers afterwards (the displaced ring buffers), so netmap frees them on close.
 */
export async function sendFromExtraBuffers(port: Port, frames: Uint8Array[]): Promise<SendResult> {
  const granted = port.info.extraBuffers;
  if (granted < 1) {
    throw new Error(`${port.name}: asked for ${EXTRA_BUFFERS} extra buffers, got none`);
  }
  const before = port.extraBuffers();
  assert.equal(before.length, granted, "extra-buffer list length");
  assert.equal(new Set(before).size, granted, "extra-buffer indices are distinct");
  const r = await send(port, frames, { extraBuffers: true });
  assert.equal(r.extraBuffersUsed, Math.min(granted, r.slots), "slots that took an extra buffer");
  assert.equal(port.extraBuffers().length, granted, "extra-buffer list length after the send");
  return r;
}

/**
 * One sender and its receivers at the same time, as netmap's scripts run them (receivers in
 * the background, then the sender): every receiver must get `frames`, in order.
 */
export async function deliver(
  from: Port,
  frames: Uint8Array[],
  to: Port[],
  options: DeliverOptions = {},
): Promise<void> {
  const timeoutMs = ARRIVAL_MS + frames.length; // more frames, more time
  const sender = options.send ?? ((p: Port, f: Uint8Array[]) => send(p, f));
  await Promise.all([
    ...to.map((p) => expect(p, frames, { timeoutMs, ignoreOthers: options.ignoreOthers })),
    sender(from, frames),
  ]);
}

/** Options of {@linkcode deliver}. */
export interface DeliverOptions {
  /** How to send (default: send()); e.g. sendFromExtraBuffers. */
  send?: (port: Port, frames: Uint8Array[]) => Promise<unknown>;
  /** Receivers skip frames that are not the model (a Linux peer may add its own). */
  ignoreOthers?: boolean;
}
