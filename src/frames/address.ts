/**
 * MAC, IPv4 and IPv6 addresses: strict parsing with clear errors, and
 * canonical formatting (lower-case MACs, dotted quads, RFC 5952 IPv6).
 *
 * @module
 */
import { frameError } from "./frame_error.ts";

/**
 * A MAC address: "aa:bb:cc:dd:ee:ff" or its 6 bytes.
 *
 * @example
 * ```ts
 * import { formatMac, type MacInput } from "../../mod.ts";
 * const m: MacInput = new Uint8Array([2, 0, 0, 0, 0, 1]);
 * console.log(formatMac(m)); // "02:00:00:00:00:01"
 * ```
 */
export type MacInput = string | Uint8Array;
/**
 * An IPv4 address: "10.0.0.5" or its 4 bytes.
 *
 * @example
 * ```ts
 * import { formatIpv4, type Ipv4Input } from "../../mod.ts";
 * const a: Ipv4Input = new Uint8Array([10, 0, 0, 5]);
 * console.log(formatIpv4(a)); // "10.0.0.5"
 * ```
 */
export type Ipv4Input = string | Uint8Array;
/**
 * An IPv6 address: "fe80::1" or its 16 bytes.
 *
 * @example
 * ```ts
 * import { formatIpv6, type Ipv6Input, parseIpv6 } from "../../mod.ts";
 * const a: Ipv6Input = "fe80::1";
 * console.log(formatIpv6(parseIpv6(a))); // "fe80::1"
 * ```
 */
export type Ipv6Input = string | Uint8Array;

const HEX_BYTE = /^[0-9a-fA-F]{1,2}$/;
const DEC_OCTET = /^(0|[1-9][0-9]{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function bytesOf(what: string, input: Uint8Array, size: number): Uint8Array {
  if (input.length !== size) {
    throw frameError(
      `parse ${what}`,
      `Invalid ${what}: expected ${size} bytes, got ${input.length}`,
      `pass a Uint8Array of exactly ${size} bytes, or a string`,
    );
  }
  return input.slice();
}

/**
 * Parses a MAC address written as six hex bytes separated by ':'.
 *
 * @param input "aa:bb:cc:dd:ee:ff" (1 or 2 hex digits per byte), or 6 bytes.
 * @returns A new 6-byte array.
 * @throws NetmapError (EINVAL) naming the input when it is not a MAC.
 *
 * @example
 * ```ts
 * import { parseMac } from "../../mod.ts";
 * console.log(parseMac("0:1b:21:a:b:c")); // Uint8Array [0, 27, 33, 10, 11, 12]
 * ```
 */
export function parseMac(input: MacInput): Uint8Array {
  if (input instanceof Uint8Array) return bytesOf("MAC", input, 6);
  const parts = String(input).split(":");
  if (parts.length !== 6 || !parts.every((p) => HEX_BYTE.test(p))) {
    throw frameError(
      "parse MAC",
      `Invalid MAC '${input}': expected 6 hex bytes separated by ':'`,
      "write it like 02:00:00:00:00:01",
    );
  }
  return Uint8Array.from(parts, (p) => parseInt(p, 16));
}

/**
 * Formats 6 bytes as a lower-case MAC, "02:00:00:00:00:01".
 *
 * @param bytes The array holding the address.
 * @param offset Where the address starts (default 0).
 * @returns The MAC as a string.
 *
 * @example
 * ```ts
 * import { formatMac } from "../../mod.ts";
 * console.log(formatMac(new Uint8Array([2, 0, 0, 0, 0, 1]))); // "02:00:00:00:00:01"
 * ```
 */
export function formatMac(bytes: Uint8Array, offset = 0): string {
  const out: string[] = [];
  for (let i = 0; i < 6; i++) out.push((bytes[offset + i] ?? 0).toString(16).padStart(2, "0"));
  return out.join(":");
}

/**
 * Parses an IPv4 address in dotted-quad form (four decimal octets 0..255).
 *
 * @param input "10.0.0.5", or 4 bytes.
 * @returns A new 4-byte array.
 * @throws NetmapError (EINVAL) naming the input when it is not an IPv4 address.
 *
 * @example
 * ```ts
 * import { parseIpv4 } from "../../mod.ts";
 * console.log(parseIpv4("10.0.0.5")); // Uint8Array [10, 0, 0, 5]
 * ```
 */
export function parseIpv4(input: Ipv4Input): Uint8Array {
  if (input instanceof Uint8Array) return bytesOf("IPv4 address", input, 4);
  const parts = String(input).split(".");
  if (
    parts.length !== 4 || !parts.every((p) => DEC_OCTET.test(p) && Number(p) <= 255)
  ) {
    throw frameError(
      "parse IPv4 address",
      `Invalid IPv4 address '${input}': expected 4 decimal numbers 0..255 separated by '.'`,
      "write it like 10.0.0.5 (no leading zeros, no prefix length)",
    );
  }
  return Uint8Array.from(parts, Number);
}

/**
 * Formats 4 bytes as a dotted quad.
 *
 * @param bytes The array holding the address.
 * @param offset Where the address starts (default 0).
 * @returns "10.0.0.5".
 *
 * @example
 * ```ts
 * import { formatIpv4 } from "../../mod.ts";
 * console.log(formatIpv4(new Uint8Array([10, 0, 0, 5]))); // "10.0.0.5"
 * ```
 */
export function formatIpv4(bytes: Uint8Array, offset = 0): string {
  return [0, 1, 2, 3].map((i) => bytes[offset + i] ?? 0).join(".");
}

function badIpv6(input: string): Error {
  return frameError(
    "parse IPv6 address",
    `Invalid IPv6 address '${input}': expected 8 hex groups separated by ':' ` +
      "(one '::' may stand for zero groups; the last two may be a dotted IPv4)",
    "write it like fe80::1 or 2001:db8::10.0.0.1 (no zone, no prefix length)",
  );
}

function groupsOf(text: string, input: string): number[] {
  if (text === "") return [];
  const parts = text.split(":");
  const groups: number[] = [];
  parts.forEach((p, i) => {
    if (i === parts.length - 1 && p.includes(".")) {
      const v4 = parseIpv4WithCheck(p, input);
      groups.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
    } else if (HEX_GROUP.test(p)) {
      groups.push(parseInt(p, 16));
    } else {
      throw badIpv6(input);
    }
  });
  return groups;
}

function parseIpv4WithCheck(text: string, input: string): Uint8Array {
  try {
    return parseIpv4(text);
  } catch {
    throw badIpv6(input);
  }
}

/**
 * Parses an IPv6 address (RFC 4291 text forms, including '::' and a dotted
 * IPv4 tail).
 *
 * @param input "2001:db8::1", or 16 bytes.
 * @returns A new 16-byte array.
 * @throws NetmapError (EINVAL) naming the input when it is not an IPv6 address.
 *
 * @example
 * ```ts
 * import { parseIpv6 } from "../../mod.ts";
 * console.log(parseIpv6("::1")[15]); // 1
 * ```
 */
export function parseIpv6(input: Ipv6Input): Uint8Array {
  if (input instanceof Uint8Array) return bytesOf("IPv6 address", input, 16);
  const text = String(input);
  const halves = text.split("::");
  if (halves.length > 2) throw badIpv6(text);
  let groups: number[];
  if (halves.length === 2) {
    const head = groupsOf(halves[0], text);
    const tail = groupsOf(halves[1], text);
    const missing = 8 - head.length - tail.length;
    if (missing < 1) throw badIpv6(text);
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    groups = groupsOf(text, text);
    if (groups.length !== 8) throw badIpv6(text);
  }
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/**
 * Formats 16 bytes as an IPv6 address in RFC 5952 canonical form (lower case,
 * the longest run of two or more zero groups written as '::').
 *
 * @param bytes The array holding the address.
 * @param offset Where the address starts (default 0).
 * @returns "2001:db8::1".
 *
 * @example
 * ```ts
 * import { formatIpv6, parseIpv6 } from "../../mod.ts";
 * console.log(formatIpv6(parseIpv6("2001:0db8:0:0:0:0:0:0001"))); // "2001:db8::1"
 * ```
 */
export function formatIpv6(bytes: Uint8Array, offset = 0): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) {
    groups.push(((bytes[offset + 2 * i] ?? 0) << 8) | (bytes[offset + 2 * i + 1] ?? 0));
  }
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number): string => g.toString(16);
  if (bestStart < 0) return groups.map(hex).join(":");
  const head = groups.slice(0, bestStart).map(hex).join(":");
  const tail = groups.slice(bestStart + bestLen).map(hex).join(":");
  return `${head}::${tail}`;
}
