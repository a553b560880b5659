/**
 * pkt-gen on a Linux TAP interface (`-i tap:NAME`): the device (opened with
 * the library's nms_tap_open, TUNSETIFF on /dev/net/tun), and the sender and
 * receiver loops over it. As netmap's pkt-gen, tx writes one frame per
 * write(2) and counts the writes that succeed; rx counts every frame the
 * interface transmits (what the kernel sends to NAME reaches pkt-gen).
 *
 * @module
 */

import { cString, library } from "../ffi.ts";
import { NetmapError } from "../errors.ts";
import { sleep } from "../timer.ts";
import { PKT_GEN_OPT, type PktGenPlan } from "./pkt_gen_args.ts";
import { addressWalk, pktGenFrames } from "./pkt_gen_frames.ts";
import { type Counters, dumpFrame, type LoopHooks, newCounters } from "./pkt_gen_loops.ts";
import { LoopYield } from "./pkt_gen_wait.ts";

/** Largest frame read from a tap. */
const MAX_FRAME = 65536;
/** The longest one read may block the event loop, in ms. */
const READ_MS = 20;
/** -W: the silence after which rx ends, in ms (as the C tool). */
const IDLE_MS = 1000;
/** How often the loops let the event loop run, in ms. */
const YIELD_MS = 20;

/** What to do about a failed tap call, by errno name. */
function tapHint(code: string, name: string): string {
  switch (code) {
    case "EIO":
      return `the interface is down: ip link set ${name} up`;
    case "EBUSY":
      return `another process holds tap ${name}: stop it or use another name`;
    case "EPERM":
    case "EACCES":
      return "run as root (or with CAP_NET_ADMIN), and as the tap's owner";
    case "ENOENT":
    case "ENODEV":
      return "the kernel has no tun/tap driver: modprobe tun";
    case "EINVAL":
      return `use a name of at most 15 characters that is not an interface of another kind`;
    default:
      return "see the detail";
  }
}

/** `ret`, or a NetmapError for a negative errno with the library's sentence and a tap hint. */
function tapCheck(ret: number, op: string, name: string): number {
  if (ret >= 0) return ret;
  const lib = library();
  const code = cString(lib.nms_errno_name(-ret));
  const detail = cString(lib.nms_last_error());
  throw new NetmapError({
    op,
    port: `tap:${name}`,
    errno: -ret,
    code,
    detail,
    hint: tapHint(code, name),
  });
}

/** A device that takes and gives whole frames (a tap, a pcap live capture). */
export interface FrameDevice {
  /** Its name, for messages. */
  readonly name: string;
  /** Sends one frame: true when taken, false when there is no room now. */
  write(frame: Uint8Array): boolean;
  /** Reads one frame into `buf`, waiting at most `timeoutMs`; its length, 0 on timeout. */
  read(buf: Uint8Array, timeoutMs: number): number;
}

/**
 * An open TAP interface (raw Ethernet frames, no packet-information prefix).
 *
 * @example
 * ```ts ignore
 * using tap = TapDevice.open("nmstap0");
 * tap.write(frame);
 * const n = tap.read(buf, 10); // bytes, 0 on timeout
 * ```
 */
export class TapDevice implements FrameDevice {
  #fd: number;

  private constructor(fd: number, readonly name: string) {
    this.#fd = fd;
  }

  /**
   * Attaches to TAP interface `name`, creating it when it does not exist
   * (it then goes away with the last close). Throws NetmapError (EBUSY: held
   * by another process, EPERM: not allowed, ...).
   *
   * @example
   * ```ts ignore
   * const tap = TapDevice.open("nmstap0");
   * ```
   */
  static open(name: string): TapDevice {
    const enc = new TextEncoder();
    const out = new Uint8Array(32);
    const fd = tapCheck(
      library().nms_tap_open(enc.encode(name + "\0"), out, BigInt(out.length)),
      "tap open",
      name,
    );
    const end = out.indexOf(0);
    return new TapDevice(fd, new TextDecoder().decode(out.subarray(0, end < 0 ? 0 : end)));
  }

  /**
   * Writes one frame: true when the kernel took it, false when its queue is full.
   *
   * @example
   * ```ts ignore
   * if (!tap.write(frame)) console.log("queue full");
   * ```
   */
  write(frame: Uint8Array): boolean {
    return tapCheck(
      library().nms_tap_write(this.#fd, frame, BigInt(frame.length)),
      "tap write",
      this.name,
    ) > 0;
  }

  /**
   * Reads one frame into `buf`, waiting at most `timeoutMs`; its length, 0 on timeout.
   *
   * @example
   * ```ts ignore
   * const n = tap.read(new Uint8Array(65536), 20);
   * ```
   */
  read(buf: Uint8Array, timeoutMs: number): number {
    return tapCheck(
      library().nms_tap_read(this.#fd, buf, BigInt(buf.length), Math.max(0, timeoutMs)),
      "tap read",
      this.name,
    );
  }

  /**
   * Closes the device (idempotent).
   *
   * @example
   * ```ts ignore
   * tap.close();
   * ```
   */
  close(): void {
    if (this.#fd >= 0) library().nms_fd_close(this.#fd);
    this.#fd = -1;
  }

  /** Closes the device (for `using`). */
  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Sends `limit` frames (Infinity: until `hooks.stop()`) on `tap` (or a pcap device); a write
 * the kernel refuses for lack of room is retried after a short pause.
 *
 * @example
 * ```ts ignore
 * const c = await transmitTap(tap, plan, 1000, { stop: () => false, progress: () => {} });
 * ```
 */
export async function transmitTap(
  tap: FrameDevice,
  plan: PktGenPlan,
  limit: number,
  hooks: LoopHooks,
): Promise<Counters> {
  const frames = await pktGenFrames(plan);
  const walk = addressWalk(plan, frames[0].length);
  const c = newCounters();
  using loop = new LoopYield(YIELD_MS);
  const start = performance.now();
  while (!hooks.stop() && c.pkts < limit) {
    const want = Math.min(plan.burst, limit - c.pkts);
    let sent = 0;
    for (; sent < want; sent++) {
      const f = frames[(c.pkts + sent) % frames.length];
      if (!tap.write(f)) break;
      if (plan.options & PKT_GEN_OPT.DUMP) dumpFrame("TX", f);
      c.bytes += f.length;
      walk?.next(f);
    }
    c.pkts += sent;
    if (sent > 0) c.events++;
    let now = performance.now();
    const ahead = plan.rate > 0 ? (c.pkts / plan.rate) * 1000 - (now - start) : 0;
    if (ahead > 0 || sent === 0) {
      await sleep(ahead > 0 ? ahead : 1);
      loop.yielded();
      now = performance.now();
    }
    if (loop.due(now)) await loop.run();
    hooks.progress(c, now);
  }
  return c;
}

/**
 * Receives on `tap` (or a pcap device) until `limit` frames came in or `hooks.stop()` (with -W:
 * after 1 s without frames once the first ones came, as the C tool).
 *
 * @example
 * ```ts ignore
 * const c = await receiveTap(tap, plan, Infinity, { stop: () => stopped, progress: () => {} });
 * ```
 */
export async function receiveTap(
  tap: FrameDevice,
  plan: PktGenPlan,
  limit: number,
  hooks: LoopHooks,
): Promise<Counters> {
  const c = newCounters();
  const buf = new Uint8Array(MAX_FRAME);
  using loop = new LoopYield(YIELD_MS);
  let lastFrame = performance.now();
  while (!hooks.stop() && c.pkts < limit) {
    const n = tap.read(buf, READ_MS);
    // -W: as the C tool, wait for the first frames, then 1 s of silence ends the run
    if (n === 0 && plan.exitWhenIdle && c.pkts > 0 && performance.now() - lastFrame >= IDLE_MS) {
      break;
    }
    if (n > 0) {
      if (c.pkts === 0) hooks.firstFrames?.(performance.now());
      lastFrame = performance.now();
      c.pkts++;
      c.bytes += n;
      c.events++;
      if (plan.options & PKT_GEN_OPT.DUMP) dumpFrame("RX", buf.subarray(0, n));
    }
    const now = performance.now();
    if (loop.due(now)) await loop.run();
    hooks.progress(c, now);
  }
  return c;
}
