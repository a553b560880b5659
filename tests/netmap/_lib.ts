// Helpers shared by the ported netmap tests: the model frames of one `functional` event, and
// the timeouts the tests use (short, so that a passing test takes well under a second).
import { functionalFrames, type MacInput } from "../../src/frames/mod.ts";
import { assert } from "../../src/testing/assert.ts";
import { NetmapError } from "../../src/errors.ts";
import type { Port } from "../../src/port.ts";
import {
  expect,
  type NetmapTestContext,
  type PersistentPort,
  send,
  type SendRecvParams,
  type SendResult,
  ValeSwitch,
  valeSwitch,
} from "../../src/testing/mod.ts";
import { valeList } from "../../src/vale.ts";

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

/**
 * Kernel netmap bug luigirizzo/netmap#882: registering a persistent VALE port (opening it, or
 * attaching it to a second switch, which registers it through a bwrap) renames it from
 * "SWITCH:NAME" to "NAME" (netmap_update_config() copies the interface name). The switch then
 * no longer finds "SWITCH:NAME": detaching it fails with ENXIO (and deleting it with EBUSY,
 * since it is still attached), and opening "SWITCH:NAME" again fails with EINVAL (the name is
 * taken for a NIC, which may only be attached or detached) instead of EBUSY.
 */
export const BUG_882 = "luigirizzo/netmap#882";

/**
 * The switch every test hit by #882 uses on kernel netmap. Each such test leaves its persistent
 * port attached (the switch cannot find it any more), and that port keeps its switch alive;
 * with one shared name the whole suite leaves one switch behind instead of one per test, and
 * netmap's limit of 8 switches is never reached (later tests failed with ENOMEM). The ports left
 * there are listed under their bare names and are not open, so they neither match the switch's
 * own leak check ("SWITCH:" names) nor take frames from the next tests. The tests therefore run
 * one at a time on kernel netmap (as vm-test runs them).
 */
export const BUG_882_SWITCH = "vale882";

/**
 * The switch a persistent port hit by #882 stays attached to: on kernel netmap the shared
 * {@linkcode BUG_882_SWITCH}, elsewhere a new switch with a unique name. Disposed (its ports
 * closed, its leftovers checked) by the test's scope either way.
 */
export function bug882Switch(t: NetmapTestContext): ValeSwitch {
  if (t.backend !== "kernel") return valeSwitch({ scope: t.scope, conf: t.conf });
  return t.scope.use(`switch ${BUG_882_SWITCH}`, new ValeSwitch(BUG_882_SWITCH, t.conf));
}

/**
 * True when this is kernel netmap and it lists persistent port `name` under its bare name,
 * which is how #882 shows (a correct netmap lists it as "SWITCH:NAME").
 */
export function renamedByBug882(t: NetmapTestContext, name: string): boolean {
  if (t.backend !== "kernel") return false;
  try {
    return valeList().some((e) => e.name === name);
  } catch {
    return false;
  }
}

/**
 * Ends the test as an expected failure when `error` is NetmapError `code` from kernel netmap at
 * `step` and every port in `ports` shows the #882 rename; returns otherwise (the caller then
 * treats `error` as the failure it is).
 */
export function xfailIfBug882(
  t: NetmapTestContext,
  ports: PersistentPort[],
  step: string,
  code: string,
  error: unknown,
): void {
  if (!(error instanceof NetmapError) || error.code !== code) return;
  if (ports.length === 0 || !ports.every((p) => renamedByBug882(t, p.name))) return;
  const names = ports.map((p) => p.name).join(", ");
  t.xfail(
    `${step} failed with ${code} on kernel netmap: registering the persistent port (an open, ` +
      `or an attach to a second switch through a bwrap) renamed it to ${names}, so the switch ` +
      "no longer finds it under its full name",
    { bug: BUG_882, leaves: ports.map((p) => `persistent port ${p.name}`) },
  );
}

/**
 * Detaches persistent ports from a switch (close their open handles first), each checked: it
 * must work. On kernel netmap, ports hit by #882 fail with ENXIO; when that is every failure,
 * the test ends as an expected failure naming the bug (after trying every port).
 */
export function detachChecked(
  t: NetmapTestContext,
  sw: ValeSwitch,
  ports: PersistentPort[],
): void {
  const hit: PersistentPort[] = [];
  let first: unknown;
  for (const p of ports) {
    try {
      p.detach(sw);
    } catch (e) {
      if (e instanceof NetmapError && e.code === "ENXIO" && renamedByBug882(t, p.name)) {
        hit.push(p);
        first ??= e;
        continue;
      }
      throw e;
    }
  }
  if (hit.length > 0) {
    const step = `detach ${hit.map((p) => sw.portName(p.name)).join(", ")}`;
    xfailIfBug882(t, hit, step, "ENXIO", first);
  }
}
