/**
 * openPort() and Port: register a netmap port, map its memory once, and give
 * the script its rings, sync calls, a non-blocking wait (`ready`), extra
 * buffers and a `using`-friendly close.
 *
 * @module
 */

import { ERRNO, invalidArgument, NetmapError, portClosed } from "./errors.ts";
import { backendName, check, checkAsync, errorFrom, library } from "./ffi.ts";
import { layout } from "./layout.ts";
import { offsetsOption, type OffsetsOptions, resolveOffsets } from "./offsets.ts";
import { parsePortName, type PortSpec } from "./port_name.ts";
import { type RequestOption, runRequest, Struct } from "./request.ts";
import { Ring, type RingOwner } from "./ring.ts";
import { portInfo } from "./vale.ts";
import type { Expected } from "./frames/matcher.ts";
import {
  expect as expectFrames,
  expectNothing as expectNone,
  type ExpectNothingOptions,
  type ExpectOptions,
  type FrameInput,
  send as sendFrames,
  type SendOptions,
  type SendResult,
} from "./testing/io.ts";
import { noteTxPoll, noteTxSync, trackTxPort } from "./testing/tx_pending.ts";

/**
 * Ring and slot counts wanted when the open creates the port (0/absent = netmap's choice).
 *
 * @example
 * ```ts ignore
 * import { openPort, type PortConf } from "../mod.ts";
 * const conf: PortConf = { rings: 2, slots: 512 };
 * using p = openPort("vale0:new", { conf });
 * ```
 */
export interface PortConf {
  /** TX and RX rings. */
  rings?: number;
  /** TX rings (overrides `rings`). */
  txRings?: number;
  /** RX rings (overrides `rings`). */
  rxRings?: number;
  /** Host TX and RX rings. */
  hostRings?: number;
  /** Host TX rings (overrides `hostRings`). */
  hostTxRings?: number;
  /** Host RX rings (overrides `hostRings`). */
  hostRxRings?: number;
  /** TX and RX slots per ring. */
  slots?: number;
  /** TX slots (overrides `slots`). */
  txSlots?: number;
  /** RX slots (overrides `slots`). */
  rxSlots?: number;
}

/**
 * Options of openPort(). Unknown names throw before anything is opened.
 *
 * @example
 * ```ts ignore
 * import { openPort, type PortOptions } from "../mod.ts";
 * const options: PortOptions = { exclusive: true, extraBuffers: 16 };
 * using p = openPort("vale0:a", options);
 * ```
 */
export interface PortOptions {
  /** Per-slot offsets (NETMAP_REQ_OPT_OFFSETS). */
  offsets?: OffsetsOptions;
  /**
   * Extra buffers to ask for. Best effort, like netmap: fewer may be granted without an error,
   * so compare `info.extraBuffers` (granted) with `info.extraBuffersRequested`. netmap grants
   * at most 128 × 4096 = 524288 to a VALE port, and fewer when the buffer pool runs
   * short; allocating is linear in the count (hundreds of thousands take about a second).
   */
  extraBuffers?: number;
  /** Rings and slots, when the open creates the port. */
  conf?: PortConf;
  /** Hold the rings exclusively (NR_EXCLUSIVE, like "/x"). */
  exclusive?: boolean;
  /**
   * NR_NO_TX_POLL: `ready("rx")` (netmap's poll for POLLIN) then leaves the TX rings alone;
   * by default it also pushes out what was submitted on them, as netmap does.
   */
  noTxPoll?: boolean;
  /** Memory region id (like "@N"). */
  memId?: number;
}

/**
 * What netmap granted at registration.
 *
 * @example
 * ```ts ignore
 * import { openPort, type PortInfo } from "../mod.ts";
 * using p = openPort("vale0:a");
 * const info: PortInfo = p.info;
 * console.log(info.backend, info.txRings, info.txSlots, info.bufSize);
 * ```
 */
export interface PortInfo {
  /** The name as given to openPort(). */
  name: string;
  /** The backend serving the port: "kernel" or "uvale". */
  backend: string;
  /** NIC TX rings of the port. */
  txRings: number;
  /** NIC RX rings of the port. */
  rxRings: number;
  /** Host TX rings. */
  hostTxRings: number;
  /** Host RX rings. */
  hostRxRings: number;
  /** Slots per TX ring. */
  txSlots: number;
  /** Slots per RX ring. */
  rxSlots: number;
  /** Buffer size in bytes. */
  bufSize: number;
  /** Memory region id. */
  memId: number;
  /** Size of the mapped region in bytes. */
  memsize: number;
  /** Extra buffers granted (may be fewer than asked: see extraBuffersRequested). */
  extraBuffers: number;
  /** Extra buffers asked for with `options.extraBuffers` (the grant for a Port.fromFd port). */
  extraBuffersRequested: number;
  /** Effective maximum offset (0 without offsets). */
  maxOffset: number;
  /** Bound with NR_NO_TX_POLL (`options.noTxPoll`): a poll for "rx" leaves the TX rings alone. */
  noTxPoll: boolean;
}

/**
 * Options of Port.ready().
 *
 * @example
 * ```ts ignore
 * import { openPort, type ReadyOptions } from "../mod.ts";
 * using p = openPort("vale0:a");
 * const opts: ReadyOptions = { timeoutMs: 500 };
 * if (!await p.ready("rx", opts)) console.log("nothing within 500 ms");
 * ```
 */
export interface ReadyOptions {
  /** How long to wait, in ms (finite, >= 0; default 1000). */
  timeoutMs?: number;
}

/**
 * What Port.fromFd() needs besides the handle.
 *
 * @example
 * ```ts ignore
 * import { Port } from "../mod.ts";
 * // What FdServerClient.get() does with the descriptor and register body it received:
 * const port = Port.fromFd(fd, { name: "vale0:a", register: registerBody });
 * ```
 */
export interface FromFdOptions {
  /** The port name, for messages. */
  name: string;
  /** The `nmreq_register` body of the registration (e.g. from an fd-server reply). */
  register: Uint8Array;
}

const OPTION_KEYS = new Set([
  "offsets",
  "extraBuffers",
  "conf",
  "exclusive",
  "noTxPoll",
  "memId",
]);
const CONF_KEYS = new Set([
  "rings",
  "txRings",
  "rxRings",
  "hostRings",
  "hostTxRings",
  "hostRxRings",
  "slots",
  "txSlots",
  "rxSlots",
]);
const POLLIN = 0x1;
const POLLOUT = 0x4;
const POLLERR = 0x8;
const MAX_TIMEOUT_MS = 0x7fffffff;

function intOption(port: string, what: string, v: unknown, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > max) {
    throw invalidArgument(
      "open",
      port,
      `${what} must be an integer in 0..${max}, got ${String(v)}`,
    );
  }
  return v;
}

/** Checks option names and values; throws NetmapError(EINVAL) before any syscall. */
function checkOptions(name: string, options: PortOptions): void {
  if (typeof options !== "object" || options === null) {
    throw invalidArgument("open", name, "options must be an object");
  }
  for (const k of Object.keys(options)) {
    if (!OPTION_KEYS.has(k)) {
      throw invalidArgument(
        "open",
        name,
        `unknown option '${k}' (known: ${[...OPTION_KEYS].join(", ")})`,
      );
    }
  }
  if (options.conf !== undefined) {
    if (typeof options.conf !== "object" || options.conf === null) {
      throw invalidArgument("open", name, "options.conf must be an object");
    }
    for (const [k, v] of Object.entries(options.conf)) {
      if (!CONF_KEYS.has(k)) {
        throw invalidArgument(
          "open",
          name,
          `unknown key options.conf.${k} (known: ${[...CONF_KEYS].join(", ")})`,
        );
      }
      intOption(name, `options.conf.${k}`, v, k.endsWith("lots") ? 0xffffffff : 0xffff);
    }
  }
  if (options.extraBuffers !== undefined) {
    intOption(name, "options.extraBuffers", options.extraBuffers, 0xffffffff);
  }
  if (options.memId !== undefined) intOption(name, "options.memId", options.memId, 0xffff);
  for (const key of ["exclusive", "noTxPoll"] as const) {
    if (options[key] !== undefined && typeof options[key] !== "boolean") {
      throw invalidArgument("open", name, `options.${key} must be a boolean`);
    }
  }
  if (options.offsets !== undefined) resolveOffsets(name, options.offsets);
}

function fillConf(reg: Struct, conf: PortConf): void {
  const pick = (a?: number, b?: number): number => a ?? b ?? 0;
  reg.set("nr_tx_rings", pick(conf.txRings, conf.rings));
  reg.set("nr_rx_rings", pick(conf.rxRings, conf.rings));
  reg.set("nr_host_tx_rings", pick(conf.hostTxRings, conf.hostRings));
  reg.set("nr_host_rx_rings", pick(conf.hostRxRings, conf.hostRings));
  reg.set("nr_tx_slots", pick(conf.txSlots, conf.slots));
  reg.set("nr_rx_slots", pick(conf.rxSlots, conf.slots));
}

/** Port's private constructor path for openPort() (set by Port's static block). */
let mapPort: (
  fd: number,
  name: string,
  reg: Struct,
  maxOffset: number,
  extraAsked: number,
) => Port;

/**
 * Opens (registers and maps) a netmap port.
 *
 * @param name A netmap port name: "vale0:a", "netmap:eth0-1/x", "vale0:p{1"...
 * @param options Offsets, extra buffers, ring/slot counts, exclusive, memory id.
 * @returns The open port; close it with `using` or close().
 *
 * @example
 * ```ts ignore
 * import { openPort } from "../mod.ts";
 * using port = openPort("vale0:a", { conf: { slots: 256 }, extraBuffers: 4 });
 * console.log(port.info.txSlots, port.info.extraBuffers);
 * ```
 */
export function openPort(name: string, options: PortOptions = {}): Port {
  checkOptions(name, options);
  const spec = parsePortName(name);
  const fromName = spec.options;
  if (fromName.extmem !== undefined) {
    throw new NetmapError({
      op: "open",
      port: name,
      errno: ERRNO.EOPNOTSUPP,
      detail: "the @extmem option is not supported by openPort() yet",
      hint: "drop @extmem from the name",
    });
  }
  const conf: PortConf = { ...(fromName.conf ?? {}), ...(options.conf ?? {}) };
  let offsets = options.offsets;
  if (offsets === undefined && fromName.offset !== undefined) {
    const o = fromName.offset;
    offsets = { initial: o.initial, max: o.max ?? o.initial, bits: o.bits ?? 0 };
  }
  const resolved = offsets === undefined ? undefined : resolveOffsets(name, offsets);
  let memId = options.memId ?? spec.memId;
  if (fromName.share !== undefined) {
    const shared = portInfo(fromName.share).memId;
    if (memId !== 0 && memId !== shared) {
      throw invalidArgument(
        "open",
        name,
        `@share=${fromName.share} uses memory region ${shared}, not ${memId}`,
      );
    }
    memId = shared;
  }

  const l = layout();
  const reg = Struct.alloc("nmreq_register");
  reg.set("nr_mode", spec.mode);
  reg.set("nr_ringid", spec.ringId);
  let flags = spec.flags;
  if (options.exclusive) flags |= BigInt(l.constant("NR_EXCLUSIVE"));
  if (options.noTxPoll) flags |= BigInt(l.constant("NR_NO_TX_POLL"));
  reg.set("nr_flags", flags);
  reg.set("nr_mem_id", memId);
  reg.set("nr_extra_bufs", options.extraBuffers ?? 0);
  fillConf(reg, conf);
  const opts: RequestOption[] = resolved ? [offsetsOption(resolved)] : [];

  const lib = library();
  const fd = check(lib.nms_open(), "open", name);
  try {
    runRequest(fd, {
      op: "register",
      type: "NETMAP_REQ_REGISTER",
      name: spec.name,
      body: reg,
      options: opts,
      port: name,
    });
    const maxOffset = resolved ? opts[0].struct.get("nro_max_offset") : 0;
    return mapPort(fd, name, reg, maxOffset, options.extraBuffers ?? 0);
  } catch (e) {
    lib.nms_close(fd);
    throw explainRingRefusal(e, name, spec);
  }
}

/**
 * Kernel netmap answers a `-N` / `^N` ring that the port does not have with a bare EINVAL
 * (uvale says which ring and how many there are): say it, with the port's ring counts when
 * netmap can tell them (an existing port), so both backends explain the same mistake.
 */
function explainRingRefusal(e: unknown, name: string, spec: PortSpec): unknown {
  const { mode, ringId } = spec;
  const l = layout();
  const one = mode === l.constant("NR_REG_ONE_NIC")
    ? "-"
    : mode === l.constant("NR_REG_ONE_SW")
    ? "^"
    : "";
  if (!(e instanceof NetmapError) || e.code !== "EINVAL" || one === "" || /ring/.test(e.detail)) {
    return e;
  }
  let has = "a new VALE port or pipe has 1 ring pair unless conf.rings asks for more";
  try {
    const i = portInfo(spec.name);
    const [tx, rx] = one === "-" ? [i.txRings, i.rxRings] : [i.hostTxRings, i.hostRxRings];
    has = `the port has ${tx} tx and ${rx} rx ${one === "^" ? "host " : ""}rings`;
  } catch {
    // a port that does not exist yet (ephemeral VALE port, pipe): the general rule
  }
  return new NetmapError({
    op: "register",
    port: name,
    errno: ERRNO.EINVAL,
    detail: `netmap refused ${one === "^" ? "host " : ""}ring ${ringId} (${one}${ringId}): ${has}`,
    hint: "",
  });
}

/**
 * An open netmap port.
 *
 * @example
 * ```ts ignore
 * import { openPort } from "../mod.ts";
 * using a = openPort("vale0:a");
 * using b = openPort("vale0:b");
 * a.txRings[0].reserve(1);
 * a.txRings[0].write(a.txRings[0].slot(0), new Uint8Array(60).fill(0xff));
 * a.txRings[0].submit(1);
 * a.txsync();
 * if (await b.ready("rx", { timeoutMs: 1000 })) console.log(b.rxRings[0].space());
 * ```
 */
export class Port implements RingOwner {
  /** The name given to openPort(). */
  readonly name: string;
  /** What netmap granted. */
  readonly info: PortInfo;
  /** The TX rings bound to this port (NIC rings, then host rings). */
  readonly txRings: readonly Ring[];
  /** The RX rings bound to this port (NIC rings, then host rings). */
  readonly rxRings: readonly Ring[];

  #fd: number;
  #ptr: Deno.PointerObject;
  #mem: ArrayBuffer;
  #closed = false;
  #pending: Promise<number> | undefined;
  #nifp: number;
  #taken: number[] = [];
  #reg: Uint8Array<ArrayBuffer>;

  private constructor(
    fd: number,
    name: string,
    reg: Struct,
    ptr: Deno.PointerObject,
    maxOffset: number,
    extraAsked: number,
  ) {
    const l = layout();
    this.#fd = fd;
    this.name = name;
    this.#ptr = ptr;
    this.#reg = reg.copyBytes();
    const memsize = reg.get("nr_memsize");
    this.#mem = Deno.UnsafePointerView.getArrayBuffer(ptr, memsize);
    this.#nifp = reg.get("nr_offset");
    const dv = new DataView(this.#mem);
    const nif = (f: string): number => dv.getUint32(this.#nifp + l.offset("netmap_if", f), true);
    // The netmap_if lays out ring_ofs[] with at least one host ring per direction even when
    // the port has none (VALE ports, pipes); what the port has is what the register reply says.
    const ntx = nif("ni_tx_rings");
    const nrx = nif("ni_rx_rings");
    const nhtx = nif("ni_host_tx_rings");
    const nhrx = nif("ni_host_rx_rings");
    const ofs0 = this.#nifp + l.offset("netmap_if", "ring_ofs");
    const ringOfs = (k: number): number => Number(dv.getBigInt64(ofs0 + 8 * k, true));
    const rings = (kind: "tx" | "rx", first: number, nic: number, host: number): Ring[] => {
      const out: Ring[] = [];
      for (let i = 0; i < nic + host; i++) {
        const ofs = ringOfs(first + i);
        if (ofs === 0) continue;
        out.push(
          new Ring({
            mem: this.#mem,
            ringOffset: this.#nifp + ofs,
            kind,
            index: i,
            host: i >= nic,
            maxOffset,
            owner: this,
          }),
        );
      }
      return out;
    };
    this.txRings = Object.freeze(rings("tx", 0, ntx, nhtx));
    this.rxRings = Object.freeze(rings("rx", ntx + nhtx, nrx, nhrx));
    // A legacy (API 11) body has no host ring counts: count the bound host rings then.
    const boundHost = (list: readonly Ring[]): number => list.filter((r) => r.host).length;
    const hostTx = Math.max(reg.get("nr_host_tx_rings"), boundHost(this.txRings));
    const hostRx = Math.max(reg.get("nr_host_rx_rings"), boundHost(this.rxRings));
    const any = this.txRings[0] ?? this.rxRings[0];
    this.info = Object.freeze({
      name,
      backend: backendName(),
      txRings: reg.get("nr_tx_rings"),
      rxRings: reg.get("nr_rx_rings"),
      hostTxRings: hostTx,
      hostRxRings: hostRx,
      txSlots: reg.get("nr_tx_slots"),
      rxSlots: reg.get("nr_rx_slots"),
      bufSize: any ? any.bufSize : 0,
      memId: reg.get("nr_mem_id"),
      memsize,
      extraBuffers: reg.get("nr_extra_bufs"),
      extraBuffersRequested: extraAsked < 0 ? reg.get("nr_extra_bufs") : extraAsked,
      maxOffset: any ? any.maxOffset : 0,
      noTxPoll: (reg.getBig("nr_flags") & BigInt(layout().constant("NR_NO_TX_POLL"))) !== 0n,
    });
  }

  static {
    mapPort = (fd, name, reg, maxOffset, extraAsked): Port =>
      Port.#map(fd, name, reg, maxOffset, extraAsked);
  }

  /** Maps the memory of a registered handle and builds the Port. */
  static #map(fd: number, name: string, reg: Struct, maxOffset: number, extraAsked = -1): Port {
    const lib = library();
    const err = new Int32Array(1);
    const memsize = reg.get("nr_memsize");
    const ptr = lib.nms_mmap(fd, BigInt(memsize), err);
    if (ptr === null) throw errorFrom(err[0] || ERRNO.ENOMEM, "mmap", name);
    try {
      return trackTxPort(new Port(fd, name, reg, ptr, maxOffset, extraAsked));
    } catch (e) {
      lib.nms_munmap(ptr, BigInt(memsize));
      throw e;
    }
  }

  /**
   * A Port over a handle registered elsewhere (e.g. received from an fd
   * server with SCM_RIGHTS). The Port owns the handle: close() closes it
   * (when fromFd throws, the caller still owns it). The maximum offset is not
   * known from the handle; rings with offsets allow up to the buffer size.
   *
   * @example
   * ```ts ignore
   * import { layout, Port } from "../mod.ts";
   * // A reply laid out as { int32 result; (padding to 8) nmreq_header; nmreq_register }:
   * // take the body by the layout table's sizes, not by typed-in offsets.
   * const l = layout();
   * const regAt = 8 + l.size("nmreq_header");
   * const register = reply.subarray(regAt, regAt + l.size("nmreq_register"));
   * using port = Port.fromFd(fd, { name: "vale0:a", register });
   * // (fdServer().get(name) does all this for an fd server's reply.)
   * ```
   */
  static fromFd(fd: number, options: FromFdOptions): Port {
    const l = layout();
    const size = l.size("nmreq_register");
    if (!(options.register instanceof Uint8Array) || options.register.length < size) {
      throw invalidArgument(
        "from fd",
        options.name,
        `register must be ${size} bytes of nmreq_register`,
      );
    }
    const reg = new Struct("nmreq_register", options.register.slice(0, size));
    return Port.#map(fd, options.name, reg, -1);
  }

  /** True once the port is closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The handle (file descriptor or its uvale equivalent). */
  get fd(): number {
    this.#alive("fd");
    return this.#fd;
  }

  /** The whole mapped region (all rings and buffers), zero-copy. */
  get memory(): ArrayBuffer {
    this.#alive("memory");
    return this.#mem;
  }

  #alive(op: string): void {
    if (this.#closed) throw portClosed(op, this.name);
  }

  /**
   * A copy of the `nmreq_register` body netmap returned for this port (what an
   * fd server sends next to the handle, and what Port.fromFd takes).
   *
   * @example
   * ```ts ignore
   * socket.send(reply(port.registerBody()), port.fd);
   * ```
   */
  registerBody(): Uint8Array<ArrayBuffer> {
    return this.#reg.slice();
  }

  /**
   * The TX ring with index `i` (among this port's TX rings, host rings last).
   *
   * @example
   * ```ts ignore
   * const tx = port.txRing(0);
   * ```
   */
  txRing(i: number): Ring {
    return this.#ring(this.txRings, "tx", i);
  }

  /**
   * The RX ring with index `i`.
   *
   * @example
   * ```ts ignore
   * const rx = port.rxRing(0);
   * ```
   */
  rxRing(i: number): Ring {
    return this.#ring(this.rxRings, "rx", i);
  }

  #ring(list: readonly Ring[], kind: string, i: number): Ring {
    this.#alive(`${kind} ring`);
    const r = list.find((x) => x.index === i);
    if (!r) {
      const bound = list.map((x) => x.index).join(", ") || "none";
      throw invalidArgument(
        `${kind} ring`,
        this.name,
        `no ${kind} ring ${i} bound (bound: ${bound})`,
      );
    }
    return r;
  }

  /**
   * Sends frames: fills TX slots in batches (multi-slot frames with NS_MOREFRAG), one txsync
   * per batch, waiting for space up to `timeoutMs`. See `send` in src/testing/io.ts.
   *
   * @example Send two broadcast frames
   * ```ts ignore
   * import { eth } from "../mod.ts";
   * await port.send([eth({ dst: "ff:ff:ff:ff:ff:ff" }).payload(new Uint8Array(46))], { timeoutMs: 500 });
   * ```
   *
   * @param frames Bytes or frame builders.
   * @param options Timeout, ring, fragment size, extra buffers, offsets.
   * @returns How many frames and slots were sent.
   */
  send(frames: FrameInput | Iterable<FrameInput>, options?: SendOptions): Promise<SendResult> {
    return sendFrames(this, frames, options);
  }

  /**
   * Waits for frames matching `expected` (a builder, bytes or a field pattern) and returns
   * them; fails with a field-by-field diff on a mismatch, or ETIMEDOUT when too few arrive.
   *
   * @example Expect one UDP frame to 10.0.0.7
   * ```ts ignore
   * await port.expect({ ipv4: { dst: "10.0.0.7" } }, { count: 1, timeoutMs: 1000 });
   * ```
   *
   * @param expected What each frame must match.
   * @param options count, timeoutMs, ignoreOthers.
   * @returns The matching frames.
   */
  expect(expected: Expected | readonly Expected[], options?: ExpectOptions): Promise<Uint8Array[]> {
    return expectFrames(this, expected, options);
  }

  /**
   * Fails if any frame arrives within `timeoutMs`.
   *
   * @example Nothing may arrive for 200 ms
   * ```ts ignore
   * await port.expectNothing({ timeoutMs: 200 });
   * ```
   *
   * @param options timeoutMs.
   * @returns Resolves when the time passed with nothing received.
   */
  expectNothing(options?: ExpectNothingOptions): Promise<void> {
    return expectNone(this, options);
  }

  /**
   * Tells netmap about TX slots given to it (head) and reclaims sent ones.
   *
   * @example
   * ```ts ignore
   * port.txsync();
   * ```
   */
  txsync(): void {
    this.#alive("txsync");
    check(library().nms_txsync(this.#fd), "txsync", this.name);
    noteTxSync(this);
  }

  /**
   * Releases consumed RX slots and learns about newly received frames.
   *
   * @example
   * ```ts ignore
   * port.rxsync();
   * ```
   */
  rxsync(): void {
    this.#alive("rxsync");
    check(library().nms_rxsync(this.#fd), "rxsync", this.name);
  }

  /**
   * Waits until the port can send ("tx") or has frames ("rx"), or the timeout
   * passes. The wait runs off the event loop (a non-blocking FFI call); one
   * wait at a time per port. Like netmap's poll, it syncs the rings.
   *
   * @returns true when ready, false on timeout.
   *
   * @example
   * ```ts ignore
   * if (!(await port.ready("rx", { timeoutMs: 500 }))) console.log("nothing received");
   * ```
   */
  async ready(dir: "tx" | "rx", options: ReadyOptions = {}): Promise<boolean> {
    this.#alive("ready");
    if (dir !== "tx" && dir !== "rx") {
      throw invalidArgument(
        "ready",
        this.name,
        `direction must be "tx" or "rx", got ${String(dir)}`,
      );
    }
    const timeout = options.timeoutMs ?? 1000;
    if (!Number.isInteger(timeout) || timeout < 0 || timeout > MAX_TIMEOUT_MS) {
      throw invalidArgument(
        "ready",
        this.name,
        `timeoutMs must be an integer in 0..${MAX_TIMEOUT_MS}, got ${timeout}`,
      );
    }
    if (this.#pending) {
      throw new NetmapError({
        op: "ready",
        port: this.name,
        errno: ERRNO.EBUSY,
        summary: "a ready() is already pending on this port",
        hint: "await the first ready() before starting another",
      });
    }
    const events = dir === "rx" ? POLLIN : POLLOUT;
    const pending = library().nms_poll(this.#fd, events, timeout);
    this.#pending = pending;
    let r: number;
    try {
      r = await pending;
    } finally {
      this.#pending = undefined;
      if (this.#closed) this.#release();
    }
    if (this.#closed) throw portClosed("ready", this.name);
    checkAsync(r, "poll", this.name);
    noteTxPoll(this, dir);
    if (r & POLLERR) {
      throw new NetmapError({ op: "poll", port: this.name, errno: ERRNO.EIO, summary: "POLLERR" });
    }
    return (r & events) !== 0;
  }

  /**
   * Byte offset of buffer `idx` in `memory` (bounds-checked).
   *
   * @example
   * ```ts ignore
   * const at = port.bufferOffset(port.extraBuffers()[0]);
   * ```
   */
  bufferOffset(idx: number): number {
    this.#alive("buffer");
    const ring = this.txRings[0] ?? this.rxRings[0];
    if (!ring) throw invalidArgument("buffer", this.name, "the port has no bound ring");
    if (!(Number.isInteger(idx) && idx > 0)) {
      throw invalidArgument("buffer", this.name, `buffer index ${idx} is not a valid index`);
    }
    return ring.bufferOffset(idx);
  }

  /**
   * A view of buffer `idx` (bufSize bytes).
   *
   * @example
   * ```ts ignore
   * port.buffer(port.extraBuffers()[0]).fill(0);
   * ```
   */
  buffer(idx: number): Uint8Array {
    return new Uint8Array(this.#mem, this.bufferOffset(idx), this.info.bufSize);
  }

  /**
   * The extra buffers currently on the port's free list (`ni_bufs_head` chain).
   *
   * @example
   * ```ts ignore
   * import { openPort } from "../mod.ts";
   * using port = openPort("vale0:a", { extraBuffers: 8 });
   * const bufs = port.extraBuffers(); // up to 8 buffer indices
   * ```
   */
  extraBuffers(): number[] {
    this.#alive("extra buffers");
    const dv = new DataView(this.#mem);
    const headAt = this.#nifp + layout().offset("netmap_if", "ni_bufs_head");
    const out: number[] = [];
    let idx = dv.getUint32(headAt, true);
    const limit = Math.max(this.info.extraBuffers, this.#taken.length);
    while (idx !== 0) {
      if (out.length >= limit) {
        throw new NetmapError({
          op: "extra buffers",
          port: this.name,
          errno: ERRNO.ELOOP,
          summary: `the list holds more than the ${limit} buffers granted (corrupt or looping)`,
        });
      }
      out.push(idx);
      idx = dv.getUint32(this.bufferOffset(idx), true);
    }
    return out;
  }

  /**
   * Replaces the extra-buffer free list with `indices` (e.g. after swapping
   * buffers with slots); netmap frees this list when the port closes. A buffer
   * that a slot of one of the port's rings still holds is refused (EINVAL, naming
   * the slot): netmap would free it twice.
   *
   * @example
   * ```ts ignore
   * const bufs = port.extraBuffers();
   * port.returnExtraBuffers(bufs);
   * ```
   */
  returnExtraBuffers(indices: readonly number[]): void {
    this.#alive("extra buffers");
    const dv = new DataView(this.#mem);
    const at = indices.map((i) => this.bufferOffset(i));
    if (new Set(indices).size !== indices.length) {
      throw invalidArgument("extra buffers", this.name, "the list repeats a buffer index");
    }
    this.#refuseSlotBuffers(indices);
    for (let k = 0; k < indices.length; k++) {
      dv.setUint32(at[k], k + 1 < indices.length ? indices[k + 1] : 0, true);
    }
    const headAt = this.#nifp + layout().offset("netmap_if", "ni_bufs_head");
    dv.setUint32(headAt, indices.length > 0 ? indices[0] : 0, true);
    this.#taken = [...indices];
  }

  /** Throws EINVAL when a slot of one of this port's rings holds one of `indices`. */
  #refuseSlotBuffers(indices: readonly number[]): void {
    if (indices.length === 0) return;
    const wanted = new Set(indices);
    for (const ring of [...this.txRings, ...this.rxRings]) {
      for (let i = 0; i < ring.numSlots; i++) {
        const idx = ring.bufIdx(i);
        if (!wanted.has(idx)) continue;
        const which = `${ring.host ? "host " : ""}${ring.kind} ring ${ring.index} slot ${i}`;
        throw invalidArgument(
          "extra buffers",
          this.name,
          `buffer ${idx} is held by ${which}; give back only buffers no slot holds ` +
            "(from extraBuffers(), or swapped out of a slot with setBufIdx)",
        );
      }
    }
  }

  /**
   * Unmaps and closes the port. Safe to call twice; any later use throws
   * NetmapError (EBADF, "port is closed"). A pending ready() finishes first.
   *
   * @example
   * ```ts ignore
   * port.close();
   * port.close(); // harmless
   * ```
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#pending) this.#release();
  }

  #release(): void {
    if (this.#fd < 0) return;
    const lib = library();
    const size = this.#mem.byteLength;
    // Detach the ArrayBuffer: views kept by the script become empty, not dangling.
    this.#mem.transfer(0);
    lib.nms_munmap(this.#ptr, BigInt(size));
    lib.nms_close(this.#fd);
    this.#fd = -1;
  }

  /** Closes the port (for `using`). */
  [Symbol.dispose](): void {
    this.close();
  }
}
