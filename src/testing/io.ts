/**
 * send / expect / expectNothing over a Port, the way netmap's `functional`
 * tool drives a port, with typed errors and a readable diff:
 *
 * - send() fills TX slots in batches (reserve, fill, submit, one txsync per
 *   batch), splits long frames over several slots with NS_MOREFRAG, can put
 *   the frames into the port's extra buffers and at per-slot offsets, and
 *   waits for TX space with `port.ready("tx")` until a finite deadline;
 * - expect() reassembles received frames (NS_MOREFRAG), matches each one
 *   against a builder, bytes or a field pattern, and waits with
 *   `port.ready("rx")` until `count` frames matched or the timeout passed;
 * - expectNothing() waits the whole timeout and fails if anything arrives.
 *
 * Every frame sent or seen is recorded in the active {@linkcode Capture}
 * (netmapTest's); in a plain script, in a capture of the script, written out
 * (pcaps + diff.txt, see artifacts.ts) when an expectation fails.
 *
 * @module
 */
import { ERRNO, invalidArgument, NetmapError } from "../errors.ts";
import { FrameBuilder } from "../frames/builder.ts";
import { describeMismatch, type Expected, match } from "../frames/matcher.ts";
import { parseFrame } from "../frames/parser.ts";
import { patternProblem } from "../frames/pattern_check.ts";
import { layout } from "../layout.ts";
import type { Port } from "../port.ts";
import type { Ring } from "../ring.ts";
import { sleep } from "../timer.ts";
import { scriptName, writeFailureArtifacts } from "./artifacts.ts";
import { activeCapture, Capture } from "./capture.ts";
import { unsyncedTxHint } from "./tx_pending.ts";

/**
 * A frame to send: bytes or a builder.
 *
 * @example
 * ```ts ignore
 * import { eth, type FrameInput, send } from "../../mod.ts";
 * const frames: FrameInput[] = [eth({}).arp({}), new Uint8Array(60)];
 * await send(port, frames, { timeoutMs: 500 });
 * ```
 */
export type FrameInput = Uint8Array | FrameBuilder;

/**
 * Options of {@linkcode send}.
 *
 * @example
 * ```ts ignore
 * import { eth, send, type SendOptions } from "../../mod.ts";
 * const opts: SendOptions = { timeoutMs: 500, fragmentSize: 512 };
 * await send(port, eth({}).arp({}).padTo(1500), opts);
 * ```
 */
export interface SendOptions {
  /** How long to wait for TX space, in ms (finite; default 1000). */
  timeoutMs?: number;
  /** Send on this TX ring only (default: every bound TX ring, in order, like functional). */
  ring?: number;
  /** At most this many bytes per slot (functional's -F; default: what the buffer holds). */
  fragmentSize?: number;
  /**
   * Per-slot offset where each fragment starts (the port must be opened with
   * offsets). A number for every slot, or a function of the frame number and
   * the fragment number. Default: leave each slot's offset as it is.
   */
  offset?: number | ((frame: number, fragment: number) => number);
  /** Put the frames into the port's extra buffers (swapped into the TX slots). */
  extraBuffers?: boolean;
  /** Set NS_REPORT on the last slot of each frame, as functional does (default true). */
  report?: boolean;
}

/**
 * What {@linkcode send} did.
 *
 * @example
 * ```ts ignore
 * import { eth, send, type SendResult } from "../../mod.ts";
 * const r: SendResult = await send(port, eth({}).arp({}), { timeoutMs: 500 });
 * console.log(r.frames, r.slots, r.txsyncs);
 * ```
 */
export interface SendResult {
  /** Frames sent. */
  frames: number;
  /** Slots used. */
  slots: number;
  /** txsync calls made (one per batch). */
  txsyncs: number;
  /** Slots whose buffer was swapped for an extra buffer. */
  extraBuffersUsed: number;
}

/**
 * Options of {@linkcode expect}.
 *
 * @example
 * ```ts ignore
 * import { expect, type ExpectOptions } from "../../mod.ts";
 * const opts: ExpectOptions = { count: 2, timeoutMs: 500, ignoreOthers: true };
 * await expect(port, { udp: { dstPort: 9 } }, opts);
 * ```
 */
export interface ExpectOptions {
  /** How many matching frames to wait for (default 1, or the length of an array of matchers). */
  count?: number;
  /** How long to wait, in ms (finite; default 1000). */
  timeoutMs?: number;
  /** Skip frames that do not match instead of failing (functional's -g). */
  ignoreOthers?: boolean;
  /** Receive on this RX ring only (default: every bound RX ring). */
  ring?: number;
}

/**
 * Options of {@linkcode expectNothing}.
 *
 * @example
 * ```ts ignore
 * import { expectNothing, type ExpectNothingOptions } from "../../mod.ts";
 * const opts: ExpectNothingOptions = { timeoutMs: 100 };
 * await expectNothing(port, opts);
 * ```
 */
export interface ExpectNothingOptions {
  /** How long to watch, in ms (finite; default 200). */
  timeoutMs?: number;
  /** Watch this RX ring only (default: every bound RX ring). */
  ring?: number;
}

/** What went wrong in an {@linkcode ExpectError}. */
export type ExpectFailure = "timeout" | "mismatch" | "unexpected";

/** The `code` of an {@linkcode ExpectError} for each kind of failure. */
export const EXPECT_CODES: Readonly<Record<ExpectFailure, string>> = Object.freeze({
  /** Too few matching frames before the timeout. */
  timeout: "ETIMEDOUT",
  /** A received frame differs from the expected one. */
  mismatch: "EMISMATCH",
  /** A frame arrived where none was expected (expectNothing). */
  unexpected: "EUNEXPECTED",
});

/**
 * A failed expectation. `kind` and `code` say which:
 *
 * - "timeout" / `ETIMEDOUT` (errno 110): too few matching frames before the timeout;
 * - "mismatch" / `EMISMATCH` (errno 0: no system error): a frame did not match;
 * - "unexpected" / `EUNEXPECTED` (errno 0): a frame arrived where none was expected.
 *
 * The message is one block: the summary line, the diff indented below it,
 * then the hint. `diff` is the readable account alone (also written to
 * diff.txt when the test or script fails).
 *
 * @example
 * ```ts ignore
 * import { expect, ExpectError } from "../../mod.ts";
 * try {
 *   await expect(port, { udp: { dstPort: 9 } }, { timeoutMs: 100 });
 * } catch (e) {
 *   if (e instanceof ExpectError && e.code === "EMISMATCH") console.log(e.diff);
 * }
 * ```
 */
export class ExpectError extends NetmapError {
  /** What went wrong: "timeout", "mismatch" or "unexpected". */
  readonly kind: ExpectFailure;
  /** Expected vs. received, one paragraph. */
  readonly diff: string;
  /** The frames that matched before the failure. */
  readonly matched: Uint8Array[];
  /** The frames that did not match (the culprit, or those ignored). */
  readonly others: Uint8Array[];

  /**
   * Creates the error with its diff and frames.
   *
   * @param init op, port, kind, summary, diff, frames and hint.
   */
  constructor(init: {
    op: string;
    port: string;
    kind: ExpectFailure;
    summary: string;
    diff: string;
    matched: Uint8Array[];
    others: Uint8Array[];
    hint: string;
  }) {
    const code = EXPECT_CODES[init.kind];
    super({
      op: init.op,
      port: init.port,
      errno: init.kind === "timeout" ? ERRNO.ETIMEDOUT : 0,
      code,
      summary: init.summary,
      detail: init.diff,
      hint: init.hint,
    });
    const body = init.diff.split("\n").map((l) => `  ${l}`).join("\n");
    this.message = `${init.op} ${init.port}: ${init.summary} (${code})\n${body}\n` +
      `  hint: ${init.hint}`;
    this.name = "ExpectError";
    this.kind = init.kind;
    this.diff = init.diff;
    this.matched = init.matched;
    this.others = init.others;
  }
}

/** The capture of a plain script (no netmapTest): created on first use. */
let scriptLog: Capture | undefined;

/** Where send/expect record: the test's capture, else the script's. */
function recorder(): { capture: Capture; script: boolean } {
  const active = activeCapture();
  if (active) return { capture: active, script: false };
  scriptLog ??= new Capture(scriptName());
  return { capture: scriptLog, script: true };
}

/** Outside a test, a failed expectation writes the script's artifacts at once. */
async function failed(log: { capture: Capture; script: boolean }, e: ExpectError): Promise<never> {
  if (log.script) await writeFailureArtifacts(log.capture, log.capture.name, e);
  throw e;
}

/** Rejects a pattern with a key the matcher does not know, before anything is received. */
function checkExpected(port: Port, expected: Expected, where: string): void {
  if (expected instanceof FrameBuilder || expected instanceof Uint8Array) return;
  const p = patternProblem(expected, where);
  if (p) {
    throw new NetmapError({
      op: "expect",
      port: port.name,
      errno: ERRNO.EINVAL,
      summary: p.summary,
      hint: p.hint,
    });
  }
}

const MAX_FRAME = 65535;

function checkTimeout(op: string, port: Port, v: number | undefined, d: number): number {
  const t = v ?? d;
  if (!Number.isInteger(t) || t < 0 || t > 0x7fffffff) {
    throw invalidArgument(op, port.name, `timeoutMs must be a finite integer >= 0, got ${t}`);
  }
  return t;
}

function pickRings(op: string, port: Port, dir: "tx" | "rx", ring?: number): readonly Ring[] {
  if (ring !== undefined) return [dir === "tx" ? port.txRing(ring) : port.rxRing(ring)];
  const rings = dir === "tx" ? port.txRings : port.rxRings;
  if (rings.length === 0) throw invalidArgument(op, port.name, `the port has no bound ${dir} ring`);
  return rings;
}

/**
 * A one-line account of a frame: length, MACs, VLANs, addresses, ports.
 *
 * @example
 * ```ts
 * import { describeFrame } from "./io.ts";
 * import { functionalFrame } from "../frames/functional_model.ts";
 * console.log(describeFrame(functionalFrame({ len: 60 })));
 * ```
 *
 * @param frame The frame.
 * @returns E.g. "60 B 00:00:00:00:00:00 > ff:ff:ff:ff:ff:ff IPv4 10.0.0.5 > 10.0.0.7 UDP 0 > 0".
 */
export function describeFrame(frame: Uint8Array): string {
  const p = parseFrame(frame);
  const parts = [`${p.length} B`];
  if (p.eth) parts.push(`${p.eth.src} > ${p.eth.dst}`);
  for (const v of p.vlan) parts.push(`vlan ${v.vid}`);
  if (p.arp) parts.push(`ARP ${p.arp.senderIp} > ${p.arp.targetIp}`);
  if (p.ipv4) parts.push(`IPv4 ${p.ipv4.src} > ${p.ipv4.dst}`);
  if (p.ipv6) parts.push(`IPv6 ${p.ipv6.src} > ${p.ipv6.dst}`);
  if (p.udp) parts.push(`UDP ${p.udp.srcPort} > ${p.udp.dstPort}`);
  if (p.tcp) parts.push(`TCP ${p.tcp.srcPort} > ${p.tcp.dstPort}`);
  if (p.payload.length > 0) {
    const b = p.payload[0];
    const fill = p.payload.every((x) => x === b);
    parts.push(
      fill
        ? `payload ${p.payload.length} x ${
          b >= 0x20 && b < 0x7f ? `'${String.fromCharCode(b)}'` : b
        }`
        : `payload ${p.payload.length} B`,
    );
  }
  return parts.join(" ");
}

function describeExpected(e: Expected): string {
  if (e instanceof Uint8Array) return describeFrame(e);
  if (e instanceof FrameBuilder) return describeFrame(e.build());
  return `pattern ${
    JSON.stringify(e, (_k, v) => v instanceof Uint8Array ? `<${v.length} bytes>` : v)
  }`;
}

function toBytes(f: FrameInput, k: number, port: Port): Uint8Array {
  const b = f instanceof FrameBuilder ? f.build() : f;
  if (!(b instanceof Uint8Array) || b.length < 1 || b.length > MAX_FRAME) {
    throw invalidArgument(
      "send",
      port.name,
      `frame ${k} must be 1..${MAX_FRAME} bytes (a Uint8Array or a FrameBuilder)`,
    );
  }
  return b;
}

/** Slot flag values, read once from the layout table. */
function slotFlags(): { moreFrag: number; report: number; bufChanged: number } {
  const l = layout();
  return {
    moreFrag: l.constant("NS_MOREFRAG"),
    report: l.constant("NS_REPORT"),
    bufChanged: l.constant("NS_BUF_CHANGED"),
  };
}

/**
 * Sends frames: batches of reserve/fill/submit with one txsync per batch,
 * waiting for TX space until the timeout. Frames longer than a buffer (or
 * than `fragmentSize`) take several slots, all but the last flagged
 * NS_MOREFRAG.
 *
 * @example Send three frames
 * ```ts ignore
 * import { eth, send } from "../../mod.ts";
 * const f = eth({}).ipv4({ src: "10.0.0.1", dst: "10.0.0.2" }).udp({ dstPort: 9 }).padTo(274);
 * await send(port, [f, f, f], { timeoutMs: 500 });
 * ```
 *
 * @param port An open port.
 * @param frames One frame or a list.
 * @param options See {@linkcode SendOptions}.
 * @returns Counts of frames, slots and txsyncs.
 * @throws NetmapError ETIMEDOUT when TX space did not come in time (`detail` says how many went).
 */
export async function send(
  port: Port,
  frames: FrameInput | Iterable<FrameInput>,
  options: SendOptions = {},
): Promise<SendResult> {
  const timeout = checkTimeout("send", port, options.timeoutMs, 1000);
  const list = (frames instanceof Uint8Array || frames instanceof FrameBuilder)
    ? [toBytes(frames, 0, port)]
    : [...frames].map((f, k) => toBytes(f, k, port));
  const rings = pickRings("send", port, "tx", options.ring);
  const frag = options.fragmentSize;
  if (frag !== undefined && !(Number.isInteger(frag) && frag >= 1)) {
    throw invalidArgument("send", port.name, `fragmentSize must be an integer >= 1, got ${frag}`);
  }
  const offsetOf = options.offset === undefined
    ? undefined
    : typeof options.offset === "number"
    ? ((v: number) => () => v)(options.offset)
    : options.offset;
  if (offsetOf !== undefined && rings.some((r) => r.maxOffset <= 0)) {
    throw invalidArgument(
      "send",
      port.name,
      "per-slot offsets need a port opened with offsets (openPort(name, { offsets }))",
    );
  }
  const flags = slotFlags();
  const report = options.report ?? true;
  const pool = options.extraBuffers ? port.extraBuffers() : [];
  if (options.extraBuffers && pool.length === 0) {
    throw invalidArgument(
      "send",
      port.name,
      "extraBuffers: the port has no extra buffers (open it with { extraBuffers: N })",
    );
  }
  let swapsLeft = pool.length;
  const capture = recorder().capture;
  const result: SendResult = { frames: 0, slots: 0, txsyncs: 0, extraBuffersUsed: 0 };
  const deadline = performance.now() + timeout;

  // Plans the slots of frame `f` starting at the k-th free slot of `ring`:
  // the number of slots, or 0 when it can never fit this ring.
  const plan = (ring: Ring, f: number, k: number): number => {
    const bytes = list[f];
    let left = bytes.length;
    let n = 0;
    while (left > 0) {
      if (k + n >= ring.numSlots - 1) return 0;
      const off = offsetOf
        ? checkOffset(ring, offsetOf(f, n), f, n)
        : ring.maxOffset > 0
        ? ring.offset(ring.slot(k + n))
        : 0;
      let room = ring.bufSize - off;
      if (frag !== undefined && frag < room) room = frag;
      if (room <= 0) return 0;
      left -= room;
      n++;
    }
    return n;
  };

  // Offsets are checked while planning, before any slot is reserved.
  const checkOffset = (ring: Ring, off: number, f: number, n: number): number => {
    if (!(Number.isInteger(off) && off >= 0 && off <= ring.maxOffset)) {
      throw invalidArgument(
        "send",
        port.name,
        `offset ${off} of frame ${f}, fragment ${n} is outside 0..${ring.maxOffset} ` +
          "(the maximum offset the port was opened with)",
      );
    }
    return off;
  };

  const fill = (ring: Ring, f: number, k: number, n: number): void => {
    const bytes = list[f];
    let pos = 0;
    for (let j = 0; j < n; j++) {
      const i = ring.slot(k + j);
      let extra = 0;
      if (swapsLeft > 0) {
        const idx = pool.shift() as number;
        pool.push(ring.bufIdx(i));
        ring.setBufIdx(i, idx);
        swapsLeft--;
        result.extraBuffersUsed++;
        extra = flags.bufChanged;
      }
      if (offsetOf) ring.setOffset(i, offsetOf(f, j));
      let room = ring.bufSize - (ring.maxOffset > 0 ? ring.offset(i) : 0);
      if (frag !== undefined && frag < room) room = frag;
      const end = Math.min(bytes.length, pos + room);
      ring.write(i, bytes.subarray(pos, end));
      pos = end;
      const last = j === n - 1;
      ring.setSlotFlags(i, (last ? (report ? flags.report : 0) : flags.moreFrag) | extra);
    }
  };

  let next = 0;
  try {
    while (next < list.length) {
      let batch = 0;
      for (const ring of rings) {
        let used = 0;
        while (next < list.length) {
          const n = plan(ring, next, used);
          if (n === 0) {
            if (used === 0) {
              throw invalidArgument(
                "send",
                port.name,
                `frame ${next} (${list[next].length} bytes) needs more slots than TX ring ` +
                  `${ring.index} has (${ring.numSlots - 1} usable)`,
              );
            }
            break;
          }
          if (ring.reserve(n) !== n) break;
          fill(ring, next, used, n);
          capture.sent(port.name, list[next]);
          used += n;
          next++;
          batch++;
        }
        if (used > 0) {
          ring.submit(used);
          result.slots += used;
        }
      }
      if (batch > 0) {
        port.txsync();
        result.txsyncs++;
        result.frames += batch;
      }
      if (next >= list.length) break;
      // Let receivers running concurrently (expect() on other ports) drain their rings.
      if (batch > 0) await sleep(0);
      const left = Math.ceil(deadline - performance.now());
      if (left <= 0) {
        throw new NetmapError({
          op: "send",
          port: port.name,
          errno: ERRNO.ETIMEDOUT,
          summary: `no TX space for ${list.length - next} of ${list.length} frames ` +
            `within ${timeout} ms`,
          detail: `${result.frames} frames went out in ${result.txsyncs} txsync calls`,
          hint: "the receiver does not drain its ring (or the ring is too small): " +
            "receive first, send fewer frames, or raise timeoutMs",
        });
      }
      // Space arrives with a txsync (done by ready); if it is not enough
      // for the next frame, do not spin.
      if (batch === 0 && !(await port.ready("tx", { timeoutMs: left }))) continue;
      if (batch === 0) await sleep(1);
    }
  } finally {
    if (options.extraBuffers) port.returnExtraBuffers(pool);
  }
  return result;
}

/**
 * Takes one complete frame from `ring` (joining NS_MOREFRAG slots), or
 * returns null when no complete frame is there yet.
 */
function takeFrame(ring: Ring, moreFrag: number): Uint8Array | null {
  const avail = ring.peek(ring.numSlots - 1);
  if (avail === 0) return null;
  let n = 0;
  let total = 0;
  for (;;) {
    const i = ring.slot(n);
    total += ring.len(i);
    n++;
    if ((ring.slotFlags(i) & moreFrag) === 0) break;
    if (n === avail) return null; // the rest of the frame has not arrived
  }
  const out = new Uint8Array(total);
  let pos = 0;
  for (let k = 0; k < n; k++) {
    const f = ring.frame(ring.slot(k));
    out.set(f, pos);
    pos += f.length;
  }
  ring.release(n);
  return out;
}

/**
 * Waits for `count` frames matching `expected` (one matcher for all, or one
 * per frame in order). A frame that does not match fails at once, unless
 * `ignoreOthers` is set. Consumed slots go back to netmap with one rxsync.
 *
 * @example Expect three frames
 * ```ts ignore
 * import { eth, expect } from "../../mod.ts";
 * const f = eth({}).ipv4({ src: "10.0.0.1", dst: "10.0.0.2" }).udp({ dstPort: 9 }).padTo(274);
 * await expect(port, [f, f, f], { timeoutMs: 500 });
 * await expect(port, { udp: { dstPort: 9 } }, { count: 2, ignoreOthers: true });
 * ```
 *
 * @param port An open port.
 * @param expected A builder, bytes or pattern for every frame, or an array with one per frame.
 * @param options See {@linkcode ExpectOptions}.
 * @returns The matching frames (copies).
 * @throws ExpectError on a mismatch, or with code ETIMEDOUT when too few frames came.
 */
export async function expect(
  port: Port,
  expected: Expected | readonly Expected[],
  options: ExpectOptions = {},
): Promise<Uint8Array[]> {
  const timeout = checkTimeout("expect", port, options.timeoutMs, 1000);
  const perFrame = Array.isArray(expected) ? (expected as readonly Expected[]) : undefined;
  const count = options.count ?? perFrame?.length ?? 1;
  if (!Number.isInteger(count) || count < 1) {
    throw invalidArgument("expect", port.name, `count must be an integer >= 1, got ${count}`);
  }
  if (perFrame && perFrame.length !== count) {
    throw invalidArgument(
      "expect",
      port.name,
      `count ${count} differs from the ${perFrame.length} matchers given`,
    );
  }
  const want = (k: number): Expected => perFrame ? perFrame[k] : expected as Expected;
  if (perFrame) perFrame.forEach((e, k) => checkExpected(port, e, `expected[${k}]`));
  else checkExpected(port, expected as Expected, "the pattern");
  const rings = pickRings("expect", port, "rx", options.ring);
  const moreFrag = slotFlags().moreFrag;
  const log = recorder();
  const capture = log.capture;
  const matched: Uint8Array[] = [];
  const others: Uint8Array[] = [];
  const otherDiffs: string[] = [];
  const deadline = performance.now() + timeout;
  const fail = (kind: ExpectFailure, summary: string, diff: string): Promise<never> => {
    try {
      port.rxsync();
    } catch {
      // the failure below says more than a failed rxsync
    }
    const e = new ExpectError({
      op: "expect",
      port: port.name,
      kind,
      summary,
      diff,
      matched,
      others,
      hint: kind === "timeout"
        ? unsyncedTxHint() ??
          "the frames did not arrive: check the sender, the destination MAC, and timeoutMs"
        : "a received frame differs from the expected one (fields above)",
    });
    capture.note(`${port.name}: ${summary}\n${diff}`);
    return failed(log, e);
  };
  for (;;) {
    for (const ring of rings) {
      while (matched.length < count) {
        const frame = takeFrame(ring, moreFrag);
        if (!frame) break;
        capture.seen(port.name, frame);
        const k = matched.length;
        const r = match(frame, want(k));
        if (r.ok) {
          matched.push(frame);
          continue;
        }
        others.push(frame);
        const d = describeMismatch(r, `frame ${k + 1} of ${count} (${describeFrame(frame)})`);
        if (!options.ignoreOthers) {
          await fail("mismatch", `frame ${k + 1} of ${count} does not match`, d);
        }
        otherDiffs.push(d);
      }
    }
    if (matched.length >= count) break;
    const left = Math.ceil(deadline - performance.now());
    if (left <= 0) {
      const lines = [
        `expected ${count} frame(s) within ${timeout} ms, matched ${matched.length}`,
        `expected: ${
          perFrame
            ? perFrame.slice(matched.length).map(describeExpected).join("\n          ")
            : describeExpected(expected as Expected)
        }`,
      ];
      if (others.length > 0) {
        lines.push(`ignored ${others.length} frame(s) that did not match:`, ...otherDiffs);
      }
      await fail(
        "timeout",
        `${matched.length} of ${count} frames within ${timeout} ms`,
        lines.join("\n"),
      );
    }
    await port.ready("rx", { timeoutMs: left });
  }
  port.rxsync();
  return matched;
}

/**
 * Watches the port for `timeoutMs` and fails if any frame arrives (the
 * frames are consumed and listed in the error).
 *
 * @example
 * ```ts ignore
 * import { expectNothing } from "../../mod.ts";
 * await expectNothing(port, { timeoutMs: 100 });
 * ```
 *
 * @param port An open port.
 * @param options See {@linkcode ExpectNothingOptions}.
 * @returns Resolves when nothing came.
 * @throws ExpectError naming the frames that came.
 */
export async function expectNothing(port: Port, options: ExpectNothingOptions = {}): Promise<void> {
  const timeout = checkTimeout("expect nothing", port, options.timeoutMs, 200);
  const rings = pickRings("expect nothing", port, "rx", options.ring);
  const moreFrag = slotFlags().moreFrag;
  const log = recorder();
  const capture = log.capture;
  const got: Uint8Array[] = [];
  const drain = (): void => {
    for (const ring of rings) {
      for (let f = takeFrame(ring, moreFrag); f; f = takeFrame(ring, moreFrag)) {
        capture.seen(port.name, f);
        got.push(f);
      }
    }
  };
  const deadline = performance.now() + timeout;
  drain();
  for (;;) {
    const left = Math.ceil(deadline - performance.now());
    if (got.length > 0 || left <= 0) break;
    if (await port.ready("rx", { timeoutMs: left })) drain();
  }
  port.rxsync();
  if (got.length === 0) {
    const unsynced = unsyncedTxHint();
    if (unsynced) {
      console.error(
        `# expectNothing ${port.name}: silent for ${timeout} ms, but ${unsynced} ` +
          "(the silence may only mean nothing was sent)",
      );
    }
    return;
  }
  const summary = `expected no frame within ${timeout} ms, received ${got.length}`;
  const diff = got.map((f, k) => `frame ${k + 1}: ${describeFrame(f)}`).join("\n");
  capture.note(`${port.name}: ${summary}\n${diff}`);
  await failed(
    log,
    new ExpectError({
      op: "expect nothing",
      port: port.name,
      kind: "unexpected",
      summary,
      diff,
      matched: [],
      others: got,
      hint: "the port was meant to stay silent (e.g. a learned unicast MAC must not flood)",
    }),
  );
}

/** TX capacity of a port for frames of a given length. */
export interface TxCapacity {
  /** Frames the bound TX rings hold when empty (netmap's get_max_tx_packets). */
  max: number;
  /** Frames that fit now (netmap's get_avail_tx_packets). */
  avail: number;
}

/**
 * How many frames of `len` bytes the port's TX rings can take: in total and
 * now (after a txsync, so that slots the peer consumed are counted).
 *
 * @example
 * ```ts ignore
 * const { max, avail } = txCapacity(port, 274);
 * console.log(`${max - avail} slots pending`);
 * ```
 *
 * @param port An open port.
 * @param len Frame length (default 1: one slot per frame).
 * @returns max and avail.
 */
export function txCapacity(port: Port, len = 1): TxCapacity {
  port.txsync();
  let max = 0;
  let avail = 0;
  for (const r of port.txRings) {
    const per = Math.ceil(len / r.bufSize);
    max += Math.floor((r.numSlots - 1) / per);
    avail += Math.floor(r.space() / per);
  }
  return { max, avail };
}
