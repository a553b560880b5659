/**
 * pkt-gen's per-slot loops over `Ring.view()`: fill a batch of TX slots and
 * count (and check) a batch of RX slots. Per slot they do a few typed-array
 * loads and stores and nothing else: no call, no allocation. The frame is
 * copied into a TX buffer only when the buffer is new to the sender
 * (NS_BUF_CHANGED, which `markAllChanged` sets on every slot at start), as
 * netmap's pkt-gen does; afterwards a send writes only `len` and `flags`.
 *
 * @module
 */

import type { Ring, RingView } from "../ring.ts";

/** Offset of the sequence number in txseq/rxseq frames (after the UDP header). */
export const PKT_GEN_SEQ_OFFSET = 42;

/** What `fillTx` writes into each TX slot. */
export interface TxTemplate {
  /** The frame; it must fit one buffer (no fragments on this path). */
  frame: Uint8Array;
  /** 0: every packet is `frame.length` bytes; else a random length in minLen..frame.length. */
  minLen: number;
  /** Write a 32-bit big-endian sequence number at PKT_GEN_SEQ_OFFSET of each packet. */
  seq: boolean;
  /** "changed": copy into NS_BUF_CHANGED buffers; "always": every slot; "never": no data write. */
  copy: "changed" | "always" | "never";
  /**
   * Per-packet rewrite (address/port ranges, -z/-Z): called on `frame` after
   * each copy, it readies the next packet. Set only with `copy: "always"`.
   */
  vary?: { next(frame: Uint8Array): void };
}

/**
 * Sets NS_BUF_CHANGED on every slot of `ring`, so that `fillTx` copies the
 * frame into each buffer the first time it is used.
 *
 * @example
 * ```ts ignore
 * for (const r of port.txRings) markAllChanged(r);
 * ```
 */
export function markAllChanged(ring: Ring): void {
  const v = ring.view();
  for (let i = 0; i < v.numSlots; i++) v.u16[v.flags16 + i * v.stride16] = v.bufChanged;
}

/**
 * Fills the `n` slots reserved on `ring` (from `ring.slot(0)`; call
 * `ring.reserve(n)` before and `ring.submit(n)` after) with packets of `t`,
 * numbering them from `seq0` when `t.seq`. Returns the bytes written. `v` is
 * the ring's view (a copy with `lenFlags32: -1` forces the two-word loops).
 *
 * @example
 * ```ts ignore
 * const n = tx.reserve(Math.min(512, tx.space()));
 * bytes += fillTx(tx, n, { frame, minLen: 0, seq: false, copy: "changed" }, 0);
 * tx.submit(n);
 * port.txsync();
 * ```
 */
export function fillTx(
  ring: Ring,
  n: number,
  t: TxTemplate,
  seq0: number,
  v: RingView = ring.view(),
): number {
  if (n <= 0) return 0;
  // the flag bits that make a slot take the frame; "always" copies whatever the flags say
  const changed = t.copy === "always" ? ALWAYS : t.copy === "changed" ? v.bufChanged : 0;
  const i0 = ring.slot(0);
  if (t.minLen === 0 && !(t.seq && t.copy !== "never") && t.vary === undefined) {
    // the common case: fixed length, no per-packet data; two runs of consecutive slots
    const first = Math.min(n, v.numSlots - i0);
    fillRun(ring, v, i0, first, t.frame, changed);
    if (first < n) fillRun(ring, v, 0, n - first, t.frame, changed);
    return n * t.frame.length;
  }
  return fillEach(ring, v, i0, n, t, changed, seq0);
}

/** `changed` of "always": a value no slot's flags can hold, tested with `===`. */
const ALWAYS = -1;

/**
 * Fixed-length packets into slots i0..i0+n-1 (no wrap). The loop holds no call, which V8
 * compiles much tighter; a buffer to copy into switches to a second loop that does.
 */
function fillRun(
  ring: Ring,
  v: RingView,
  i0: number,
  n: number,
  frame: Uint8Array,
  changed: number,
): void {
  const u16 = v.u16;
  const f0 = v.flags16;
  const stride = v.stride16;
  const toLen = v.len16 - f0;
  const len = frame.length;
  const end = f0 + (i0 + n) * stride;
  let f = f0 + i0 * stride;
  if (v.lenFlags32 >= 0 && changed !== ALWAYS) {
    // len and flags as one word: per slot one load (is the buffer new?) and one store (len,
    // flags 0), as the C tool. Storing unconditionally is cheaper than comparing first: half
    // the time per slot on a laptop, and in a QEMU TCG guest.
    // Four slots per iteration, their flags OR-ed (fewer branches; twice as fast under TCG,
    // as countRun); a group with a new buffer falls to the one-slot loop, which stops there.
    const u32 = v.u32;
    const s32 = v.stride32;
    const g0 = v.lenFlags32;
    const gEnd = g0 + (i0 + n) * s32;
    let g = g0 + i0 * s32;
    for (; g + 3 * s32 < gEnd; g += 4 * s32) {
      const g1 = g + s32, g2 = g1 + s32, g3 = g2 + s32;
      if (((u32[g] | u32[g1] | u32[g2] | u32[g3]) >>> 16) & changed) break;
      u32[g] = len;
      u32[g1] = len;
      u32[g2] = len;
      u32[g3] = len;
    }
    for (; g < gEnd; g += s32) {
      if ((u32[g] >>> 16) & changed) break;
      u32[g] = len;
    }
    f = f0 + ((g - g0) / s32) * stride;
  } else {
    for (; f < end && changed !== ALWAYS; f += stride) {
      const flags = u16[f];
      if (flags !== 0) {
        if (flags & changed) break;
        u16[f] = 0;
      }
      if (u16[f + toLen] !== len) u16[f + toLen] = len;
    }
  }
  for (; f < end; f += stride) {
    if (changed === ALWAYS || u16[f] & changed) ring.write((f - f0) / stride, frame);
    u16[f + toLen] = len;
    u16[f] = 0;
  }
}

/** Random lengths, sequence numbers and/or per-packet addresses: the per-slot general loop. */
function fillEach(
  ring: Ring,
  v: RingView,
  i0: number,
  n: number,
  t: TxTemplate,
  changed: number,
  seq0: number,
): number {
  const { u8, u16, u32, numSlots, stride16, stride32, len16, flags16, bufIdx32 } = v;
  const frame = t.frame;
  const fixed = t.minLen === 0;
  const span = frame.length - t.minLen + 1;
  const seq = t.seq && t.copy !== "never";
  const vary = changed === ALWAYS ? t.vary : undefined;
  let len = frame.length;
  let bytes = 0;
  let i = i0;
  for (let k = 0; k < n; k++) {
    const s = i * stride16;
    if (changed === ALWAYS || u16[flags16 + s] & changed) ring.write(i, frame);
    if (vary !== undefined) vary.next(frame);
    if (!fixed) len = t.minLen + Math.floor(Math.random() * span);
    u16[len16 + s] = len;
    u16[flags16 + s] = 0;
    if (seq && len >= PKT_GEN_SEQ_OFFSET + 4) {
      const b = u32[bufIdx32 + i * stride32];
      const at = PKT_GEN_SEQ_OFFSET +
        (b <= v.maxBufIdx && !v.offsets ? v.bufBase + b * v.bufSize : ring.dataOffset(i));
      const q = (seq0 + k) >>> 0;
      u8[at] = q >>> 24;
      u8[at + 1] = q >>> 16;
      u8[at + 2] = q >>> 8;
      u8[at + 3] = q;
    }
    bytes += len;
    if (++i === numSlots) i = 0;
  }
  return bytes;
}

/** Running totals of `countRx`, updated in place (no allocation per batch). */
export interface RxTotals {
  /** Complete packets (slots without NS_MOREFRAG). */
  pkts: number;
  /** Bytes of all slots. */
  bytes: number;
}

/** rxseq: what a ring expects next, and where a gap is reported. */
export interface SeqCheck {
  /** The next sequence number expected on this ring, or -1 before the first. */
  expected: number;
  /** Called for a gap: the number received and the one expected. */
  gap(got: number, want: number): void;
}

/**
 * Counts the `n` slots peeked on `ring` (from `ring.slot(0)`) into `acc`,
 * stopping once `acc.pkts` reaches `limit`; checks sequence numbers when
 * `seq` is given. Returns how many slots it consumed (release that many).
 * `v` is the ring's view, as for {@linkcode fillTx}.
 *
 * @example
 * ```ts ignore
 * const acc = { pkts: 0, bytes: 0 };
 * const n = rx.peek(rx.numSlots - 1);
 * rx.release(countRx(rx, n, acc, Infinity));
 * port.rxsync();
 * ```
 */
export function countRx(
  ring: Ring,
  n: number,
  acc: RxTotals,
  limit: number,
  seq?: SeqCheck,
  v: RingView = ring.view(),
): number {
  if (n <= 0) return 0;
  const i0 = ring.slot(0);
  if (seq === undefined && acc.pkts + n <= limit) {
    // the common case: the limit cannot be reached here; two runs of consecutive slots
    const first = Math.min(n, v.numSlots - i0);
    countRun(v, i0, first, acc);
    if (first < n) countRun(v, 0, n - first, acc);
    return n;
  }
  return countEach(ring, v, i0, n, acc, limit, seq);
}

/**
 * Slots i0..i0+n-1 (no wrap) into acc. Where len and flags share a word: four slots per
 * iteration, one load each, the flags of all slots OR-ed together, and NS_MOREFRAG counted in a
 * second pass only when some slot has it (as good as never in a pkt-gen run). Per slot that is
 * the C tool's instruction count, and about half of a loop testing each slot's flags.
 */
function countRun(v: RingView, i0: number, n: number, acc: RxTotals): void {
  const more = v.moreFrag;
  let bytes = 0;
  let frags = 0;
  if (v.lenFlags32 >= 0) {
    const u32 = v.u32;
    const s = v.stride32;
    const s2 = 2 * s;
    const s3 = 3 * s;
    const s4 = 4 * s;
    const g0 = v.lenFlags32 + i0 * s;
    const end = g0 + n * s;
    const end4 = g0 + (n & ~3) * s;
    let any = 0;
    let g = g0;
    for (; g < end4; g += s4) {
      const a = u32[g], b = u32[g + s], c = u32[g + s2], d = u32[g + s3];
      bytes += (a & 0xffff) + (b & 0xffff) + (c & 0xffff) + (d & 0xffff);
      any |= a | b | c | d;
    }
    for (; g < end; g += s) {
      const w = u32[g];
      bytes += w & 0xffff;
      any |= w;
    }
    if (((any >>> 16) & more) !== 0) {
      for (g = g0; g < end; g += s) frags += ((u32[g] >>> 16) & more) === 0 ? 0 : 1;
    }
  } else {
    const u16 = v.u16;
    const stride = v.stride16;
    const toLen = v.len16 - v.flags16;
    const end = v.flags16 + (i0 + n) * stride;
    for (let f = v.flags16 + i0 * stride; f < end; f += stride) {
      bytes += u16[f + toLen];
      frags += (u16[f] & more) === 0 ? 0 : 1;
    }
  }
  acc.pkts += n - frags;
  acc.bytes += bytes;
}

/** With a limit or sequence checks: the per-slot general loop. */
function countEach(
  ring: Ring,
  v: RingView,
  i0: number,
  n: number,
  acc: RxTotals,
  limit: number,
  seq?: SeqCheck,
): number {
  const { u8, u16, u32, numSlots, stride16, stride32, len16, flags16, bufIdx32, moreFrag } = v;
  let pkts = acc.pkts;
  let bytes = 0;
  let i = i0;
  let k = 0;
  for (; k < n && pkts < limit; k++) {
    const s = i * stride16;
    const len = u16[len16 + s];
    bytes += len;
    if (!(u16[flags16 + s] & moreFrag)) pkts++;
    if (seq !== undefined && len >= PKT_GEN_SEQ_OFFSET + 4) {
      const b = u32[bufIdx32 + i * stride32];
      const at = PKT_GEN_SEQ_OFFSET +
        (b <= v.maxBufIdx && !v.offsets ? v.bufBase + b * v.bufSize : ring.dataOffset(i));
      const q = ((u8[at] << 24) | (u8[at + 1] << 16) | (u8[at + 2] << 8) | u8[at + 3]) >>> 0;
      if (seq.expected >= 0 && q !== seq.expected) seq.gap(q, seq.expected);
      seq.expected = (q + 1) >>> 0;
    }
    if (++i === numSlots) i = 0;
  }
  acc.pkts = pkts;
  acc.bytes += bytes;
  return k;
}
