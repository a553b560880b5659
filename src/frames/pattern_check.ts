/**
 * Checks the shape of a frame pattern before it is used: every key at every
 * level must be one the matcher compares, so that a typo (`ip`, `ipv4dst`,
 * `vlan: [{ id: 10 }]`) is an error instead of a key silently ignored.
 *
 * @module
 */
import type { NetmapError } from "../errors.ts";
import { frameError } from "./frame_error.ts";

const ICMP_KEYS = ["type", "code", "id", "seq", "checksum", "checksumOk"] as const;

/** The keys a pattern may have, at the top and in each layer (what matcher.ts compares). */
export const PATTERN_KEYS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  pattern: [
    "length",
    "eth",
    "vlan",
    "arp",
    "ipv4",
    "ipv6",
    "icmp",
    "icmpv6",
    "udp",
    "tcp",
    "payload",
    "payloadLength",
    "checksumsOk",
  ],
  eth: ["dst", "src", "type"],
  vlan: ["vid", "pcp", "dei", "tpid", "type"],
  arp: ["op", "senderMac", "senderIp", "targetMac", "targetIp", "htype", "ptype"],
  ipv4: [
    "src",
    "dst",
    "tos",
    "totalLength",
    "id",
    "df",
    "mf",
    "fragmentOffset",
    "ttl",
    "protocol",
    "checksum",
    "checksumOk",
    "ihl",
  ],
  ipv6: [
    "src",
    "dst",
    "trafficClass",
    "flowLabel",
    "payloadLength",
    "nextHeader",
    "hopLimit",
  ],
  icmp: ICMP_KEYS,
  icmpv6: ICMP_KEYS,
  udp: ["srcPort", "dstPort", "length", "checksum", "checksumOk"],
  tcp: ["srcPort", "dstPort", "seq", "ack", "flags", "window", "checksum", "checksumOk"],
});

/** What is wrong with a pattern: one sentence and what to do. */
export interface PatternProblem {
  /** What was wrong and where: "unknown key 'id' in vlan[0] (known: vid, pcp, dei, tpid, type)". */
  summary: string;
  /** What to do: "did you mean 'vid'?" when a known key is close, else how to fix it. */
  hint: string;
}

/** Edit distance (insert, delete, substitute one character), case-insensitive. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      row.push(Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost));
    }
    prev = row;
  }
  return prev[y.length];
}

/** Known keys close to `key`: a small edit away, or one a prefix of the other. */
function closeKeys(key: string, known: readonly string[]): string[] {
  const k = key.toLowerCase();
  const limit = Math.max(1, Math.floor(key.length / 3));
  return known
    .map((c) => ({ c, d: distance(k, c) }))
    .filter(({ c, d }) => {
      const l = c.toLowerCase();
      return d <= limit || (k.length >= 2 && (l.startsWith(k) || k.startsWith(l)));
    })
    .sort((x, y) => x.d - y.d)
    .map(({ c }) => c);
}

function unknownKey(key: string, where: string, known: readonly string[]): PatternProblem {
  const close = closeKeys(key, known);
  const quoted = close.map((c) => `'${c}'`);
  const hint = quoted.length > 0
    ? `did you mean ${quoted.slice(0, 3).join(" or ")}?`
    : "use one of the known keys; the matcher compares only those";
  return { summary: `unknown key '${key}' in ${where} (known: ${known.join(", ")})`, hint };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function checkLayer(name: string, where: string, value: unknown): PatternProblem | undefined {
  const known = PATTERN_KEYS[name];
  if (!isPlainObject(value)) {
    const got = Array.isArray(value) ? "an array" : value === null ? "null" : typeof value;
    return {
      summary: `${where} must be an object of fields (known: ${known.join(", ")}), got ${got}`,
      hint: `write e.g. { ${name}: { ${known[0]}: ... } }`,
    };
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) return unknownKey(key, where, known);
  }
  return undefined;
}

/**
 * What is wrong with a pattern's keys, or undefined when every key at every
 * level is one the matcher compares.
 *
 * @param pattern A field pattern (what {@link checkPattern} checks).
 * @param where How to name the pattern in the message (default "the pattern").
 * @returns The first problem found, or undefined.
 *
 * @example
 * ```ts
 * import { patternProblem } from "./pattern_check.ts";
 * console.log(patternProblem({ vlan: [{ id: 10 }] })?.summary);
 * // unknown key 'id' in vlan[0] (known: vid, pcp, dei, tpid, type)
 * ```
 */
export function patternProblem(
  pattern: unknown,
  where = "the pattern",
): PatternProblem | undefined {
  if (!isPlainObject(pattern)) {
    return {
      summary: `${where} must be a FrameBuilder, a Uint8Array or an object of fields`,
      hint: 'pass eth(...)...build(), bytes, or e.g. { ipv4: { dst: "10.0.0.2" } }',
    };
  }
  const top = PATTERN_KEYS.pattern;
  for (const [key, value] of Object.entries(pattern)) {
    if (!top.includes(key)) return unknownKey(key, where, top);
    if (value === undefined) continue;
    const prefix = where === "the pattern" ? "" : `${where}.`;
    if (key === "vlan") {
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const p = checkLayer("vlan", `${prefix}vlan[${i}]`, value[i]);
          if (p) return p;
        }
        continue;
      }
      const p = checkLayer("vlan", `${prefix}vlan`, value);
      if (p) return p;
      continue;
    }
    if (key in PATTERN_KEYS && key !== "pattern") {
      const p = checkLayer(key, `${prefix}${key}`, value);
      if (p) return p;
    }
  }
  return undefined;
}

/**
 * Throws when a pattern has a key the matcher does not know, at any level
 * (NetmapError EINVAL naming the key, where it is, the known keys, and a
 * "did you mean" when one is close).
 *
 * @param pattern A field pattern.
 * @param op The operation for the error (default "match frame").
 *
 * @example
 * ```ts
 * import { checkPattern } from "../../mod.ts";
 * try {
 *   checkPattern({ ipv4dst: "9.9.9.9" });
 * } catch (e) {
 *   console.log((e as Error).message); // ... unknown key 'ipv4dst' ... did you mean 'ipv4'?
 * }
 * ```
 */
export function checkPattern(pattern: unknown, op = "match frame"): void {
  const p = patternProblem(pattern);
  if (p) throw patternError(op, p);
}

/**
 * The error for a pattern problem (EINVAL).
 *
 * @param op The operation: "match frame", "expect".
 * @param problem What {@link patternProblem} returned.
 * @returns The error, ready to throw.
 *
 * @example
 * ```ts
 * import { patternError, patternProblem } from "./pattern_check.ts";
 * const p = patternProblem({ ip: {} });
 * if (p) console.log(patternError("expect", p).code); // "EINVAL"
 * ```
 */
export function patternError(op: string, problem: PatternProblem): NetmapError {
  return frameError(op, problem.summary, problem.hint);
}
