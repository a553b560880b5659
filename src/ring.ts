/**
 * Ring: one netmap ring of a port, read and written in place over the port's
 * mapped memory (one ArrayBuffer for the whole region, shared by all rings).
 *
 * Hot paths allocate nothing: slot fields are typed-array loads and stores at
 * offsets computed once from the layout table. Batches follow the xsk model:
 * a producer `reserve(n)`s slots, fills them, `submit(n)`s; a consumer
 * `peek(n)`s, reads, `release(n)`s. Indices are cached in the Ring and the
 * shared `head`/`cur`/`tail` words are touched once per batch.
 *
 * @module
 */

import { invalidArgument, NetmapError, portClosed } from "./errors.ts";
import { layout } from "./layout.ts";
import { offsetError } from "./offsets.ts";

/** State a port shares with its rings (so closing the port disables them). */
export interface RingOwner {
  /** Port name, for errors. */
  readonly name: string;
  /** True once the port is closed. */
  readonly closed: boolean;
}

/** How a Port describes one of its rings to the Ring constructor. */
export interface RingInit {
  /** The whole mapped region. */
  mem: ArrayBuffer;
  /** Byte offset of this `netmap_ring` inside the region. */
  ringOffset: number;
  /** "tx" or "rx". */
  kind: "tx" | "rx";
  /** Index of the ring among the port's rings of that direction (host rings last). */
  index: number;
  /** True for a host (software) ring. */
  host: boolean;
  /** The effective maximum offset (0 when the port has no offsets; < 0 when unknown). */
  maxOffset: number;
  /** The port, for the closed check and messages. */
  owner: RingOwner;
}

const TWO32 = 4294967296;

/**
 * Raw access to one ring's slots and buffers, for hot loops that touch
 * hundreds of slots per batch (see `Ring.view()`). Everything is a plain
 * typed array over the port's mapped memory plus word indices computed once,
 * so a loop does a few typed-array loads and stores per slot, no call, no
 * allocation.
 *
 * Slot `i` (0 ≤ i < numSlots) has its `len` at `u16[len16 + i * stride16]`,
 * its `flags` at `u16[flags16 + i * stride16]` and its `buf_idx` at
 * `u32[bufIdx32 + i * stride32]`; buffer `b` (0 ≤ b ≤ maxBufIdx) starts at
 * byte `bufBase + b * bufSize` of `u8`. When `offsets` is true, slots carry
 * per-slot offsets: use `Ring.dataOffset(i)` for where the data starts.
 *
 * The contract: touch only the slots of the current batch, i.e. between
 * `reserve(n)` and `submit(n)` (TX) or `peek(n)` and `release(n)` (RX); those
 * calls check that the port is open and that the batch fits the ring, once
 * per batch. The loop keeps its index in 0..numSlots-1 itself. After the port
 * closes, the arrays are empty (the memory is detached, never dangling): stale
 * reads give `undefined` and writes are dropped.
 *
 * @example
 * ```ts ignore
 * const v = tx.view();
 * const n = tx.reserve(Math.min(512, tx.space()));
 * for (let k = 0, i = tx.slot(0); k < n; k++, i = i + 1 === v.numSlots ? 0 : i + 1) {
 *   v.u16[v.len16 + i * v.stride16] = 60; // the frame is already in the buffer
 *   v.u16[v.flags16 + i * v.stride16] = 0;
 * }
 * tx.submit(n);
 * port.txsync();
 * ```
 */
export interface RingView {
  /** The port's whole mapped memory, as bytes (buffers are addressed in it). */
  readonly u8: Uint8Array;
  /** The same memory as native-endian 16-bit words (slot `len` and `flags`). */
  readonly u16: Uint16Array;
  /** The same memory as native-endian 32-bit words (slot `buf_idx`). */
  readonly u32: Uint32Array;
  /** Number of slots of the ring. */
  readonly numSlots: number;
  /** Buffer size in bytes. */
  readonly bufSize: number;
  /** Index in `u16` of slot 0's `len`. */
  readonly len16: number;
  /** Index in `u16` of slot 0's `flags`. */
  readonly flags16: number;
  /** Slot size in 16-bit words (distance between two slots in `u16`). */
  readonly stride16: number;
  /** Index in `u32` of slot 0's `buf_idx`. */
  readonly bufIdx32: number;
  /** Slot size in 32-bit words (distance between two slots in `u32`). */
  readonly stride32: number;
  /**
   * Index in `u32` of slot 0's `len` and `flags` read as one word (`len` in the low 16 bits,
   * `flags` in the high 16), or -1 when the layout or the byte order does not allow it. One load
   * per slot instead of two for loops that look at both.
   */
  readonly lenFlags32: number;
  /** Byte offset in `u8` of buffer 0. */
  readonly bufBase: number;
  /** The largest buffer index whose buffer lies inside the memory. */
  readonly maxBufIdx: number;
  /** True when slots carry offsets (then use `Ring.dataOffset(i)`). */
  readonly offsets: boolean;
  /** The slot flag NS_BUF_CHANGED (from the layout table). */
  readonly bufChanged: number;
  /** The slot flag NS_MOREFRAG (from the layout table). */
  readonly moreFrag: number;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** RingView.lenFlags32 from the slot layout: -1 unless len and flags share one aligned word. */
function lenFlagsWord(slot0: number, slotSize: number, lenOff: number, flagsOff: number): number {
  const at = slot0 + lenOff;
  const packed = LITTLE_ENDIAN && flagsOff === lenOff + 2 && at % 4 === 0 && slotSize % 4 === 0;
  return packed ? at >>> 2 : -1;
}

/**
 * One netmap ring.
 *
 * The ring's shared words are accessors (read and written in the shared memory, with
 * atomic loads and stores for the pointers):
 *
 * - `head` (get/set): the first slot the script owns; setting it gives the slots before it
 *   back to netmap at the next sync. `reserve/submit` and `peek/release` move it for you.
 * - `cur` (get/set): the wake-up point for `ready()`/poll; setting it drops pending
 *   `reserve`/`peek` counts.
 * - `tail` (get): the first slot netmap owns.
 * - `flags` (get/set): the ring's flags, e.g. NR_FORWARD, NR_TIMESTAMP.
 *
 * @example Raw ring pointers
 * ```ts ignore
 * import { openPort } from "../mod.ts";
 * using port = openPort("vale0:a");
 * const rx = port.rxRings[0];
 * port.rxsync();
 * console.log(rx.head, rx.cur, rx.tail, rx.flags);
 * rx.head = rx.cur = rx.tail; // release everything received
 * ```
 *
 * @example Send one frame
 * ```ts ignore
 * import { openPort } from "../mod.ts";
 * using port = openPort("vale0:a");
 * const tx = port.txRings[0];
 * if (tx.reserve(1) === 1) {
 *   const i = tx.slot(0);
 *   tx.write(i, new Uint8Array(60));
 *   tx.submit(1);
 *   port.txsync();
 * }
 * ```
 */
export class Ring {
  /** "tx" or "rx". */
  readonly kind: "tx" | "rx";
  /** Index among the port's rings of this direction. */
  readonly index: number;
  /** True for a host (software) ring. */
  readonly host: boolean;
  /** Number of slots. */
  readonly numSlots: number;
  /** Buffer size in bytes. */
  readonly bufSize: number;
  /** The ring's `ringid` field. */
  readonly id: number;
  /** Effective maximum per-slot offset (0 without offsets). */
  readonly maxOffset: number;
  /** The ring's offset mask (0n without offsets). */
  readonly offsetMask: bigint;
  /** Byte offset of this `netmap_ring` in the port's memory (for C helpers). */
  readonly ringOffset: number;

  readonly #owner: RingOwner;
  readonly #u8: Uint8Array;
  readonly #u16: Uint16Array;
  readonly #u32: Uint32Array;
  readonly #memLen: number;
  readonly #headW: number;
  readonly #curW: number;
  readonly #tailW: number;
  readonly #flagsW: number;
  readonly #slot0: number;
  readonly #slotSize: number;
  readonly #bufIdxOff: number;
  readonly #lenOff: number;
  readonly #flagsOff: number;
  readonly #ptrOff: number;
  readonly #bufBase: number;
  readonly #maskLo: number;
  readonly #maskHi: number;
  readonly #maskNum: number;
  readonly #bufChanged: number;
  #cur = 0;
  #tail = 0;
  #reserved = 0;
  #peeked = 0;
  #view: RingView | undefined;

  /**
   * Reads the ring header once (Port builds its rings; scripts do not call this).
   *
   * @param init Where the ring is and what it belongs to (see RingInit).
   */
  constructor(init: RingInit) {
    const l = layout();
    const r = init.ringOffset;
    const dv = new DataView(init.mem);
    this.#owner = init.owner;
    this.kind = init.kind;
    this.index = init.index;
    this.host = init.host;
    this.ringOffset = r;
    this.#memLen = init.mem.byteLength;
    this.#u8 = new Uint8Array(init.mem);
    this.#u16 = new Uint16Array(init.mem, 0, this.#memLen >>> 1);
    this.#u32 = new Uint32Array(init.mem, 0, Math.floor(this.#memLen / 4));
    const f = (name: string): number => r + l.offset("netmap_ring", name);
    this.numSlots = dv.getUint32(f("num_slots"), true);
    this.bufSize = dv.getUint32(f("nr_buf_size"), true);
    this.id = dv.getUint16(f("ringid"), true);
    this.#headW = f("head") >>> 2;
    this.#curW = f("cur") >>> 2;
    this.#tailW = f("tail") >>> 2;
    this.#flagsW = f("flags") >>> 2;
    this.#slot0 = f("slot");
    this.#slotSize = l.size("netmap_slot");
    this.#bufIdxOff = l.offset("netmap_slot", "buf_idx");
    this.#lenOff = l.offset("netmap_slot", "len");
    this.#flagsOff = l.offset("netmap_slot", "flags");
    this.#ptrOff = l.offset("netmap_slot", "ptr");
    this.#bufBase = r + Number(dv.getBigInt64(f("buf_ofs"), true));
    this.offsetMask = l.has("netmap_ring", "offset_mask")
      ? dv.getBigUint64(f("offset_mask"), true)
      : 0n;
    this.#maskLo = Number(this.offsetMask & 0xffffffffn);
    this.#maskHi = Number(this.offsetMask >> 32n);
    this.#maskNum = this.offsetMask > BigInt(Number.MAX_SAFE_INTEGER)
      ? Number.MAX_SAFE_INTEGER
      : Number(this.offsetMask);
    // maxOffset < 0: unknown (a port from fromFd); the buffer size bounds it then
    this.maxOffset = this.offsetMask === 0n
      ? 0
      : init.maxOffset < 0
      ? Math.min(this.bufSize, this.#maskNum)
      : init.maxOffset;
    this.#bufChanged = l.constant("NS_BUF_CHANGED");
    this.#cur = this.#u32[this.#curW];
    this.#tail = this.#u32[this.#tailW];
    if (
      (this.#slot0 | this.#slotSize | this.#bufIdxOff | this.#ptrOff) & 3 ||
      (this.#lenOff | this.#flagsOff) & 1
    ) {
      throw new NetmapError({
        op: "map ring",
        port: init.owner.name,
        errno: 22,
        summary: "unexpected slot alignment in the layout table",
      });
    }
  }

  // ---- shared words --------------------------------------------------------

  #alive(op: string): void {
    if (this.#owner.closed) throw portClosed(op, this.#owner.name);
  }

  /**
   * The ring's `head` (first slot owned by the script).
   *
   * @example
   * ```ts ignore
   * const owned = (tx.tail - tx.head + tx.numSlots) % tx.numSlots;
   * ```
   */
  get head(): number {
    this.#alive("ring head");
    return Atomics.load(this.#u32, this.#headW);
  }
  /** Sets `head` (slots before it go back to netmap at the next sync). */
  set head(v: number) {
    this.#alive("ring head");
    this.#checkIndex(v, "head");
    Atomics.store(this.#u32, this.#headW, v);
  }
  /**
   * The ring's `cur` (wake-up point for poll).
   *
   * @example
   * ```ts ignore
   * rx.cur = rx.tail; // wake me for the frame after the ones already here
   * ```
   */
  get cur(): number {
    this.#alive("ring cur");
    return Atomics.load(this.#u32, this.#curW);
  }
  /** Sets `cur`. */
  set cur(v: number) {
    this.#alive("ring cur");
    this.#checkIndex(v, "cur");
    Atomics.store(this.#u32, this.#curW, v);
    this.#cur = v;
    this.#reserved = 0;
    this.#peeked = 0;
  }
  /**
   * The ring's `tail` (first slot owned by netmap); read-only.
   *
   * @example
   * ```ts ignore
   * const received = (rx.tail - rx.head + rx.numSlots) % rx.numSlots;
   * ```
   */
  get tail(): number {
    this.#alive("ring tail");
    return Atomics.load(this.#u32, this.#tailW);
  }
  /**
   * The ring's `flags` (NR_TIMESTAMP, NR_FORWARD).
   *
   * @example
   * ```ts ignore
   * import { layout } from "../mod.ts";
   * rx.flags |= layout().constant("NR_FORWARD");
   * ```
   */
  get flags(): number {
    this.#alive("ring flags");
    return this.#u32[this.#flagsW];
  }
  /** Sets the ring's `flags`. */
  set flags(v: number) {
    this.#alive("ring flags");
    this.#u32[this.#flagsW] = v >>> 0;
  }

  /**
   * Slots between head and tail: free slots (TX) or received frames (RX).
   *
   * @example
   * ```ts ignore
   * console.log(port.rxRings[0].space());
   * ```
   */
  space(): number {
    this.#alive("ring space");
    const d = Atomics.load(this.#u32, this.#tailW) - Atomics.load(this.#u32, this.#headW);
    return d < 0 ? d + this.numSlots : d;
  }

  /**
   * The slot after `i`, wrapping at numSlots.
   *
   * @example
   * ```ts ignore
   * console.log(ring.next(ring.numSlots - 1)); // 0
   * ```
   */
  next(i: number): number {
    return i + 1 === this.numSlots ? 0 : i + 1;
  }

  // ---- batches (xsk style) ---------------------------------------------------

  /**
   * Producer side: reserves `n` slots starting at `cur`, all or nothing.
   * Returns `n`, or 0 when fewer are free. The k-th reserved slot is `slot(k)`.
   *
   * @example
   * ```ts ignore
   * const n = tx.reserve(32);
   * for (let k = 0; k < n; k++) tx.write(tx.slot(k), frame);
   * tx.submit(n);
   * ```
   */
  reserve(n: number): number {
    this.#alive("reserve");
    this.#checkCount(n, "reserve");
    if (this.#reserved === 0) this.#cur = Atomics.load(this.#u32, this.#curW);
    const used = this.#reserved;
    let free = this.#tail - this.#cur - used;
    if (free < 0) free += this.numSlots;
    if (free < n) {
      this.#tail = Atomics.load(this.#u32, this.#tailW);
      free = this.#tail - this.#cur - used;
      if (free < 0) free += this.numSlots;
      if (free < n) return 0;
    }
    this.#reserved += n;
    return n;
  }

  /**
   * Producer side: hands the first `n` reserved slots to netmap (head = cur
   * moves by n; one store to each shared word). Call txsync() to send them.
   *
   * @example
   * ```ts ignore
   * tx.submit(tx.reserve(1));
   * ```
   */
  submit(n: number): void {
    this.#alive("submit");
    this.#checkCount(n, "submit");
    if (n > this.#reserved) {
      throw invalidArgument(
        "submit",
        this.#owner.name,
        `submit(${n}) but ${this.#reserved} reserved`,
      );
    }
    this.#advance(n);
    this.#reserved -= n;
  }

  /**
   * Consumer side: how many slots (up to `n`) hold received frames, starting
   * at `cur`. The k-th one is `slot(k)`.
   *
   * @example
   * ```ts ignore
   * const n = rx.peek(64);
   * for (let k = 0; k < n; k++) console.log(rx.len(rx.slot(k)));
   * rx.release(n);
   * ```
   */
  peek(n: number): number {
    this.#alive("peek");
    this.#checkCount(n, "peek");
    if (this.#peeked === 0) this.#cur = Atomics.load(this.#u32, this.#curW);
    this.#tail = Atomics.load(this.#u32, this.#tailW);
    let avail = this.#tail - this.#cur;
    if (avail < 0) avail += this.numSlots;
    this.#peeked = avail < n ? avail : n;
    return this.#peeked;
  }

  /**
   * Consumer side: gives the first `n` peeked slots back to netmap.
   *
   * @example
   * ```ts ignore
   * rx.release(rx.peek(16));
   * ```
   */
  release(n: number): void {
    this.#alive("release");
    this.#checkCount(n, "release");
    if (n > this.#peeked) {
      throw invalidArgument(
        "release",
        this.#owner.name,
        `release(${n}) but ${this.#peeked} peeked`,
      );
    }
    this.#advance(n);
    this.#peeked -= n;
  }

  /**
   * The slot index of the k-th slot of the current batch (cur + k, wrapped).
   *
   * @example
   * ```ts ignore
   * const first = tx.slot(0);
   * ```
   */
  slot(k: number): number {
    if (!(k >= 0 && k < this.numSlots)) this.#badSlot(k, "slot");
    const i = this.#cur + k;
    return i >= this.numSlots ? i - this.numSlots : i;
  }

  #advance(n: number): void {
    let c = this.#cur + n;
    if (c >= this.numSlots) c -= this.numSlots;
    this.#cur = c;
    Atomics.store(this.#u32, this.#headW, c);
    Atomics.store(this.#u32, this.#curW, c);
  }

  // ---- raw fast path -----------------------------------------------------------

  /**
   * The ring's slots and buffers as typed arrays and precomputed indices, for
   * loops that must not make a call per slot (see RingView for the rules).
   * The same object on every call; it stays valid while the port is open.
   *
   * @example
   * ```ts ignore
   * const v = rx.view();
   * const n = rx.peek(rx.numSlots - 1);
   * let bytes = 0;
   * for (let k = 0, i = rx.slot(0); k < n; k++, i = i + 1 === v.numSlots ? 0 : i + 1) {
   *   bytes += v.u16[v.len16 + i * v.stride16];
   * }
   * rx.release(n);
   * ```
   */
  view(): RingView {
    this.#alive("ring view");
    if (this.#view === undefined) {
      const l = layout();
      const maxBuf = Math.floor((this.#memLen - this.bufSize - this.#bufBase) / this.bufSize);
      this.#view = Object.freeze({
        u8: this.#u8,
        u16: this.#u16,
        u32: this.#u32,
        numSlots: this.numSlots,
        bufSize: this.bufSize,
        len16: (this.#slot0 + this.#lenOff) >>> 1,
        flags16: (this.#slot0 + this.#flagsOff) >>> 1,
        stride16: this.#slotSize >>> 1,
        bufIdx32: (this.#slot0 + this.#bufIdxOff) >>> 2,
        stride32: this.#slotSize >>> 2,
        lenFlags32: lenFlagsWord(this.#slot0, this.#slotSize, this.#lenOff, this.#flagsOff),
        bufBase: this.#bufBase,
        maxBufIdx: maxBuf < 0 ? -1 : maxBuf,
        offsets: this.#maskNum !== 0,
        bufChanged: this.#bufChanged,
        moreFrag: l.constant("NS_MOREFRAG"),
      });
    }
    return this.#view;
  }

  // ---- slots ---------------------------------------------------------------

  #slotAddr(i: number, op: string): number {
    if (this.#owner.closed) throw portClosed(op, this.#owner.name);
    if (!(i >= 0 && i < this.numSlots && (i | 0) === i)) this.#badSlot(i, op);
    return this.#slot0 + i * this.#slotSize;
  }

  /**
   * The buffer index of slot `i`.
   *
   * @example
   * ```ts ignore
   * console.log(ring.bufIdx(0));
   * ```
   */
  bufIdx(i: number): number {
    return this.#u32[(this.#slotAddr(i, "slot bufIdx") + this.#bufIdxOff) >>> 2];
  }

  /**
   * Points slot `i` at buffer `idx` (and sets NS_BUF_CHANGED, as netmap requires).
   *
   * @example
   * ```ts ignore
   * ring.setBufIdx(0, extra[0]);
   * ```
   */
  setBufIdx(i: number, idx: number): void {
    const s = this.#slotAddr(i, "slot setBufIdx");
    this.#bufferAt(idx, 0, "slot setBufIdx");
    this.#u32[(s + this.#bufIdxOff) >>> 2] = idx;
    this.#u16[(s + this.#flagsOff) >>> 1] |= this.#bufChanged;
  }

  /**
   * The length of slot `i`.
   *
   * @example
   * ```ts ignore
   * console.log(rx.len(rx.slot(0)));
   * ```
   */
  len(i: number): number {
    return this.#u16[(this.#slotAddr(i, "slot len") + this.#lenOff) >>> 1];
  }

  /**
   * Sets the length of slot `i` (at most bufSize).
   *
   * @example
   * ```ts ignore
   * tx.setLen(i, 60);
   * ```
   */
  setLen(i: number, len: number): void {
    const s = this.#slotAddr(i, "slot setLen");
    if (!(len >= 0 && len <= this.bufSize && (len | 0) === len)) {
      throw invalidArgument(
        "slot setLen",
        this.#owner.name,
        `length ${len} out of range 0..${this.bufSize}`,
      );
    }
    this.#u16[(s + this.#lenOff) >>> 1] = len;
  }

  /**
   * The flags of slot `i` (NS_*).
   *
   * @example
   * ```ts ignore
   * console.log(rx.slotFlags(i));
   * ```
   */
  slotFlags(i: number): number {
    return this.#u16[(this.#slotAddr(i, "slot flags") + this.#flagsOff) >>> 1];
  }

  /**
   * Sets the flags of slot `i`.
   *
   * @example
   * ```ts ignore
   * tx.setSlotFlags(i, 0);
   * ```
   */
  setSlotFlags(i: number, flags: number): void {
    this.#u16[(this.#slotAddr(i, "slot setFlags") + this.#flagsOff) >>> 1] = flags & 0xffff;
  }

  /**
   * The offset of slot `i` (`ptr & offset_mask`; 0 without offsets).
   *
   * @example
   * ```ts ignore
   * console.log(rx.offset(i));
   * ```
   */
  offset(i: number): number {
    const w = (this.#slotAddr(i, "slot offset") + this.#ptrOff) >>> 2;
    return this.#readOffset(w);
  }

  #readOffset(w: number): number {
    const lo = (this.#u32[w] & this.#maskLo) >>> 0;
    const hi = (this.#u32[w + 1] & this.#maskHi) >>> 0;
    const v = lo + hi * TWO32;
    return v > this.maxOffset ? this.maxOffset : v;
  }

  /**
   * Sets the offset of slot `i`. Throws (before netmap sees it) when `v` is
   * above the ring's maximum offset or outside its offset mask.
   *
   * @example
   * ```ts ignore
   * tx.setOffset(i, 64);
   * ```
   */
  setOffset(i: number, v: number): void {
    const w = (this.#slotAddr(i, "slot setOffset") + this.#ptrOff) >>> 2;
    if (
      this.#maskNum === 0 || !(v >= 0 && v <= this.maxOffset && v <= this.#maskNum) ||
      !Number.isInteger(v)
    ) {
      throw offsetError(this.#owner.name, v, this.maxOffset, this.#maskNum);
    }
    const vLo = v >>> 0;
    const vHi = Math.floor(v / TWO32) >>> 0;
    this.#u32[w] = ((this.#u32[w] & ~this.#maskLo) | (vLo & this.#maskLo)) >>> 0;
    this.#u32[w + 1] = ((this.#u32[w + 1] & ~this.#maskHi) | (vHi & this.#maskHi)) >>> 0;
  }

  // ---- frames --------------------------------------------------------------

  #bufferAt(idx: number, off: number, op: string): number {
    const addr = this.#bufBase + idx * this.bufSize;
    if (!(idx >= 0 && (idx >>> 0) === idx && addr >= 0 && addr + this.bufSize <= this.#memLen)) {
      throw invalidArgument(op, this.#owner.name, `buffer index ${idx} is outside the port memory`);
    }
    return addr + off;
  }

  /**
   * Byte offset, in the port's memory, of buffer `idx` (bounds-checked).
   *
   * @example
   * ```ts ignore
   * const at = ring.bufferOffset(ring.bufIdx(0));
   * ```
   */
  bufferOffset(idx: number): number {
    if (this.#owner.closed) throw portClosed("buffer", this.#owner.name);
    return this.#bufferAt(idx, 0, "buffer");
  }

  /**
   * Byte offset, in the port's memory, where slot `i`'s data starts
   * (buffer + slot offset).
   *
   * @example
   * ```ts ignore
   * console.log(ring.dataOffset(0));
   * ```
   */
  dataOffset(i: number): number {
    const s = this.#slotAddr(i, "slot data");
    const off = this.#maskNum === 0 ? 0 : this.#readOffset((s + this.#ptrOff) >>> 2);
    return this.#bufferAt(this.#u32[(s + this.#bufIdxOff) >>> 2], off, "slot data");
  }

  /**
   * A view of slot `i`'s data, starting at its offset. Default length: the
   * frame length on RX rings, the usable buffer (bufSize − offset) on TX rings.
   *
   * @example
   * ```ts ignore
   * const bytes = rx.frame(rx.slot(0)); // the received frame
   * ```
   */
  frame(i: number, length?: number): Uint8Array {
    const start = this.dataOffset(i);
    const room = this.bufSize - this.offset(i);
    const n = length ?? (this.kind === "rx" ? this.len(i) : room);
    if (!(n >= 0 && n <= room)) {
      throw invalidArgument("slot frame", this.#owner.name, `length ${n} out of range 0..${room}`);
    }
    return new Uint8Array(this.#u8.buffer, start, n);
  }

  /**
   * Copies `bytes` into slot `i`'s buffer (at its offset) and sets its length.
   * No allocation.
   *
   * @example
   * ```ts ignore
   * tx.write(tx.slot(0), frameBytes);
   * ```
   */
  write(i: number, bytes: Uint8Array): void {
    const start = this.dataOffset(i);
    const room = this.bufSize - (this.#maskNum === 0 ? 0 : this.offset(i));
    if (bytes.length > room) {
      throw invalidArgument(
        "slot write",
        this.#owner.name,
        `frame of ${bytes.length} bytes does not fit the ${room} bytes of the buffer`,
      );
    }
    this.#u8.set(bytes, start);
    this.#u16[(this.#slot0 + i * this.#slotSize + this.#lenOff) >>> 1] = bytes.length;
  }

  /**
   * Copies slot `i`'s frame into `dst`; returns the number of bytes copied
   * (min of the frame length and dst.length). Only a view object is created.
   *
   * @example
   * ```ts ignore
   * const n = rx.read(rx.slot(0), scratch);
   * ```
   */
  read(i: number, dst: Uint8Array): number {
    const start = this.dataOffset(i);
    const len = this.len(i);
    const n = len < dst.length ? len : dst.length;
    dst.set(this.#u8.subarray(start, start + n));
    return n;
  }

  // ---- checks --------------------------------------------------------------

  #checkIndex(v: number, what: string): void {
    if (!(v >= 0 && v < this.numSlots && (v | 0) === v)) {
      throw invalidArgument(
        `ring ${what}`,
        this.#owner.name,
        `${what} ${v} out of range 0..${this.numSlots - 1}`,
      );
    }
  }

  #checkCount(n: number, op: string): void {
    if (!(n >= 0 && n < this.numSlots && (n | 0) === n)) {
      throw invalidArgument(
        op,
        this.#owner.name,
        `count ${n} out of range 0..${this.numSlots - 1}`,
      );
    }
  }

  #badSlot(i: number, op: string): never {
    throw invalidArgument(
      op,
      this.#owner.name,
      `slot index ${i} out of range 0..${this.numSlots - 1} (${this.kind} ring ${this.index})`,
    );
  }
}
