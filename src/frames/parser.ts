/**
 * The frame parser: bytes → a layered object (Ethernet, VLAN tags, ARP,
 * IPv4/IPv6, ICMP/ICMPv6/UDP/TCP, payload) with checksum validity flags.
 * It never throws: short or garbled input gives `truncated` and `problems`.
 *
 * @module
 */
import { formatIpv4, formatIpv6, formatMac } from "./address.ts";
import { onesSum, pseudoHeaderSum } from "./checksum.ts";
import { ETHERTYPE, HEADER_SIZE, IPPROTO, TCP_FLAG } from "./constants.ts";

/**
 * Ethernet header.
 *
 * @example
 * ```ts
 * import { eth, type ParsedEth, parseFrame } from "../../mod.ts";
 * const f = eth({ dst: "02:00:00:00:00:02" }).arp({}).build();
 * const e: ParsedEth | undefined = parseFrame(f).eth;
 * console.log(e?.dst); // "02:00:00:00:00:02"
 * ```
 */
export interface ParsedEth {
  /** Destination MAC, lower case. */
  dst: string;
  /** Source MAC, lower case. */
  src: string;
  /** The ethertype field (a TPID when a tag follows). */
  type: number;
}

/**
 * One VLAN tag (802.1Q or 802.1ad).
 *
 * @example
 * ```ts
 * import { eth, parseFrame, type ParsedVlan } from "../../mod.ts";
 * const tags: ParsedVlan[] = parseFrame(eth({}).vlan(10).arp({}).build()).vlan;
 * console.log(tags[0].vid); // 10
 * ```
 */
export interface ParsedVlan {
  /** The TPID announcing this tag (0x8100, 0x88a8, 0x9100). */
  tpid: number;
  /** Priority code point. */
  pcp: number;
  /** Drop-eligible indicator. */
  dei: boolean;
  /** VLAN id. */
  vid: number;
  /** The ethertype after the tag. */
  type: number;
}

/**
 * ARP header (read with the Ethernet/IPv4 layout).
 *
 * @example
 * ```ts
 * import { eth, type ParsedArp, parseFrame } from "../../mod.ts";
 * const arp: ParsedArp | undefined = parseFrame(eth({}).arp({ targetIp: "10.0.0.2" }).build()).arp;
 * console.log(arp?.targetIp); // "10.0.0.2"
 * ```
 */
export interface ParsedArp {
  /** Hardware type. */
  htype: number;
  /** Protocol type. */
  ptype: number;
  /** Hardware address length field. */
  hlen: number;
  /** Protocol address length field. */
  plen: number;
  /** Operation: 1 request, 2 reply. */
  op: number;
  /** Sender MAC. */
  senderMac: string;
  /** Sender IPv4 address. */
  senderIp: string;
  /** Target MAC. */
  targetMac: string;
  /** Target IPv4 address. */
  targetIp: string;
}

/**
 * IPv4 header.
 *
 * @example
 * ```ts
 * import { eth, type ParsedIpv4, parseFrame } from "../../mod.ts";
 * const f = eth({}).ipv4({ src: "10.0.0.1", dst: "10.0.0.2" }).udp({ dstPort: 9 }).build();
 * const ip: ParsedIpv4 | undefined = parseFrame(f).ipv4;
 * console.log(ip?.src, ip?.ttl, ip?.checksumOk);
 * ```
 */
export interface ParsedIpv4 {
  /** Version nibble. */
  version: number;
  /** Header length in 32-bit words. */
  ihl: number;
  /** Type of service. */
  tos: number;
  /** Total length field. */
  totalLength: number;
  /** Identification. */
  id: number;
  /** Don't-fragment flag. */
  df: boolean;
  /** More-fragments flag. */
  mf: boolean;
  /** Fragment offset in 8-byte units. */
  fragmentOffset: number;
  /** Time to live. */
  ttl: number;
  /** Protocol. */
  protocol: number;
  /** Header checksum field. */
  checksum: number;
  /** Whether the header checksum verifies; null when the header is incomplete. */
  checksumOk: boolean | null;
  /** Source address. */
  src: string;
  /** Destination address. */
  dst: string;
  /** Option bytes (a view). */
  options: Uint8Array;
}

/**
 * IPv6 fixed header (extension headers are not walked).
 *
 * @example
 * ```ts
 * import { eth, type ParsedIpv6, parseFrame } from "../../mod.ts";
 * const f = eth({}).ipv6({ src: "fe80::1", dst: "fe80::2" }).udp({ dstPort: 9 }).build();
 * const ip6: ParsedIpv6 | undefined = parseFrame(f).ipv6;
 * console.log(ip6?.dst, ip6?.nextHeader); // "fe80::2" 17
 * ```
 */
export interface ParsedIpv6 {
  /** Version nibble. */
  version: number;
  /** Traffic class. */
  trafficClass: number;
  /** Flow label. */
  flowLabel: number;
  /** Payload length field. */
  payloadLength: number;
  /** Next header. */
  nextHeader: number;
  /** Hop limit. */
  hopLimit: number;
  /** Source address (RFC 5952 form). */
  src: string;
  /** Destination address (RFC 5952 form). */
  dst: string;
}

/**
 * ICMP or ICMPv6 header.
 *
 * @example
 * ```ts
 * import { eth, type ParsedIcmp, parseFrame } from "../../mod.ts";
 * const f = eth({}).ipv4({ src: "10.0.0.1", dst: "10.0.0.2" }).icmp({ seq: 3 }).build();
 * const icmp: ParsedIcmp | undefined = parseFrame(f).icmp;
 * console.log(icmp?.seq, icmp?.checksumOk); // 3 true
 * ```
 */
export interface ParsedIcmp {
  /** Message type. */
  type: number;
  /** Code. */
  code: number;
  /** Checksum field. */
  checksum: number;
  /** Whether the checksum verifies; null when the message is incomplete. */
  checksumOk: boolean | null;
  /** Echo identifier (high half of the rest of header). */
  id: number;
  /** Echo sequence number (low half of the rest of header). */
  seq: number;
}

/**
 * UDP header.
 *
 * @example
 * ```ts
 * import { eth, parseFrame, type ParsedUdp } from "../../mod.ts";
 * const f = eth({}).ipv4({ src: "10.0.0.1", dst: "10.0.0.2" }).udp({ dstPort: 9 }).build();
 * const udp: ParsedUdp | undefined = parseFrame(f).udp;
 * console.log(udp?.dstPort, udp?.length); // 9 8
 * ```
 */
export interface ParsedUdp {
  /** Source port. */
  srcPort: number;
  /** Destination port. */
  dstPort: number;
  /** Length field. */
  length: number;
  /** Checksum field. */
  checksum: number;
  /** Whether the checksum verifies; null when incomplete or absent (0 over IPv4). */
  checksumOk: boolean | null;
}

/**
 * TCP header.
 *
 * @example
 * ```ts
 * import { eth, type ParsedTcp, parseFrame, TCP_FLAG } from "../../mod.ts";
 * const ip = { src: "10.0.0.1", dst: "10.0.0.2" };
 * const f = eth({}).ipv4(ip).tcp({ flags: TCP_FLAG.SYN }).build();
 * const tcp: ParsedTcp | undefined = parseFrame(f).tcp;
 * console.log(tcp?.flagNames);
 * ```
 */
export interface ParsedTcp {
  /** Source port. */
  srcPort: number;
  /** Destination port. */
  dstPort: number;
  /** Sequence number. */
  seq: number;
  /** Acknowledgment number. */
  ack: number;
  /** Data offset in 32-bit words. */
  dataOffset: number;
  /** Flag bits. */
  flags: number;
  /** Flag letters, "SA" for SYN+ACK (order F S R P A U E C). */
  flagNames: string;
  /** Window. */
  window: number;
  /** Checksum field. */
  checksum: number;
  /** Whether the checksum verifies; null when the segment is incomplete. */
  checksumOk: boolean | null;
  /** Urgent pointer. */
  urgent: number;
  /** Option bytes (a view). */
  options: Uint8Array;
}

/**
 * A parsed frame. Byte arrays are views into the input, not copies.
 *
 * @example
 * ```ts
 * import { eth, type ParsedFrame, parseFrame } from "../../mod.ts";
 * const f = eth({}).ipv4({ src: "10.0.0.1", dst: "10.0.0.2" }).udp({ dstPort: 9 }).build();
 * const p: ParsedFrame = parseFrame(f);
 * console.log(p.length, p.udp?.dstPort, p.problems); // 42 9 []
 * ```
 */
export interface ParsedFrame {
  /** Frame length in bytes. */
  length: number;
  /** Ethernet header; absent when the frame is shorter than 14 bytes. */
  eth?: ParsedEth;
  /** VLAN tags, outermost first. */
  vlan: ParsedVlan[];
  /** ARP header. */
  arp?: ParsedArp;
  /** IPv4 header. */
  ipv4?: ParsedIpv4;
  /** IPv6 header. */
  ipv6?: ParsedIpv6;
  /** ICMP header. */
  icmp?: ParsedIcmp;
  /** ICMPv6 header. */
  icmpv6?: ParsedIcmp;
  /** UDP header. */
  udp?: ParsedUdp;
  /** TCP header. */
  tcp?: ParsedTcp;
  /** The bytes after the innermost header, within the length fields. */
  payload: Uint8Array;
  /** Bytes after the IP packet (Ethernet padding); empty when none. */
  trailer: Uint8Array;
  /** True when a header or a length field reaches past the end of the frame. */
  truncated: boolean;
  /** What did not parse or does not add up, one sentence each. */
  problems: string[];
}

const TAG_TPIDS = new Set([ETHERTYPE.VLAN, ETHERTYPE.QINQ, 0x9100]);

function u16(b: Uint8Array, at: number): number {
  return (b[at] << 8) | b[at + 1];
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) >>> 0) + ((b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]);
}

/** Parsing state shared by the layer readers. */
class Reader {
  readonly out: ParsedFrame;
  constructor(readonly b: Uint8Array) {
    this.out = {
      length: b.length,
      vlan: [],
      payload: b.subarray(0, 0),
      trailer: b.subarray(0, 0),
      truncated: false,
      problems: [],
    };
  }

  /** Records a header that does not fit; the rest of the frame becomes the payload. */
  short(layer: string, at: number, need: number, end: number): boolean {
    if (at + need <= end) return false;
    this.out.truncated = true;
    this.out.problems.push(
      `${layer} header needs ${need} bytes at offset ${at}, ${end - at} present`,
    );
    this.out.payload = this.b.subarray(at, end);
    return true;
  }

  /** Clamps a length field to what is present, noting a truncation. */
  bound(field: string, at: number, claimed: number, end: number): number {
    if (at + claimed <= end) return at + claimed;
    this.out.truncated = true;
    this.out.problems.push(`${field} ${claimed} reaches past the end (${end - at} bytes present)`);
    return end;
  }
}

function parseEthernet(r: Reader): void {
  const b = r.b;
  if (r.short("eth", 0, HEADER_SIZE.ETH, b.length)) return;
  let type = u16(b, 12);
  r.out.eth = { dst: formatMac(b, 0), src: formatMac(b, 6), type };
  let at = HEADER_SIZE.ETH;
  while (TAG_TPIDS.has(type)) {
    if (r.short("vlan", at, HEADER_SIZE.VLAN, b.length)) return;
    const tci = u16(b, at);
    const next = u16(b, at + 2);
    r.out.vlan.push({
      tpid: type,
      pcp: tci >> 13,
      dei: (tci & 0x1000) !== 0,
      vid: tci & 0xfff,
      type: next,
    });
    type = next;
    at += HEADER_SIZE.VLAN;
  }
  let end = b.length;
  if (type === ETHERTYPE.ARP) end = parseArp(r, at);
  else if (type === ETHERTYPE.IPV4) end = parseIpv4(r, at);
  else if (type === ETHERTYPE.IPV6) end = parseIpv6(r, at);
  else r.out.payload = b.subarray(at);
  r.out.trailer = b.subarray(end);
}

function parseArp(r: Reader, at: number): number {
  const b = r.b;
  if (r.short("arp", at, HEADER_SIZE.ARP, b.length)) return b.length;
  r.out.arp = {
    htype: u16(b, at),
    ptype: u16(b, at + 2),
    hlen: b[at + 4],
    plen: b[at + 5],
    op: u16(b, at + 6),
    senderMac: formatMac(b, at + 8),
    senderIp: formatIpv4(b, at + 14),
    targetMac: formatMac(b, at + 18),
    targetIp: formatIpv4(b, at + 24),
  };
  if (r.out.arp.hlen !== 6 || r.out.arp.plen !== 4) {
    r.out.problems.push(
      `arp.hlen ${r.out.arp.hlen} / arp.plen ${r.out.arp.plen}: read with the 6/4 layout anyway`,
    );
  }
  r.out.payload = b.subarray(at + HEADER_SIZE.ARP, at + HEADER_SIZE.ARP);
  return at + HEADER_SIZE.ARP;
}

function parseIpv4(r: Reader, at: number): number {
  const b = r.b;
  if (r.short("ipv4", at, HEADER_SIZE.IPV4, b.length)) return b.length;
  const version = b[at] >> 4;
  const ihl = b[at] & 0xf;
  const frag = u16(b, at + 6);
  const ip: ParsedIpv4 = {
    version,
    ihl,
    tos: b[at + 1],
    totalLength: u16(b, at + 2),
    id: u16(b, at + 4),
    df: (frag & 0x4000) !== 0,
    mf: (frag & 0x2000) !== 0,
    fragmentOffset: frag & 0x1fff,
    ttl: b[at + 8],
    protocol: b[at + 9],
    checksum: u16(b, at + 10),
    checksumOk: null,
    src: formatIpv4(b, at + 12),
    dst: formatIpv4(b, at + 16),
    options: b.subarray(at + 20, at + 20),
  };
  r.out.ipv4 = ip;
  if (version !== 4) r.out.problems.push(`ipv4.version is ${version}, not 4`);
  if (ihl < 5) {
    r.out.problems.push(`ipv4.ihl ${ihl} is below 5`);
    r.out.payload = b.subarray(at + HEADER_SIZE.IPV4);
    return b.length;
  }
  const hdrEnd = r.bound("ipv4.ihl*4", at, ihl * 4, b.length);
  ip.options = b.subarray(at + 20, hdrEnd);
  if (hdrEnd < at + ihl * 4) {
    r.out.payload = b.subarray(hdrEnd);
    return b.length;
  }
  ip.checksumOk = onesSum(b, at, hdrEnd) === 0xffff;
  let end = r.bound("ipv4.totalLength", at, ip.totalLength, b.length);
  if (ip.totalLength < ihl * 4) {
    r.out.problems.push(`ipv4.totalLength ${ip.totalLength} is below the header length ${ihl * 4}`);
    end = hdrEnd;
  }
  if (ip.fragmentOffset !== 0) {
    r.out.payload = b.subarray(hdrEnd, end);
    return end;
  }
  const complete = !ip.mf && at + ip.totalLength <= b.length;
  parseL4(
    r,
    ip.protocol,
    hdrEnd,
    end,
    complete,
    (proto, len) => pseudoHeaderSum(b, at + 12, 4, proto, len),
  );
  return end;
}

function parseIpv6(r: Reader, at: number): number {
  const b = r.b;
  if (r.short("ipv6", at, HEADER_SIZE.IPV6, b.length)) return b.length;
  const word = u32(b, at);
  const ip: ParsedIpv6 = {
    version: word >>> 28,
    trafficClass: (word >>> 20) & 0xff,
    flowLabel: word & 0xfffff,
    payloadLength: u16(b, at + 4),
    nextHeader: b[at + 6],
    hopLimit: b[at + 7],
    src: formatIpv6(b, at + 8),
    dst: formatIpv6(b, at + 24),
  };
  r.out.ipv6 = ip;
  if (ip.version !== 6) r.out.problems.push(`ipv6.version is ${ip.version}, not 6`);
  const start = at + HEADER_SIZE.IPV6;
  const end = r.bound("ipv6.payloadLength", start, ip.payloadLength, b.length);
  const complete = start + ip.payloadLength <= b.length;
  parseL4(
    r,
    ip.nextHeader,
    start,
    end,
    complete,
    (proto, len) => pseudoHeaderSum(b, at + 8, 16, proto, len),
  );
  return end;
}

type PseudoSum = (protocol: number, length: number) => number;

function parseL4(
  r: Reader,
  protocol: number,
  at: number,
  end: number,
  complete: boolean,
  pseudo: PseudoSum,
): void {
  const b = r.b;
  const isV6 = r.out.ipv6 !== undefined;
  if (protocol === IPPROTO.UDP) {
    if (r.short("udp", at, HEADER_SIZE.UDP, end)) return;
    const u: ParsedUdp = {
      srcPort: u16(b, at),
      dstPort: u16(b, at + 2),
      length: u16(b, at + 4),
      checksum: u16(b, at + 6),
      checksumOk: null,
    };
    r.out.udp = u;
    let udpEnd = r.bound("udp.length", at, u.length, end);
    const whole = complete && udpEnd === at + u.length;
    if (u.length < HEADER_SIZE.UDP) {
      r.out.problems.push(`udp.length ${u.length} is below 8`);
      udpEnd = at + HEADER_SIZE.UDP;
    } else if (whole && (u.checksum !== 0 || isV6)) {
      u.checksumOk = onesSum(b, at, udpEnd, pseudo(IPPROTO.UDP, u.length)) === 0xffff;
    }
    r.out.payload = b.subarray(at + HEADER_SIZE.UDP, udpEnd);
  } else if (protocol === IPPROTO.TCP) {
    if (r.short("tcp", at, HEADER_SIZE.TCP, end)) return;
    const flags = b[at + 13];
    const t: ParsedTcp = {
      srcPort: u16(b, at),
      dstPort: u16(b, at + 2),
      seq: u32(b, at + 4),
      ack: u32(b, at + 8),
      dataOffset: b[at + 12] >> 4,
      flags,
      flagNames: Object.entries(TCP_FLAG).filter(([, bit]) => (flags & bit) !== 0)
        .map(([name]) => name).join(""),
      window: u16(b, at + 14),
      checksum: u16(b, at + 16),
      checksumOk: complete ? onesSum(b, at, end, pseudo(IPPROTO.TCP, end - at)) === 0xffff : null,
      urgent: u16(b, at + 18),
      options: b.subarray(at + 20, at + 20),
    };
    r.out.tcp = t;
    if (t.dataOffset < 5) {
      r.out.problems.push(`tcp.dataOffset ${t.dataOffset} is below 5`);
      r.out.payload = b.subarray(at + HEADER_SIZE.TCP, end);
      return;
    }
    const hdrEnd = r.bound("tcp.dataOffset*4", at, t.dataOffset * 4, end);
    t.options = b.subarray(at + 20, hdrEnd);
    r.out.payload = b.subarray(hdrEnd, end);
  } else if (
    (protocol === IPPROTO.ICMP && !isV6) || (protocol === IPPROTO.ICMPV6 && isV6)
  ) {
    if (r.short(isV6 ? "icmpv6" : "icmp", at, HEADER_SIZE.ICMP, end)) return;
    const start = isV6 ? pseudo(IPPROTO.ICMPV6, end - at) : 0;
    const m: ParsedIcmp = {
      type: b[at],
      code: b[at + 1],
      checksum: u16(b, at + 2),
      checksumOk: complete ? onesSum(b, at, end, start) === 0xffff : null,
      id: u16(b, at + 4),
      seq: u16(b, at + 6),
    };
    if (isV6) r.out.icmpv6 = m;
    else r.out.icmp = m;
    r.out.payload = b.subarray(at + HEADER_SIZE.ICMP, end);
  } else {
    r.out.payload = b.subarray(at, end);
  }
}

/**
 * Parses a frame. Never throws: when a header does not fit or a length field
 * reaches past the end, `truncated` is set and `problems` says where.
 *
 * @param bytes The frame, or a buffer holding it.
 * @param options `offset` and `length` of the frame inside `bytes` (default: all of it).
 * @returns The layers found, outermost first, with checksum flags.
 *
 * @example
 * ```ts
 * import { eth, parseFrame } from "../../mod.ts";
 * const f = parseFrame(eth({}).ipv4({ src: "10.0.0.1", dst: "10.0.0.2" }).udp({ dstPort: 7 }).build());
 * console.log(f.ipv4?.dst, f.udp?.dstPort, f.udp?.checksumOk); // "10.0.0.2" 7 true
 * ```
 */
export function parseFrame(
  bytes: Uint8Array,
  options: { offset?: number; length?: number } = {},
): ParsedFrame {
  const offset = Math.min(Math.max(0, Math.trunc(options.offset ?? 0) || 0), bytes.length);
  const length = Math.min(
    Math.max(0, Math.trunc(options.length ?? bytes.length - offset) || 0),
    bytes.length - offset,
  );
  const r = new Reader(bytes.subarray(offset, offset + length));
  try {
    parseEthernet(r);
  } catch (e) {
    // A parser bug must not take a test run down: report it as a problem.
    r.out.problems.push(`parser error: ${e instanceof Error ? e.message : String(e)}`);
  }
  return r.out;
}
