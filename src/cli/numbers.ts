/**
 * Strict number and MAC parsing for option values. The C tools use atoi(3)
 * and sscanf(3), which accept garbage silently ("12abc" is 12, "abc" is 0);
 * these parsers accept what well-formed command lines contain and explain
 * anything else in one sentence (thrown as {@linkcode OptionValueError}).
 *
 * @module
 */

/** A wrong option value; `message` is one line saying what was wrong and what is expected. */
export class OptionValueError extends Error {
  /** @param message What was wrong and what is expected. */
  constructor(message: string) {
    super(message);
    this.name = "OptionValueError";
  }
}

/** Limits for {@linkcode parseInteger}. */
export interface IntegerLimits {
  /** Smallest accepted value (default 0). */
  min?: number;
  /** Largest accepted value (default 2**31 - 1, C's INT_MAX). */
  max?: number;
  /** What the value is, for the message ("a packet count"). */
  what?: string;
}

/**
 * Parses a decimal integer strictly: optional `-`, digits, nothing else.
 *
 * @example
 * ```ts
 * import { parseInteger } from "./numbers.ts";
 * console.log(parseInteger("-T", "5", { min: 0 })); // 5
 * ```
 */
export function parseInteger(option: string, text: string, limits: IntegerLimits = {}): number {
  const min = limits.min ?? 0;
  const max = limits.max ?? 2 ** 31 - 1;
  const what = limits.what ?? "a whole number";
  const range = max >= Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in ${min}..${max}`;
  if (!/^-?[0-9]+$/.test(text)) {
    throw new OptionValueError(
      `${option}: '${text}' is not ${what}: expected a decimal integer ${range}`,
    );
  }
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new OptionValueError(`${option}: ${text} is out of range: ${what} must be ${range}`);
  }
  return value;
}

/**
 * Parses a decimal unsigned 64-bit integer strictly (digits only) as a bigint.
 *
 * @example
 * ```ts
 * import { parseU64 } from "./numbers.ts";
 * console.log(parseU64("-n", "1000000")); // 1000000n
 * ```
 */
export function parseU64(option: string, text: string, what = "a count"): bigint {
  if (!/^[0-9]+$/.test(text)) {
    throw new OptionValueError(
      `${option}: '${text}' is not ${what}: expected a decimal integer >= 0`,
    );
  }
  const v = BigInt(text);
  if (v >= 1n << 64n) {
    throw new OptionValueError(`${option}: ${text} is out of range: ${what} must be < 2^64`);
  }
  return v;
}

/**
 * Parses a MAC address the way the C tools' `sscanf("%hhx:%hhx:%hhx:%hhx:%hhx:%hhx")`
 * reads well-formed input: six hexadecimal fields separated by ':', each with
 * 1 or more digits (an optional `0x` prefix and leading zeros are accepted, as
 * %hhx does). Unlike sscanf, a field above 0xff (which %hhx truncates) and
 * anything after the sixth field are refused.
 *
 * @example
 * ```ts
 * import { parseMac } from "./numbers.ts";
 * console.log(parseMac("-s", "0:1:2:a:B:ff")); // Uint8Array [0, 1, 2, 10, 11, 255]
 * ```
 */
export function parseMac(option: string, text: string): Uint8Array {
  const fields = text.split(":");
  const bad = (why: string): OptionValueError =>
    new OptionValueError(
      `${option}: invalid MAC address '${text}': ${why} (expected six hex bytes separated by ':', ` +
        `e.g. 00:11:22:aa:bb:cc)`,
    );
  if (fields.length !== 6) throw bad(`${fields.length} field${fields.length === 1 ? "" : "s"}`);
  const mac = new Uint8Array(6);
  for (let i = 0; i < 6; i++) {
    const m = /^(?:0[xX])?([0-9a-fA-F]+)$/.exec(fields[i]);
    if (m === null) throw bad(`field ${i + 1} '${fields[i]}' is not hexadecimal`);
    const v = parseInt(m[1], 16);
    if (v > 0xff) throw bad(`field ${i + 1} '${fields[i]}' is above ff`);
    mac[i] = v;
  }
  return mac;
}

/**
 * Formats a MAC address as lower-case `aa:bb:cc:dd:ee:ff`.
 *
 * @example
 * ```ts
 * import { formatMac } from "./numbers.ts";
 * console.log(formatMac(new Uint8Array([255, 255, 255, 255, 255, 255]))); // "ff:ff:ff:ff:ff:ff"
 * ```
 */
export function formatMac(mac: Uint8Array): string {
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join(":");
}
