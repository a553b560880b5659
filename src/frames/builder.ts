/**
 * The frame builder: an immutable, layered description of one frame
 * (`eth().vlan().ipv4().udp().payload()`), written to bytes with every length
 * and checksum filled in. Any header field can be overridden, e.g. to send a
 * wrong checksum on purpose.
 *
 * @module
 */
import {
  type Ipv4Input,
  type Ipv6Input,
  type MacInput,
  parseIpv4,
  parseIpv6,
  parseMac,
} from "./address.ts";
import { internetChecksum, onesSum, pseudoHeaderSum } from "./checksum.ts";
import {
  ARP_OP,
  ETHERTYPE,
  HEADER_SIZE,
  ICMP_TYPE,
  IPPROTO,
  MAX_FRAME_SIZE,
  TCP_FLAG,
} from "./constants.ts";
import { frameError } from "./frame_error.ts";

/**
 * Ethernet header fields.
 *
 * @example
 * ```ts
 * import { eth, type EthOptions } from "../../mod.ts";
 * const hdr: EthOptions = { src: "02:00:00:00:00:01", dst: "02:00:00:00:00:02", type: 0x88b5 };
 * console.log(eth(hdr).payload("x").build().length); // 15
 * ```
 */
export interface EthOptions {
  /** Destination MAC; default ff:ff:ff:ff:ff:ff. */
  dst?: MacInput;
  /** Source MAC; default 00:00:00:00:00:00. */
  src?: MacInput;
  /** Ethertype; default: from the next layer (0x88b5 when none). */
  type?: number;
}

/**
 * One 802.1Q / 802.1ad tag.
 *
 * @example
 * ```ts
 * import { eth, type VlanOptions } from "../../mod.ts";
 * const tag: VlanOptions = { pcp: 5 };
 * console.log(eth({}).vlan(10, tag).arp({}).build().length); // 46
 * ```
 */
export interface VlanOptions {
  /** Priority code point 0..7; default 0. */
  pcp?: number;
  /** Drop-eligible indicator; default false. */
  dei?: boolean;
  /** Tag protocol id written before the tag; default 0x8100 (0x88a8 for a QinQ outer tag). */
  tpid?: number;
  /** Ethertype after the tag; default: from the next layer. */
  type?: number;
}

/**
 * A VLAN tag given whole, for {@link FrameBuilder.qinq}.
 *
 * @example
 * ```ts
 * import { eth, type VlanTag } from "../../mod.ts";
 * const outer: VlanTag = { vid: 100 };
 * const inner: VlanTag = { vid: 10, pcp: 3 };
 * const f = eth({}).qinq(outer, inner).arp({}).build();
 * ```
 */
export interface VlanTag extends VlanOptions {
  /** VLAN id 0..4095. */
  vid: number;
}

/**
 * ARP (Ethernet/IPv4) fields.
 *
 * @example
 * ```ts
 * import { type ArpOptions, ARP_OP, eth } from "../../mod.ts";
 * const who: ArpOptions = { op: ARP_OP.REQUEST, senderIp: "10.0.0.1", targetIp: "10.0.0.2" };
 * console.log(eth({}).arp(who).build().length); // 42
 * ```
 */
export interface ArpOptions {
  /** "request" (1), "reply" (2) or a number; default "request". */
  op?: "request" | "reply" | number;
  /** Sender hardware address; default the Ethernet source. */
  senderMac?: MacInput;
  /** Sender protocol address; default 0.0.0.0. */
  senderIp?: Ipv4Input;
  /** Target hardware address; default 00:00:00:00:00:00. */
  targetMac?: MacInput;
  /** Target protocol address; default 0.0.0.0. */
  targetIp?: Ipv4Input;
  /** Hardware type; default 1 (Ethernet). */
  htype?: number;
  /** Protocol type; default 0x0800. */
  ptype?: number;
  /** Hardware address length field; default 6 (addresses are always written as 6 bytes). */
  hlen?: number;
  /** Protocol address length field; default 4 (addresses are always written as 4 bytes). */
  plen?: number;
}

/**
 * IPv4 header fields.
 *
 * @example
 * ```ts
 * import { eth, type Ipv4Options } from "../../mod.ts";
 * const ip: Ipv4Options = { src: "10.0.0.1", dst: "10.0.0.2", ttl: 1, df: true };
 * const f = eth({}).ipv4(ip).udp({ dstPort: 9 }).build();
 * ```
 */
export interface Ipv4Options {
  /** Source address. */
  src: Ipv4Input;
  /** Destination address. */
  dst: Ipv4Input;
  /** Type of service (DSCP << 2 | ECN); default 0. */
  tos?: number;
  /** Identification; default 0. */
  id?: number;
  /** Don't-fragment flag; default false. */
  df?: boolean;
  /** More-fragments flag; default false. */
  mf?: boolean;
  /** Fragment offset in 8-byte units; default 0. */
  fragmentOffset?: number;
  /** Time to live; default 64. */
  ttl?: number;
  /** Protocol; default: from the next layer (253 when none). */
  protocol?: number;
  /** Total length; default: computed. */
  totalLength?: number;
  /** Header checksum; default: computed. */
  checksum?: number;
  /** Header length in 32-bit words; default: computed from `options`. */
  ihl?: number;
  /** Version nibble; default 4. */
  version?: number;
  /** IP options, a multiple of 4 bytes (at most 40). */
  options?: Uint8Array;
}

/**
 * IPv6 header fields.
 *
 * @example
 * ```ts
 * import { eth, type Ipv6Options } from "../../mod.ts";
 * const ip6: Ipv6Options = { src: "fe80::1", dst: "fe80::2", hopLimit: 255 };
 * const f = eth({}).ipv6(ip6).udp({ dstPort: 9 }).build();
 * ```
 */
export interface Ipv6Options {
  /** Source address. */
  src: Ipv6Input;
  /** Destination address. */
  dst: Ipv6Input;
  /** Traffic class; default 0. */
  trafficClass?: number;
  /** Flow label (20 bits); default 0. */
  flowLabel?: number;
  /** Payload length; default: computed. */
  payloadLength?: number;
  /** Next header; default: from the next layer (253 when none). */
  nextHeader?: number;
  /** Hop limit; default 64. */
  hopLimit?: number;
  /** Version nibble; default 6. */
  version?: number;
}

/**
 * ICMP / ICMPv6 header fields (echo layout: id and sequence).
 *
 * @example
 * ```ts
 * import { eth, type IcmpOptions } from "../../mod.ts";
 * const echo: IcmpOptions = { id: 7, seq: 1 };
 * const f = eth({}).ipv4({ src: "10.0.0.1", dst: "10.0.0.2" }).icmp(echo).build();
 * ```
 */
export interface IcmpOptions {
  /** Type; default echo request (8, or 128 for ICMPv6). */
  type?: number;
  /** Code; default 0. */
  code?: number;
  /** Echo identifier; default 0. */
  id?: number;
  /** Echo sequence number; default 0. */
  seq?: number;
  /** The whole 32-bit rest-of-header; overrides `id` and `seq`. */
  rest?: number;
  /** Checksum; default: computed. */
  checksum?: number;
}

/**
 * UDP header fields.
 *
 * @example
 * ```ts
 * import { eth, type UdpOptions } from "../../mod.ts";
 * const udp: UdpOptions = { srcPort: 1234, dstPort: 9 };
 * const f = eth({}).ipv4({ src: "10.0.0.1", dst: "10.0.0.2" }).udp(udp).payload("hi").build();
 * ```
 */
export interface UdpOptions {
  /** Source port; default 0. */
  srcPort?: number;
  /** Destination port; default 0. */
  dstPort?: number;
  /** Length; default: computed. */
  length?: number;
  /** Checksum; default: computed (a computed 0 is sent as 0xffff, RFC 768). */
  checksum?: number;
}

/**
 * TCP header fields.
 *
 * @example
 * ```ts
 * import { eth, TCP_FLAG, type TcpOptions } from "../../mod.ts";
 * const syn: TcpOptions = { srcPort: 40000, dstPort: 80, flags: TCP_FLAG.SYN };
 * const f = eth({}).ipv4({ src: "10.0.0.1", dst: "10.0.0.2" }).tcp(syn).build();
 * ```
 */
export interface TcpOptions {
  /** Source port; default 0. */
  srcPort?: number;
  /** Destination port; default 0. */
  dstPort?: number;
  /** Sequence number; default 0. */
  seq?: number;
  /** Acknowledgment number; default 0. */
  ack?: number;
  /** Flags: a number, or letters from "FSRPAUEC" ("SA" is SYN+ACK); default "S". */
  flags?: number | string;
  /** Window; default 65535. */
  window?: number;
  /** Urgent pointer; default 0. */
  urgent?: number;
  /** Data offset in 32-bit words; default: computed from `options`. */
  dataOffset?: number;
  /** Checksum; default: computed. */
  checksum?: number;
  /** TCP options, a multiple of 4 bytes (at most 40). */
  options?: Uint8Array;
}

/**
 * A payload: bytes, a UTF-8 string, or `length` bytes of `fill`.
 *
 * @example
 * ```ts
 * import { eth, type PayloadInput } from "../../mod.ts";
 * const data: PayloadInput = { length: 18, fill: 0xaa };
 * console.log(eth({}).payload(data).build().length); // 32
 * ```
 */
export type PayloadInput = Uint8Array | string | { length: number; fill?: number | string };

type EthLayer = { kind: "eth"; dst: Uint8Array; src: Uint8Array; type?: number };
type VlanLayer = {
  kind: "vlan";
  vid: number;
  pcp: number;
  dei: boolean;
  tpid: number;
  type?: number;
};
type ArpLayer = {
  kind: "arp";
  op: number;
  senderMac: Uint8Array;
  senderIp: Uint8Array;
  targetMac: Uint8Array;
  targetIp: Uint8Array;
  htype: number;
  ptype: number;
  hlen: number;
  plen: number;
};
type Ipv4Layer = {
  kind: "ipv4";
  src: Uint8Array;
  dst: Uint8Array;
  tos: number;
  id: number;
  flags: number;
  fragmentOffset: number;
  ttl: number;
  protocol?: number;
  totalLength?: number;
  checksum?: number;
  ihl?: number;
  version: number;
  options: Uint8Array;
};
type Ipv6Layer = {
  kind: "ipv6";
  src: Uint8Array;
  dst: Uint8Array;
  trafficClass: number;
  flowLabel: number;
  payloadLength?: number;
  nextHeader?: number;
  hopLimit: number;
  version: number;
};
type IcmpLayer = {
  kind: "icmp" | "icmpv6";
  type: number;
  code: number;
  rest: number;
  checksum?: number;
};
type UdpLayer = {
  kind: "udp";
  srcPort: number;
  dstPort: number;
  length?: number;
  checksum?: number;
};
type TcpLayer = {
  kind: "tcp";
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  urgent: number;
  dataOffset?: number;
  checksum?: number;
  options: Uint8Array;
};
type Layer =
  | EthLayer
  | VlanLayer
  | ArpLayer
  | Ipv4Layer
  | Ipv6Layer
  | IcmpLayer
  | UdpLayer
  | TcpLayer;
type Payload = { bytes: Uint8Array } | { length: number; fill: number };

const ORDER = "layers go eth → vlan/qinq* → arp | ipv4 | ipv6 → icmp | icmpv6 | udp | tcp " +
  "(icmp over ipv4, icmpv6 over ipv6) → payload → padTo";

/** Which layer kinds each method may follow. */
const MAY_FOLLOW: Readonly<Record<string, readonly string[]>> = {
  vlan: ["eth", "vlan"],
  arp: ["eth", "vlan"],
  ipv4: ["eth", "vlan"],
  ipv6: ["eth", "vlan"],
  icmp: ["ipv4"],
  icmpv6: ["ipv6"],
  udp: ["ipv4", "ipv6"],
  tcp: ["ipv4", "ipv6"],
};

function checkInt(field: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw frameError(
      "build frame",
      `Invalid ${field} ${value}: expected an integer 0..${max}`,
      `pass ${field} as an integer between 0 and ${max}`,
    );
  }
  return value;
}

function opt(field: string, value: number | undefined, max: number): number | undefined {
  return value === undefined ? undefined : checkInt(field, value, max);
}

function fillByte(field: string, fill: number | string | undefined): number {
  if (fill === undefined) return 0;
  if (typeof fill === "number") return checkInt(field, fill, 0xff);
  const bytes = new TextEncoder().encode(fill);
  if (bytes.length !== 1) {
    throw frameError(
      "build frame",
      `Invalid ${field} '${fill}': expected one ASCII character or a byte value 0..255`,
      "pass a single character such as 'a', or a number",
    );
  }
  return bytes[0];
}

function headerOptions(field: string, options: Uint8Array | undefined): Uint8Array {
  if (options === undefined) return new Uint8Array(0);
  if (options.length % 4 !== 0 || options.length > 40) {
    throw frameError(
      "build frame",
      `Invalid ${field}: ${options.length} bytes; expected a multiple of 4, at most 40`,
      "pad the options with NOP (1) or END (0) bytes to a multiple of 4",
    );
  }
  return options.slice();
}

function tcpFlags(flags: number | string | undefined): number {
  if (flags === undefined) return TCP_FLAG.S;
  if (typeof flags === "number") return checkInt("tcp.flags", flags, 0xff);
  let value = 0;
  for (const letter of flags.toUpperCase()) {
    const bit = TCP_FLAG[letter];
    if (bit === undefined) {
      throw frameError(
        "build frame",
        `Invalid tcp.flags '${flags}': '${letter}' is not one of F S R P A U E C`,
        "write flags as letters, e.g. 'S' (SYN), 'SA' (SYN+ACK), 'PA' (PSH+ACK), or a number",
      );
    }
    value |= bit;
  }
  return value;
}

function headerSize(layer: Layer): number {
  switch (layer.kind) {
    case "eth":
      return HEADER_SIZE.ETH;
    case "vlan":
      return HEADER_SIZE.VLAN;
    case "arp":
      return HEADER_SIZE.ARP;
    case "ipv4":
      return HEADER_SIZE.IPV4 + layer.options.length;
    case "ipv6":
      return HEADER_SIZE.IPV6;
    case "icmp":
    case "icmpv6":
      return HEADER_SIZE.ICMP;
    case "udp":
      return HEADER_SIZE.UDP;
    case "tcp":
      return HEADER_SIZE.TCP + layer.options.length;
  }
}

/** The ethertype or protocol number announcing `next` (undefined: none follows). */
function typeOf(next: Layer | undefined): number | undefined {
  switch (next?.kind) {
    case "vlan":
      return next.tpid;
    case "arp":
      return ETHERTYPE.ARP;
    case "ipv4":
      return ETHERTYPE.IPV4;
    case "ipv6":
      return ETHERTYPE.IPV6;
    case "icmp":
      return IPPROTO.ICMP;
    case "icmpv6":
      return IPPROTO.ICMPV6;
    case "udp":
      return IPPROTO.UDP;
    case "tcp":
      return IPPROTO.TCP;
    default:
      return undefined;
  }
}

function put16(buf: Uint8Array, at: number, value: number): void {
  buf[at] = (value >>> 8) & 0xff;
  buf[at + 1] = value & 0xff;
}

function put32(buf: Uint8Array, at: number, value: number): void {
  buf[at] = (value >>> 24) & 0xff;
  buf[at + 1] = (value >>> 16) & 0xff;
  buf[at + 2] = (value >>> 8) & 0xff;
  buf[at + 3] = value & 0xff;
}

function normVlan(tag: VlanTag, defaultTpid: number): VlanLayer {
  return {
    kind: "vlan",
    vid: checkInt("vlan.vid", tag.vid, 4095),
    pcp: checkInt("vlan.pcp", tag.pcp ?? 0, 7),
    dei: tag.dei ?? false,
    tpid: checkInt("vlan.tpid", tag.tpid ?? defaultTpid, 0xffff),
    type: opt("vlan.type", tag.type, 0xffff),
  };
}

/** Options of {@link FrameBuilder.build}. */
export interface BuildOptions {
  /**
   * Zero-pad the frame to at least this many bytes (60 for Ethernet's minimum
   * without FCS). Default 0: the frame is exactly its headers and payload.
   */
  minLength?: number;
}

/**
 * Ethernet's minimum frame length without the FCS (what NICs pad short frames to).
 *
 * @example
 * ```ts
 * import { eth, ETH_MIN_FRAME } from "../../mod.ts";
 * console.log(eth({}).arp({}).padTo(ETH_MIN_FRAME).build().length); // 60
 * ```
 */
export const ETH_MIN_FRAME = 60;

/**
 * An immutable frame description. Start one with {@link eth}; every method
 * returns a new builder, so a builder can be shared and extended freely.
 *
 * @example
 * ```ts
 * import { eth } from "../../mod.ts";
 * const frame = eth({ src: "02:00:00:00:00:01", dst: "02:00:00:00:00:02" })
 *   .vlan(10)
 *   .ipv4({ src: "10.0.0.1", dst: "10.0.0.2" })
 *   .udp({ srcPort: 1234, dstPort: 5678 })
 *   .payload("hello")
 *   .build();
 * console.log(frame.length); // 14 + 4 + 20 + 8 + 5 = 51
 * ```
 *
 * Frames are never padded unless asked: end with `.padTo(60)` or call
 * `build({ minLength: 60 })` for the 60-byte minimum netmap users expect on
 * the wire (zero fill; lengths and checksums unchanged).
 */
export class FrameBuilder {
  readonly #layers: readonly Layer[];
  readonly #payload: Payload | undefined;
  readonly #padTo: number;
  readonly #size: number;
  /** Where each layer starts, relative to the frame (computed once, so buildInto allocates nothing). */
  readonly #starts: readonly number[];

  private constructor(layers: readonly Layer[], payload: Payload | undefined, padTo: number) {
    this.#layers = layers;
    this.#payload = payload;
    this.#padTo = padTo;
    let size = 0;
    const starts: number[] = [];
    for (const l of layers) {
      starts.push(size);
      size += headerSize(l);
    }
    this.#starts = starts;
    size += payload === undefined ? 0 : "bytes" in payload ? payload.bytes.length : payload.length;
    size = Math.max(size, padTo);
    if (size > MAX_FRAME_SIZE) {
      throw frameError(
        "build frame",
        `Frame of ${size} bytes refused: the largest frame is ${MAX_FRAME_SIZE} bytes`,
        "shorten the payload",
        "EMSGSIZE",
      );
    }
    this.#size = size;
  }

  /** @internal Starts a builder from an Ethernet layer; use {@link eth}. */
  static start(options: EthOptions): FrameBuilder {
    return new FrameBuilder(
      [{
        kind: "eth",
        dst: parseMac(options.dst ?? "ff:ff:ff:ff:ff:ff"),
        src: parseMac(options.src ?? "00:00:00:00:00:00"),
        type: opt("eth.type", options.type, 0xffff),
      }],
      undefined,
      0,
    );
  }

  #with(layer: Layer): FrameBuilder {
    const last = this.#layers[this.#layers.length - 1];
    if (
      this.#payload !== undefined || this.#padTo > 0 || !MAY_FOLLOW[layer.kind].includes(last.kind)
    ) {
      const after = this.#padTo > 0 ? "padTo" : this.#payload !== undefined ? "payload" : last.kind;
      throw frameError(
        "build frame",
        `${layer.kind}() cannot follow ${after}(): ${ORDER}`,
        "reorder the calls",
      );
    }
    return new FrameBuilder([...this.#layers, layer], undefined, 0);
  }

  /**
   * Adds an 802.1Q tag (TPID 0x8100 unless `tpid` says otherwise).
   *
   * @param vid VLAN id 0..4095.
   * @param options pcp, dei, tpid, and the ethertype after the tag.
   * @returns A new builder.
   *
   * @example
   * ```ts
   * import { eth } from "../../mod.ts";
   * const f = eth({}).vlan(10, { pcp: 5 }).payload("x").build();
   * console.log(f[14], f[15]); // 160 10  (TCI 0xa00a)
   * ```
   */
  vlan(vid: number, options: VlanOptions = {}): FrameBuilder {
    return this.#with(normVlan({ ...options, vid }, ETHERTYPE.VLAN));
  }

  /**
   * Adds two tags: an 802.1ad service tag (TPID 0x88a8) and an 802.1Q customer tag.
   *
   * @param outer The service VLAN id, or the whole tag.
   * @param inner The customer VLAN id, or the whole tag.
   * @returns A new builder.
   *
   * @example
   * ```ts
   * import { eth } from "../../mod.ts";
   * const f = eth({}).qinq(100, 10).payload("x").build();
   * console.log(f[12].toString(16), f[16].toString(16)); // "88" "81"
   * ```
   */
  qinq(outer: number | VlanTag, inner: number | VlanTag): FrameBuilder {
    const o = typeof outer === "number" ? { vid: outer } : outer;
    const i = typeof inner === "number" ? { vid: inner } : inner;
    return this.#with(normVlan(o, ETHERTYPE.QINQ)).#with(normVlan(i, ETHERTYPE.VLAN));
  }

  /**
   * Adds an ARP (Ethernet/IPv4) header.
   *
   * @param options Fields; the sender MAC defaults to the Ethernet source.
   * @returns A new builder.
   *
   * @example
   * ```ts
   * import { eth } from "../../mod.ts";
   * const f = eth({ src: "02:00:00:00:00:01" })
   *   .arp({ senderIp: "10.0.0.1", targetIp: "10.0.0.2" }).build();
   * console.log(f.length); // 42
   * ```
   */
  arp(options: ArpOptions = {}): FrameBuilder {
    const ethLayer = this.#layers[0] as EthLayer;
    const op = options.op === "request" || options.op === undefined
      ? ARP_OP.REQUEST
      : options.op === "reply"
      ? ARP_OP.REPLY
      : checkInt("arp.op", options.op, 0xffff);
    return this.#with({
      kind: "arp",
      op,
      senderMac: options.senderMac === undefined ? ethLayer.src : parseMac(options.senderMac),
      senderIp: parseIpv4(options.senderIp ?? "0.0.0.0"),
      targetMac: parseMac(options.targetMac ?? "00:00:00:00:00:00"),
      targetIp: parseIpv4(options.targetIp ?? "0.0.0.0"),
      htype: checkInt("arp.htype", options.htype ?? 1, 0xffff),
      ptype: checkInt("arp.ptype", options.ptype ?? ETHERTYPE.IPV4, 0xffff),
      hlen: checkInt("arp.hlen", options.hlen ?? 6, 0xff),
      plen: checkInt("arp.plen", options.plen ?? 4, 0xff),
    });
  }

  /**
   * Adds an IPv4 header; total length and header checksum are computed unless given.
   *
   * @param options Addresses and any other field.
   * @returns A new builder.
   *
   * @example
   * ```ts
   * import { eth } from "../../mod.ts";
   * const f = eth({}).ipv4({ src: "10.0.0.5", dst: "10.0.0.7", df: true, ttl: 64 }).build();
   * console.log(f[22]); // 64
   * ```
   */
  ipv4(options: Ipv4Options): FrameBuilder {
    return this.#with({
      kind: "ipv4",
      src: parseIpv4(options.src),
      dst: parseIpv4(options.dst),
      tos: checkInt("ipv4.tos", options.tos ?? 0, 0xff),
      id: checkInt("ipv4.id", options.id ?? 0, 0xffff),
      flags: (options.df ? 2 : 0) | (options.mf ? 1 : 0),
      fragmentOffset: checkInt("ipv4.fragmentOffset", options.fragmentOffset ?? 0, 0x1fff),
      ttl: checkInt("ipv4.ttl", options.ttl ?? 64, 0xff),
      protocol: opt("ipv4.protocol", options.protocol, 0xff),
      totalLength: opt("ipv4.totalLength", options.totalLength, 0xffff),
      checksum: opt("ipv4.checksum", options.checksum, 0xffff),
      ihl: opt("ipv4.ihl", options.ihl, 0xf),
      version: checkInt("ipv4.version", options.version ?? 4, 0xf),
      options: headerOptions("ipv4.options", options.options),
    });
  }

  /**
   * Adds an IPv6 header; payload length is computed unless given.
   *
   * @param options Addresses and any other field.
   * @returns A new builder.
   *
   * @example
   * ```ts
   * import { eth } from "../../mod.ts";
   * const f = eth({}).ipv6({ src: "fe80::1", dst: "ff02::1" }).icmpv6({}).build();
   * console.log(f.length); // 14 + 40 + 8
   * ```
   */
  ipv6(options: Ipv6Options): FrameBuilder {
    return this.#with({
      kind: "ipv6",
      src: parseIpv6(options.src),
      dst: parseIpv6(options.dst),
      trafficClass: checkInt("ipv6.trafficClass", options.trafficClass ?? 0, 0xff),
      flowLabel: checkInt("ipv6.flowLabel", options.flowLabel ?? 0, 0xfffff),
      payloadLength: opt("ipv6.payloadLength", options.payloadLength, 0xffff),
      nextHeader: opt("ipv6.nextHeader", options.nextHeader, 0xff),
      hopLimit: checkInt("ipv6.hopLimit", options.hopLimit ?? 64, 0xff),
      version: checkInt("ipv6.version", options.version ?? 6, 0xf),
    });
  }

  #icmp(kind: "icmp" | "icmpv6", options: IcmpOptions, defaultType: number): FrameBuilder {
    const id = checkInt(`${kind}.id`, options.id ?? 0, 0xffff);
    const seq = checkInt(`${kind}.seq`, options.seq ?? 0, 0xffff);
    return this.#with({
      kind,
      type: checkInt(`${kind}.type`, options.type ?? defaultType, 0xff),
      code: checkInt(`${kind}.code`, options.code ?? 0, 0xff),
      rest: options.rest === undefined
        ? (id * 0x10000 + seq)
        : checkInt(`${kind}.rest`, options.rest, 0xffffffff),
      checksum: opt(`${kind}.checksum`, options.checksum, 0xffff),
    });
  }

  /**
   * Adds an ICMP header (over IPv4); default an echo request.
   *
   * @param options type, code, id, seq, checksum.
   * @returns A new builder.
   *
   * @example
   * ```ts
   * import { eth } from "../../mod.ts";
   * const ping = eth({}).ipv4({ src: "10.0.0.1", dst: "10.0.0.2" })
   *   .icmp({ id: 1, seq: 1 }).payload("ping").build();
   * console.log(ping[34]); // 8
   * ```
   */
  icmp(options: IcmpOptions = {}): FrameBuilder {
    return this.#icmp("icmp", options, ICMP_TYPE.ECHO_REQUEST);
  }

  /**
   * Adds an ICMPv6 header (over IPv6); default an echo request. The checksum
   * covers the IPv6 pseudo-header.
   *
   * @param options type, code, id, seq, checksum.
   * @returns A new builder.
   *
   * @example
   * ```ts
   * import { eth } from "../../mod.ts";
   * const f = eth({}).ipv6({ src: "fe80::1", dst: "fe80::2" }).icmpv6({ seq: 3 }).build();
   * console.log(f[54]); // 128
   * ```
   */
  icmpv6(options: IcmpOptions = {}): FrameBuilder {
    return this.#icmp("icmpv6", options, ICMP_TYPE.V6_ECHO_REQUEST);
  }

  /**
   * Adds a UDP header; length and checksum are computed unless given.
   *
   * @param options Ports and any other field.
   * @returns A new builder.
   *
   * @example
   * ```ts
   * import { eth } from "../../mod.ts";
   * const f = eth({}).ipv4({ src: "10.0.0.1", dst: "10.0.0.2" })
   *   .udp({ srcPort: 53, dstPort: 53, checksum: 0xdead }).build();
   * console.log(f[40].toString(16)); // "de"  (a wrong checksum on purpose)
   * ```
   */
  udp(options: UdpOptions = {}): FrameBuilder {
    return this.#with({
      kind: "udp",
      srcPort: checkInt("udp.srcPort", options.srcPort ?? 0, 0xffff),
      dstPort: checkInt("udp.dstPort", options.dstPort ?? 0, 0xffff),
      length: opt("udp.length", options.length, 0xffff),
      checksum: opt("udp.checksum", options.checksum, 0xffff),
    });
  }

  /**
   * Adds a TCP header; data offset and checksum are computed unless given.
   *
   * @param options Ports, sequence numbers, flags and any other field.
   * @returns A new builder.
   *
   * @example
   * ```ts
   * import { eth } from "../../mod.ts";
   * const syn = eth({}).ipv4({ src: "10.0.0.1", dst: "10.0.0.2" })
   *   .tcp({ srcPort: 40000, dstPort: 80, flags: "S" }).build();
   * console.log(syn[47]); // 2
   * ```
   */
  tcp(options: TcpOptions = {}): FrameBuilder {
    return this.#with({
      kind: "tcp",
      srcPort: checkInt("tcp.srcPort", options.srcPort ?? 0, 0xffff),
      dstPort: checkInt("tcp.dstPort", options.dstPort ?? 0, 0xffff),
      seq: checkInt("tcp.seq", options.seq ?? 0, 0xffffffff),
      ack: checkInt("tcp.ack", options.ack ?? 0, 0xffffffff),
      flags: tcpFlags(options.flags),
      window: checkInt("tcp.window", options.window ?? 65535, 0xffff),
      urgent: checkInt("tcp.urgent", options.urgent ?? 0, 0xffff),
      dataOffset: opt("tcp.dataOffset", options.dataOffset, 0xf),
      checksum: opt("tcp.checksum", options.checksum, 0xffff),
      options: headerOptions("tcp.options", options.options),
    });
  }

  /**
   * Sets the payload after the last header (replacing any earlier one).
   *
   * @param data Bytes (copied), a UTF-8 string, or `{ length, fill }`.
   * @returns A new builder.
   *
   * @example
   * ```ts
   * import { eth } from "../../mod.ts";
   * const f = eth({}).payload({ length: 46, fill: "a" }).build();
   * console.log(f.length, f[59]); // 60 97
   * ```
   */
  payload(data: PayloadInput): FrameBuilder {
    if (this.#padTo > 0) {
      throw frameError(
        "build frame",
        `payload() cannot follow padTo(): ${ORDER}`,
        "reorder the calls",
      );
    }
    let p: Payload;
    if (data instanceof Uint8Array) p = { bytes: data.slice() };
    else if (typeof data === "string") p = { bytes: new TextEncoder().encode(data) };
    else {
      p = {
        length: checkInt("payload length", data.length, MAX_FRAME_SIZE),
        fill: fillByte("payload fill", data.fill),
      };
    }
    return new FrameBuilder(this.#layers, p, 0);
  }

  /**
   * Appends zero bytes until the frame is `size` bytes long (like Ethernet
   * padding to 60). The padding is not counted in any length field or checksum.
   *
   * @param size The minimum frame size.
   * @returns A new builder.
   *
   * @example
   * ```ts
   * import { eth } from "../../mod.ts";
   * const f = eth({}).arp({}).padTo(60).build();
   * console.log(f.length); // 60
   * ```
   */
  padTo(size: number): FrameBuilder {
    return new FrameBuilder(
      this.#layers,
      this.#payload,
      checkInt("padTo size", size, MAX_FRAME_SIZE),
    );
  }

  /**
   * The frame size in bytes.
   *
   * @returns What {@link build} returns the length of.
   *
   * @example
   * ```ts
   * import { eth } from "../../mod.ts";
   * console.log(eth({}).ipv4({ src: "10.0.0.1", dst: "10.0.0.2" }).udp().size()); // 42
   * ```
   */
  size(): number {
    return this.#size;
  }

  /**
   * Writes the frame into a new array. Without options the frame is exactly
   * its headers and payload (a UDP "hi" is 44 bytes); `minLength: 60` zero-pads
   * it to Ethernet's minimum as {@link padTo} does (lengths and checksums do not
   * count the padding).
   *
   * @param options `minLength`: pad with zeros up to this many bytes (default 0: no padding).
   * @returns The frame bytes, lengths and checksums filled.
   *
   * @example
   * ```ts
   * import { eth } from "../../mod.ts";
   * console.log(eth({}).payload("x").build().length); // 15
   * console.log(eth({}).payload("x").build({ minLength: 60 }).length); // 60
   * ```
   */
  build(options: BuildOptions = {}): Uint8Array {
    const min = options.minLength === undefined
      ? 0
      : checkInt("build minLength", options.minLength, MAX_FRAME_SIZE);
    const out = new Uint8Array(Math.max(this.#size, min));
    this.buildInto(out, 0);
    return out;
  }

  /**
   * Writes the frame into an existing array (e.g. a netmap buffer at a slot
   * offset) without allocating a frame.
   *
   * @param buf The destination.
   * @param offset Where the frame starts in `buf` (default 0).
   * @returns The number of bytes written ({@link size}).
   * @throws NetmapError (ENOSPC) when the frame does not fit.
   *
   * @example
   * ```ts
   * import { eth } from "../../mod.ts";
   * const buf = new Uint8Array(2048);
   * const n = eth({}).ipv4({ src: "10.0.0.1", dst: "10.0.0.2" }).udp().buildInto(buf, 64);
   * console.log(n); // 42
   * ```
   */
  buildInto(buf: Uint8Array, offset = 0): number {
    const size = this.#size;
    if (!Number.isInteger(offset) || offset < 0 || offset + size > buf.length) {
      throw frameError(
        "build frame",
        `Frame of ${size} bytes does not fit at offset ${offset} of a ${buf.length}-byte buffer`,
        "use a larger buffer or a smaller offset",
        "ENOSPC",
      );
    }
    const layers = this.#layers;
    const starts = this.#starts;
    let at = offset;
    for (let i = 0; i < layers.length; i++) {
      writeHeader(buf, at, layers[i], typeOf(layers[i + 1]));
      at += headerSize(layers[i]);
    }
    const payload = this.#payload;
    if (payload !== undefined) {
      if ("bytes" in payload) {
        buf.set(payload.bytes, at);
        at += payload.bytes.length;
      } else {
        buf.fill(payload.fill, at, at + payload.length);
        at += payload.length;
      }
    }
    const end = at;
    buf.fill(0, end, offset + size);
    // Lengths and checksums, outermost first: the L3 addresses are in place before any L4
    // checksum reads them, and no checksum covers a field filled after it.
    let ipLayer: Ipv4Layer | Ipv6Layer | undefined;
    let ipStart = 0;
    for (let i = 0; i < layers.length; i++) {
      const l = layers[i];
      if (l.kind === "ipv4" || l.kind === "ipv6") {
        ipLayer = l;
        ipStart = offset + starts[i];
      }
      finishLayer(buf, l, offset + starts[i], end, ipLayer, ipStart);
    }
    return size;
  }
}

function writeHeader(buf: Uint8Array, at: number, l: Layer, next: number | undefined): void {
  switch (l.kind) {
    case "eth":
      buf.set(l.dst, at);
      buf.set(l.src, at + 6);
      put16(buf, at + 12, l.type ?? next ?? ETHERTYPE.EXPERIMENTAL);
      return;
    case "vlan":
      put16(buf, at, (l.pcp << 13) | (l.dei ? 0x1000 : 0) | l.vid);
      put16(buf, at + 2, l.type ?? next ?? ETHERTYPE.EXPERIMENTAL);
      return;
    case "arp":
      put16(buf, at, l.htype);
      put16(buf, at + 2, l.ptype);
      buf[at + 4] = l.hlen;
      buf[at + 5] = l.plen;
      put16(buf, at + 6, l.op);
      buf.set(l.senderMac, at + 8);
      buf.set(l.senderIp, at + 14);
      buf.set(l.targetMac, at + 18);
      buf.set(l.targetIp, at + 24);
      return;
    case "ipv4":
      buf[at] = (l.version << 4) | (l.ihl ?? (5 + l.options.length / 4));
      buf[at + 1] = l.tos;
      put16(buf, at + 2, 0);
      put16(buf, at + 4, l.id);
      put16(buf, at + 6, (l.flags << 13) | l.fragmentOffset);
      buf[at + 8] = l.ttl;
      buf[at + 9] = l.protocol ?? next ?? IPPROTO.EXPERIMENTAL;
      put16(buf, at + 10, 0);
      buf.set(l.src, at + 12);
      buf.set(l.dst, at + 16);
      buf.set(l.options, at + 20);
      return;
    case "ipv6":
      put32(buf, at, ((l.version << 28) | (l.trafficClass << 20) | l.flowLabel) >>> 0);
      put16(buf, at + 4, 0);
      buf[at + 6] = l.nextHeader ?? next ?? IPPROTO.EXPERIMENTAL;
      buf[at + 7] = l.hopLimit;
      buf.set(l.src, at + 8);
      buf.set(l.dst, at + 24);
      return;
    case "icmp":
    case "icmpv6":
      buf[at] = l.type;
      buf[at + 1] = l.code;
      put16(buf, at + 2, 0);
      put32(buf, at + 4, l.rest);
      return;
    case "udp":
      put16(buf, at, l.srcPort);
      put16(buf, at + 2, l.dstPort);
      put32(buf, at + 4, 0);
      return;
    case "tcp":
      put16(buf, at, l.srcPort);
      put16(buf, at + 2, l.dstPort);
      put32(buf, at + 4, l.seq);
      put32(buf, at + 8, l.ack);
      buf[at + 12] = (l.dataOffset ?? (5 + l.options.length / 4)) << 4;
      buf[at + 13] = l.flags;
      put16(buf, at + 14, l.window);
      put16(buf, at + 16, 0);
      put16(buf, at + 18, l.urgent);
      buf.set(l.options, at + 20);
      return;
  }
}

/** The running sum of the pseudo-header of the enclosing IP layer. */
function pseudo(
  buf: Uint8Array,
  ip: Ipv4Layer | Ipv6Layer | undefined,
  ipStart: number,
  protocol: number,
  length: number,
): number {
  if (ip?.kind === "ipv6") return pseudoHeaderSum(buf, ipStart + 8, 16, protocol, length);
  return pseudoHeaderSum(buf, ipStart + 12, 4, protocol, length);
}

function finishLayer(
  buf: Uint8Array,
  l: Layer,
  at: number,
  end: number,
  ip: Ipv4Layer | Ipv6Layer | undefined,
  ipStart: number,
): void {
  switch (l.kind) {
    case "ipv4":
      put16(buf, at + 2, l.totalLength ?? end - at);
      put16(buf, at + 10, l.checksum ?? internetChecksum(buf, at, at + headerSize(l)));
      return;
    case "ipv6":
      put16(buf, at + 4, l.payloadLength ?? end - at - HEADER_SIZE.IPV6);
      return;
    case "icmp":
      put16(buf, at + 2, l.checksum ?? internetChecksum(buf, at, end));
      return;
    case "icmpv6":
      put16(
        buf,
        at + 2,
        l.checksum ??
          internetChecksum(buf, at, end, pseudo(buf, ip, ipStart, IPPROTO.ICMPV6, end - at)),
      );
      return;
    case "udp": {
      const length = l.length ?? end - at;
      put16(buf, at + 4, length);
      if (l.checksum !== undefined) {
        put16(buf, at + 6, l.checksum);
      } else {
        const sum = onesSum(buf, at, end, pseudo(buf, ip, ipStart, IPPROTO.UDP, length));
        put16(buf, at + 6, sum === 0xffff ? 0xffff : ~sum & 0xffff);
      }
      return;
    }
    case "tcp":
      put16(
        buf,
        at + 16,
        l.checksum ??
          internetChecksum(buf, at, end, pseudo(buf, ip, ipStart, IPPROTO.TCP, end - at)),
      );
      return;
    default:
      return;
  }
}

/**
 * Starts a frame with its Ethernet header.
 *
 * @param options dst (default broadcast), src (default zero), type (default from the next layer).
 * @returns A builder to add layers to.
 *
 * @example
 * ```ts
 * import { eth } from "../../mod.ts";
 * const f = eth({ src: "02:00:00:00:00:01", dst: "02:00:00:00:00:02" })
 *   .ipv4({ src: "10.0.0.1", dst: "10.0.0.2" }).udp({ dstPort: 9 }).payload("hi").build();
 * console.log(f.length); // 44: no padding unless asked
 * console.log(eth({}).ipv4({ src: "10.0.0.1", dst: "10.0.0.2" }).udp().payload("hi")
 *   .build({ minLength: 60 }).length); // 60 (or end with .padTo(60))
 * ```
 */
export function eth(options: EthOptions = {}): FrameBuilder {
  return FrameBuilder.start(options);
}
