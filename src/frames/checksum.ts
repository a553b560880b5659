/**
 * The Internet checksum (RFC 1071): a 16-bit one's-complement sum with
 * end-around carry, folded and inverted. Works on any byte range without
 * allocating.
 *
 * @module
 */

/**
 * Adds the bytes `[start, end)` of `bytes` to a running one's-complement sum,
 * as big-endian 16-bit words (an odd last byte is the high byte of a word).
 *
 * @param bytes The data.
 * @param start First byte.
 * @param end One past the last byte.
 * @param sum The running sum (default 0); any non-negative integer.
 * @returns The new running sum, folded to 16 bits.
 *
 * @example
 * ```ts
 * import { onesSum } from "./checksum.ts";
 * console.log(onesSum(new Uint8Array([0xff, 0xff, 0x00, 0x01]), 0, 4).toString(16)); // "1"
 * ```
 */
export function onesSum(bytes: Uint8Array, start: number, end: number, sum = 0): number {
  let s = sum;
  let i = start;
  for (; i + 1 < end; i += 2) {
    s += (bytes[i] << 8) | bytes[i + 1];
    if (s > 0x3fffffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  }
  if (i < end) s += bytes[i] << 8;
  return fold(s);
}

/**
 * Folds a running sum to 16 bits with end-around carry.
 *
 * @param sum Any non-negative integer below 2^53.
 * @returns The folded sum, 0..0xffff.
 *
 * @example
 * ```ts
 * import { fold } from "./checksum.ts";
 * console.log(fold(0x1fffe).toString(16)); // "ffff"
 * ```
 */
export function fold(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

/**
 * The checksum of a byte range: the inverted one's-complement sum.
 *
 * @param bytes The data.
 * @param start First byte (default 0).
 * @param end One past the last byte (default `bytes.length`).
 * @param sum A running sum to start from (default 0), e.g. a pseudo-header.
 * @returns The 16-bit checksum to store; 0 when the data verifies.
 *
 * @example
 * ```ts
 * import { internetChecksum } from "../../mod.ts";
 * console.log(internetChecksum(new Uint8Array([0x45, 0x00])).toString(16)); // "baff"
 * ```
 */
export function internetChecksum(
  bytes: Uint8Array,
  start = 0,
  end: number = bytes.length,
  sum = 0,
): number {
  return ~onesSum(bytes, start, end, sum) & 0xffff;
}

/**
 * The running sum of an IPv4 or IPv6 pseudo-header (RFC 768, RFC 8200 §8.1):
 * source and destination addresses, protocol, and upper-layer length.
 *
 * @param bytes The frame.
 * @param addrOffset Where the source address starts (destination follows it).
 * @param addrLength 4 for IPv4, 16 for IPv6.
 * @param protocol The upper-layer protocol number (17 UDP, 6 TCP, 58 ICMPv6).
 * @param length The upper-layer length (any non-negative integer below 2^32).
 * @returns A running sum to pass to {@link internetChecksum}.
 *
 * @example
 * ```ts
 * import { pseudoHeaderSum } from "../../mod.ts";
 * const ip = new Uint8Array([10, 0, 0, 5, 10, 0, 0, 7]);
 * console.log(pseudoHeaderSum(ip, 0, 4, 17, 8).toString(16)); // "142d"
 * ```
 */
export function pseudoHeaderSum(
  bytes: Uint8Array,
  addrOffset: number,
  addrLength: 4 | 16,
  protocol: number,
  length: number,
): number {
  const s = onesSum(bytes, addrOffset, addrOffset + 2 * addrLength);
  return fold(s + protocol + (length >>> 16) + (length & 0xffff));
}
