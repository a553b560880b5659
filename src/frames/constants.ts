/**
 * Numbers the frame code names: ethertypes, IP protocol numbers, ICMP types,
 * TCP flag bits, and the size limits.
 *
 * @module
 */

/**
 * Ethertypes and VLAN TPIDs.
 *
 * @example
 * ```ts
 * import { ETHERTYPE } from "../../mod.ts";
 * console.log(ETHERTYPE.QINQ.toString(16)); // "88a8"
 * ```
 */
export const ETHERTYPE: Readonly<{
  IPV4: number;
  ARP: number;
  VLAN: number;
  QINQ: number;
  IPV6: number;
  EXPERIMENTAL: number;
}> = Object.freeze({
  IPV4: 0x0800,
  ARP: 0x0806,
  VLAN: 0x8100,
  QINQ: 0x88a8,
  IPV6: 0x86dd,
  /** IEEE 802 "local experimental" ethertype: the default when no L3 layer follows. */
  EXPERIMENTAL: 0x88b5,
});

/**
 * IP protocol / IPv6 next-header numbers.
 *
 * @example
 * ```ts
 * import { IPPROTO } from "../../mod.ts";
 * console.log(IPPROTO.UDP); // 17
 * ```
 */
export const IPPROTO: Readonly<{
  ICMP: number;
  TCP: number;
  UDP: number;
  ICMPV6: number;
  EXPERIMENTAL: number;
}> = Object.freeze({
  ICMP: 1,
  TCP: 6,
  UDP: 17,
  ICMPV6: 58,
  /** RFC 3692 "use for experimentation": the default when no L4 layer follows. */
  EXPERIMENTAL: 253,
});

/**
 * ICMP and ICMPv6 echo message types.
 *
 * @example
 * ```ts
 * import { ICMP_TYPE } from "../../mod.ts";
 * console.log(ICMP_TYPE.V6_ECHO_REQUEST); // 128
 * ```
 */
export const ICMP_TYPE: Readonly<{
  ECHO_REPLY: number;
  ECHO_REQUEST: number;
  V6_ECHO_REQUEST: number;
  V6_ECHO_REPLY: number;
}> = Object.freeze({
  ECHO_REPLY: 0,
  ECHO_REQUEST: 8,
  V6_ECHO_REQUEST: 128,
  V6_ECHO_REPLY: 129,
});

/**
 * TCP flag bits, by the letter tcpdump uses.
 *
 * @example
 * ```ts
 * import { TCP_FLAG } from "../../mod.ts";
 * console.log(TCP_FLAG.S | TCP_FLAG.A); // 18
 * ```
 */
export const TCP_FLAG: Readonly<Record<string, number>> = Object.freeze({
  F: 0x01,
  S: 0x02,
  R: 0x04,
  P: 0x08,
  A: 0x10,
  U: 0x20,
  E: 0x40,
  C: 0x80,
});

/**
 * ARP operation codes.
 *
 * @example
 * ```ts
 * import { ARP_OP } from "../../mod.ts";
 * console.log(ARP_OP.REPLY); // 2
 * ```
 */
export const ARP_OP: Readonly<{ REQUEST: number; REPLY: number }> = Object.freeze({
  REQUEST: 1,
  REPLY: 2,
});

/**
 * The largest frame nmscript builds (an IPv4 total length stops at 65535).
 *
 * @example
 * ```ts
 * import { MAX_FRAME_SIZE } from "../../mod.ts";
 * console.log(MAX_FRAME_SIZE); // 65535
 * ```
 */
export const MAX_FRAME_SIZE = 65535;

/**
 * Header sizes in bytes (without options).
 *
 * @example
 * ```ts
 * import { HEADER_SIZE } from "../../mod.ts";
 * console.log(HEADER_SIZE.ETH + HEADER_SIZE.IPV4 + HEADER_SIZE.UDP); // 42
 * ```
 */
export const HEADER_SIZE: Readonly<{
  ETH: number;
  VLAN: number;
  ARP: number;
  IPV4: number;
  IPV6: number;
  ICMP: number;
  UDP: number;
  TCP: number;
}> = Object.freeze({
  ETH: 14,
  VLAN: 4,
  ARP: 28,
  IPV4: 20,
  IPV6: 40,
  ICMP: 8,
  UDP: 8,
  TCP: 20,
});
