/**
 * netmap's legacy control API as `functional-legacy` and `fd_server-legacy`
 * see it: what `nm_open()` accepts as a port name, what it leaves in the
 * legacy `struct nmreq` after NIOCREGIF (the request the legacy fd server
 * sends), and which rings a descriptor built from that request uses.
 *
 * The port is still opened with the current API (openPort()); the kernel
 * turns a legacy NIOCREGIF into the same registration, so the request here is
 * rebuilt from the `nmreq_register` body. Field offsets come from the layout
 * table (`nmreq`), never typed by hand.
 *
 * @module
 */

import { invalidArgument } from "../errors.ts";
import { layout } from "../layout.ts";
import { parsePortName, type PortSpec } from "../port_name.ts";
import { Struct } from "../request.ts";

/** A port name as `nm_open()` reads it. */
export interface LegacyPortName {
  /** The parsed name (current grammar; the legacy one is a subset of it). */
  spec: PortSpec;
  /** The legacy `nr_name`: "vale0:a", "eth0", the pipe's parent "pipeA" (at most 15 bytes). */
  nrName: string;
  /** The legacy `nr_flags`: an NR_REG_* mode (pipes: NR_REG_PIPE_MASTER/SLAVE) | flag bits. */
  nrFlags: number;
  /** The legacy `nr_ringid`: the ring of `-N`, or the pipe id of `{N` / `}N`. */
  nrRingId: number;
}

/** First and last ring index (NIC rings first, the host ring after them). */
export interface RingSpan {
  /** First ring index. */
  first: number;
  /** Last ring index (inclusive). */
  last: number;
}

/** The rings a legacy descriptor uses, per direction. */
export interface LegacyRingRange {
  /** TX rings. */
  tx: RingSpan;
  /** RX rings. */
  rx: RingSpan;
}

const k = (name: string): number => layout().constant(name);

/**
 * Checks `name` against the legacy `nm_open()` grammar and returns what it
 * puts in `struct nmreq`. Refused with EINVAL (as nm_open): `@` options
 * (`@conf`, `@offset`...), `^N`, a pipe id that is not a number below 4095, a
 * pipe with a ring selector, and an `nr_name` of 16 bytes or more.
 *
 * @example
 * ```ts ignore
 * import { parseLegacyPortName } from "./legacy_nmreq.ts";
 * const p = parseLegacyPortName("netmap:pipeA{1/x");
 * console.log(p.nrName, p.nrFlags, p.nrRingId); // "pipeA" 2053 1
 * ```
 */
export function parseLegacyPortName(name: string): LegacyPortName {
  const spec = parsePortName(name);
  const refuse = (why: string): never => {
    throw invalidArgument("nm_open", name, `the legacy nm_open() API ${why}`);
  };
  const used = Object.entries(spec.options).filter(([, v]) => v !== undefined).map(([o]) => o);
  if (used.length > 0) {
    refuse(`has no @options (got @${used.join(", @")}); use functional, not functional-legacy`);
  }
  if (spec.mode === k("NR_REG_ONE_SW")) refuse("has no '^N' (one host ring): use '^'");
  let mode = spec.mode;
  let ringId = spec.ringId;
  let nrName = spec.name;
  if (spec.pipe) {
    if (!/^[0-9]+$/.test(spec.pipe.id) || Number(spec.pipe.id) >= k("NETMAP_RING_MASK")) {
      refuse(
        `takes a pipe id that is a number below ${k("NETMAP_RING_MASK")}, not '${spec.pipe.id}'`,
      );
    }
    if (spec.mode !== k("NR_REG_ALL_NIC")) refuse("takes no ring selector after a pipe id");
    mode = k(spec.pipe.end === "master" ? "NR_REG_PIPE_MASTER" : "NR_REG_PIPE_SLAVE");
    ringId = Number(spec.pipe.id);
    nrName = spec.pipe.parent;
  }
  const size = layout().field("nmreq", "nr_name").size;
  if (new TextEncoder().encode(nrName).length >= size) {
    refuse(`takes names of at most ${size - 1} bytes ('${nrName}' is longer)`);
  }
  const flags = Number(BigInt.asUintN(32, spec.flags)) & ~k("NR_REG_MASK");
  return { spec, nrName, nrFlags: (mode | flags) >>> 0, nrRingId: ringId & k("NETMAP_RING_MASK") };
}

/**
 * The legacy `struct nmreq` that `nm_open(name)` holds after NIOCREGIF:
 * the name, mode and ring id of the request, and the registration's
 * results (`register`, an `nmreq_register` body): offset, memory size,
 * slots, rings, memory id (`nr_arg2`) and extra buffers (`nr_arg3`).
 *
 * @example
 * ```ts ignore
 * import { legacyRequest, parseLegacyPortName } from "./legacy_nmreq.ts";
 * import { openPort } from "../port.ts";
 * using port = openPort("vale0:a");
 * const req = legacyRequest(parseLegacyPortName("vale0:a"), port.registerBody());
 * ```
 */
export function legacyRequest(name: LegacyPortName, register: Uint8Array): Uint8Array<ArrayBuffer> {
  const reg = new Struct("nmreq_register", register.slice(0, layout().size("nmreq_register")));
  const req = Struct.alloc("nmreq")
    .setString("nr_name", name.nrName)
    .set("nr_version", k("NETMAP_API"))
    .set("nr_ringid", name.nrRingId)
    .set("nr_flags", name.nrFlags)
    .set("nr_arg2", reg.get("nr_mem_id"))
    .set("nr_arg3", reg.get("nr_extra_bufs"));
  for (const f of ["nr_offset", "nr_memsize", "nr_tx_slots", "nr_rx_slots"]) {
    req.set(f, reg.get(f));
  }
  for (const f of ["nr_tx_rings", "nr_rx_rings"]) req.set(f, reg.get(f) & 0xffff);
  return req.copyBytes();
}

/**
 * The `nmreq_register` body equivalent to a legacy request (what
 * Port.fromFd() takes): pipes become NR_REG_ALL_NIC, as in the kernel.
 *
 * @example
 * ```ts ignore
 * import { registerFromLegacy } from "./legacy_nmreq.ts";
 * const reg = registerFromLegacy(reply.request);
 * ```
 */
export function registerFromLegacy(request: Uint8Array): Uint8Array<ArrayBuffer> {
  const req = new Struct("nmreq", request.slice(0, layout().size("nmreq")));
  const flags = req.get("nr_flags");
  let mode = flags & k("NR_REG_MASK");
  let ringId = req.get("nr_ringid") & k("NETMAP_RING_MASK");
  if (mode === k("NR_REG_PIPE_MASTER") || mode === k("NR_REG_PIPE_SLAVE")) {
    mode = k("NR_REG_ALL_NIC");
    ringId = 0;
  }
  const reg = Struct.alloc("nmreq_register")
    .set("nr_mode", mode)
    .set("nr_ringid", ringId)
    .set("nr_flags", (flags & ~k("NR_REG_MASK")) >>> 0)
    .set("nr_mem_id", req.get("nr_arg2"))
    .set("nr_extra_bufs", req.get("nr_arg3"));
  for (const f of ["nr_offset", "nr_memsize", "nr_tx_slots", "nr_rx_slots"]) {
    reg.set(f, req.get(f));
  }
  for (const f of ["nr_tx_rings", "nr_rx_rings"]) reg.set(f, req.get(f));
  return reg.copyBytes();
}

/**
 * The rings a legacy descriptor uses, from `nr_flags & NR_REG_MASK`:
 * NR_REG_SW the host ring only (index `nr_tx_rings` / `nr_rx_rings`),
 * NR_REG_ALL_NIC 0..n-1, NR_REG_NIC_SW 0..n, NR_REG_ONE_NIC the ring
 * `nr_ringid`, anything else (pipes) ring 0.
 *
 * @example
 * ```ts ignore
 * import { legacyRingRange } from "./legacy_nmreq.ts";
 * console.log(legacyRingRange(req).tx); // { first: 0, last: 0 }
 * ```
 */
export function legacyRingRange(request: Uint8Array): LegacyRingRange {
  const req = new Struct("nmreq", request.slice(0, layout().size("nmreq")));
  const mode = req.get("nr_flags") & k("NR_REG_MASK");
  const ntx = req.get("nr_tx_rings");
  const nrx = req.get("nr_rx_rings");
  const span = (first: number, last: number): RingSpan => ({ first, last });
  if (mode === k("NR_REG_SW")) return { tx: span(ntx, ntx), rx: span(nrx, nrx) };
  if (mode === k("NR_REG_ALL_NIC")) return { tx: span(0, ntx - 1), rx: span(0, nrx - 1) };
  if (mode === k("NR_REG_NIC_SW")) return { tx: span(0, ntx), rx: span(0, nrx) };
  if (mode === k("NR_REG_ONE_NIC")) {
    const r = req.get("nr_ringid") & k("NETMAP_RING_MASK");
    return { tx: span(r, r), rx: span(r, r) };
  }
  return { tx: span(0, 0), rx: span(0, 0) };
}

/**
 * The rings of `rings` whose index lies in `span`.
 *
 * @example
 * ```ts ignore
 * import { legacyRingRange, ringsIn } from "./legacy_nmreq.ts";
 * const tx = ringsIn(port.txRings, legacyRingRange(req).tx);
 * ```
 */
export function ringsIn<R extends { index: number }>(rings: readonly R[], span: RingSpan): R[] {
  return rings.filter((r) => r.index >= span.first && r.index <= span.last);
}
