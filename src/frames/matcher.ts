/**
 * The frame matcher: compares a received frame with what was expected (a
 * builder, bytes, or a partial field pattern) and names every field that
 * differs ("ipv4.dst: expected 10.0.0.7, actual 10.0.0.9").
 *
 * @module
 */
import {
  formatIpv4,
  formatIpv6,
  formatMac,
  type Ipv4Input,
  type Ipv6Input,
  type MacInput,
  parseIpv4,
  parseIpv6,
  parseMac,
} from "./address.ts";
import { FrameBuilder } from "./builder.ts";
import { type ParsedFrame, parseFrame } from "./parser.ts";
import { checkPattern } from "./pattern_check.ts";

/**
 * One field that differs. Values are printed the way the field is usually written.
 *
 * @example
 * ```ts
 * import { type Difference, eth, match } from "../../mod.ts";
 * const f = eth({}).ipv4({ src: "10.0.0.1", dst: "10.0.0.2" }).udp({ dstPort: 9 }).build();
 * const diffs: Difference[] = match(f, { udp: { dstPort: 7 } }).differences;
 * console.log(diffs[0].field, diffs[0].expected, diffs[0].actual); // udp.dstPort 7 9
 * ```
 */
export interface Difference {
  /** Dotted field path: "eth.dst", "vlan[0].vid", "udp.dstPort", "payload[3]". */
  field: string;
  /** The expected value. */
  expected: string;
  /** The value found in the frame. */
  actual: string;
}

/**
 * The result of {@link match}.
 *
 * @example
 * ```ts
 * import { eth, match, type MatchResult } from "../../mod.ts";
 * const r: MatchResult = match(eth({}).arp({}).build(), { length: 42 });
 * console.log(r.ok, r.actual.arp !== undefined); // true true
 * ```
 */
export interface MatchResult {
  /** True when nothing differs. */
  ok: boolean;
  /** What differs, outermost layer first. */
  differences: Difference[];
  /** The frame as parsed, for further inspection. */
  actual: ParsedFrame;
}

/**
 * A VLAN tag pattern.
 *
 * @example
 * ```ts
 * import { eth, match, type VlanPattern } from "../../mod.ts";
 * const tag: VlanPattern = { vid: 10 };
 * console.log(match(eth({}).vlan(10).arp({}).build(), { vlan: [tag] }).ok); // true
 * ```
 */
export interface VlanPattern {
  /** VLAN id. */
  vid?: number;
  /** Priority code point. */
  pcp?: number;
  /** Drop-eligible indicator. */
  dei?: boolean;
  /** TPID (0x8100, 0x88a8). */
  tpid?: number;
  /** Ethertype after the tag. */
  type?: number;
}

/**
 * Fields common to ICMP and ICMPv6 patterns.
 *
 * @example
 * ```ts
 * import { eth, type IcmpPattern, match } from "../../mod.ts";
 * const echo: IcmpPattern = { seq: 1, checksumOk: true };
 * const f = eth({}).ipv4({ src: "10.0.0.1", dst: "10.0.0.2" }).icmp({ seq: 1 }).build();
 * console.log(match(f, { icmp: echo }).ok); // true
 * ```
 */
export interface IcmpPattern {
  /** Type. */
  type?: number;
  /** Code. */
  code?: number;
  /** Echo identifier. */
  id?: number;
  /** Echo sequence. */
  seq?: number;
  /** Checksum field. */
  checksum?: number;
  /** Whether the checksum verifies. */
  checksumOk?: boolean | null;
}

/**
 * A partial description of a frame: only the fields given are compared. A
 * layer given means the layer must be present.
 *
 * @example
 * ```ts
 * import { eth, type FramePattern, match } from "../../mod.ts";
 * const pattern: FramePattern = { ipv4: { dst: "10.0.0.2" }, udp: { dstPort: 9 } };
 * const f = eth({}).ipv4({ src: "10.0.0.1", dst: "10.0.0.2" }).udp({ dstPort: 9 }).build();
 * console.log(match(f, pattern).ok); // true
 * ```
 */
export interface FramePattern {
  /** Frame length. */
  length?: number;
  /** Ethernet fields. */
  eth?: { dst?: MacInput; src?: MacInput; type?: number };
  /** An object: the outermost tag. An array: exactly these tags ([] = untagged). */
  vlan?: VlanPattern | VlanPattern[];
  /** ARP fields. */
  arp?: {
    op?: number;
    senderMac?: MacInput;
    senderIp?: Ipv4Input;
    targetMac?: MacInput;
    targetIp?: Ipv4Input;
    htype?: number;
    ptype?: number;
  };
  /** IPv4 fields. */
  ipv4?: {
    src?: Ipv4Input;
    dst?: Ipv4Input;
    tos?: number;
    totalLength?: number;
    id?: number;
    df?: boolean;
    mf?: boolean;
    fragmentOffset?: number;
    ttl?: number;
    protocol?: number;
    checksum?: number;
    checksumOk?: boolean | null;
    ihl?: number;
  };
  /** IPv6 fields. */
  ipv6?: {
    src?: Ipv6Input;
    dst?: Ipv6Input;
    trafficClass?: number;
    flowLabel?: number;
    payloadLength?: number;
    nextHeader?: number;
    hopLimit?: number;
  };
  /** ICMP fields. */
  icmp?: IcmpPattern;
  /** ICMPv6 fields. */
  icmpv6?: IcmpPattern;
  /** UDP fields. */
  udp?: {
    srcPort?: number;
    dstPort?: number;
    length?: number;
    checksum?: number;
    checksumOk?: boolean | null;
  };
  /** TCP fields; `flags` as a number or letters ("SA"). */
  tcp?: {
    srcPort?: number;
    dstPort?: number;
    seq?: number;
    ack?: number;
    flags?: number | string;
    window?: number;
    checksum?: number;
    checksumOk?: boolean | null;
  };
  /** The payload bytes (a string is UTF-8). */
  payload?: Uint8Array | string;
  /** The payload length. */
  payloadLength?: number;
  /** Whether every checksum present verifies. */
  checksumsOk?: boolean;
}

/**
 * What a frame can be matched against.
 *
 * @example
 * ```ts
 * import { eth, type Expected, match } from "../../mod.ts";
 * const f = eth({}).arp({}).build();
 * const wanted: Expected[] = [eth({}).arp({}), f, { arp: {} }];
 * console.log(wanted.every((e) => match(f, e).ok)); // true
 * ```
 */
export type Expected = FrameBuilder | Uint8Array | FramePattern;

type Value = string | number | boolean | null | undefined;
const HEX_FIELDS = new Set(["type", "tpid", "ptype", "checksum", "protocol", "nextHeader"]);

function show(field: string, value: Value): string {
  if (value === undefined) return "absent";
  const leaf = field.slice(field.lastIndexOf(".") + 1);
  if (typeof value === "number" && HEX_FIELDS.has(leaf)) {
    return `0x${
      value.toString(16).padStart(leaf === "protocol" || leaf === "nextHeader" ? 2 : 4, "0")
    }`;
  }
  return String(value);
}

function byteText(b: number | undefined): string {
  if (b === undefined) return "absent";
  const ch = b >= 0x20 && b < 0x7f ? ` '${String.fromCharCode(b)}'` : "";
  return `0x${b.toString(16).padStart(2, "0")}${ch}`;
}

class Diff {
  readonly list: Difference[] = [];
  value(field: string, expected: Value, actual: Value): void {
    if (expected !== actual) {
      this.list.push({ field, expected: show(field, expected), actual: show(field, actual) });
    }
  }
  bytes(field: string, expected: Uint8Array, actual: Uint8Array): void {
    if (expected.length !== actual.length) {
      this.list.push({
        field: `${field}Length`,
        expected: String(expected.length),
        actual: String(actual.length),
      });
    }
    const n = Math.min(expected.length, actual.length);
    for (let i = 0; i < n; i++) {
      if (expected[i] !== actual[i]) {
        let count = 0;
        for (let j = i; j < n; j++) if (expected[j] !== actual[j]) count++;
        const more = count > 1 ? ` (${count} bytes differ)` : "";
        this.list.push({
          field: `${field}[${i}]`,
          expected: byteText(expected[i]),
          actual: byteText(actual[i]) + more,
        });
        return;
      }
    }
  }
}

type Layerish = Record<string, unknown> | undefined;

/** Compares the fields of two parsed layers, all of them or those of a pattern. */
function compareLayer(
  d: Diff,
  name: string,
  expected: Layerish,
  actual: Layerish,
  fields: readonly string[],
): void {
  if (expected === undefined && actual === undefined) return;
  if (expected === undefined || actual === undefined) {
    d.value(name, expected ? "present" : "absent", actual ? "present" : "absent");
    return;
  }
  for (const f of fields) {
    const e = expected[f];
    const a = actual[f];
    if (e instanceof Uint8Array && a instanceof Uint8Array) d.bytes(`${name}.${f}`, e, a);
    else d.value(`${name}.${f}`, e as Value, a as Value);
  }
}

const LAYER_FIELDS: Readonly<Record<string, readonly string[]>> = {
  eth: ["dst", "src", "type"],
  arp: ["htype", "ptype", "hlen", "plen", "op", "senderMac", "senderIp", "targetMac", "targetIp"],
  ipv4: [
    "version",
    "ihl",
    "tos",
    "totalLength",
    "id",
    "df",
    "mf",
    "fragmentOffset",
    "ttl",
    "protocol",
    "checksum",
    "src",
    "dst",
    "options",
  ],
  ipv6: [
    "version",
    "trafficClass",
    "flowLabel",
    "payloadLength",
    "nextHeader",
    "hopLimit",
    "src",
    "dst",
  ],
  icmp: ["type", "code", "checksum", "id", "seq"],
  icmpv6: ["type", "code", "checksum", "id", "seq"],
  udp: ["srcPort", "dstPort", "length", "checksum"],
  tcp: [
    "srcPort",
    "dstPort",
    "seq",
    "ack",
    "dataOffset",
    "flagNames",
    "window",
    "checksum",
    "urgent",
    "options",
  ],
};
const LAYERS = ["arp", "ipv4", "ipv6", "icmp", "icmpv6", "udp", "tcp"] as const;

function compareFrames(
  d: Diff,
  exp: ParsedFrame,
  act: ParsedFrame,
  e: Uint8Array,
  a: Uint8Array,
): void {
  d.value("length", exp.length, act.length);
  compareLayer(d, "eth", exp.eth as Layerish, act.eth as Layerish, LAYER_FIELDS.eth);
  const n = Math.max(exp.vlan.length, act.vlan.length);
  for (let i = 0; i < n; i++) {
    compareLayer(
      d,
      `vlan[${i}]`,
      exp.vlan[i] as unknown as Layerish,
      act.vlan[i] as unknown as Layerish,
      ["tpid", "pcp", "dei", "vid", "type"],
    );
  }
  for (const name of LAYERS) {
    compareLayer(d, name, exp[name] as Layerish, act[name] as Layerish, LAYER_FIELDS[name]);
  }
  d.bytes("payload", exp.payload, act.payload);
  d.bytes("trailer", exp.trailer, act.trailer);
  if (d.list.length === 0) d.bytes("bytes", e, a); // anything the layers did not show
}

function norm(
  v: unknown,
  parse: (s: string | Uint8Array) => Uint8Array,
  fmt: (b: Uint8Array) => string,
): unknown {
  return v === undefined ? undefined : fmt(parse(v as string | Uint8Array));
}

/** Rewrites the address fields of a pattern layer in the parser's spelling. */
function normalizePattern(name: string, layer: Record<string, unknown>): Record<string, unknown> {
  // A field given as undefined is not compared (as if absent).
  const out = Object.fromEntries(Object.entries(layer).filter(([, v]) => v !== undefined));
  const mac = (k: string): void => {
    if (k in out) out[k] = norm(out[k], parseMac, formatMac);
  };
  if (name === "eth") ["dst", "src"].forEach(mac);
  if (name === "arp") {
    ["senderMac", "targetMac"].forEach(mac);
    for (const k of ["senderIp", "targetIp"]) {
      if (k in out) out[k] = norm(out[k], parseIpv4, formatIpv4);
    }
  }
  if (name === "ipv4" || name === "ipv6") {
    const [p, f] = name === "ipv4" ? [parseIpv4, formatIpv4] : [parseIpv6, formatIpv6];
    for (const k of ["src", "dst"]) if (k in out) out[k] = norm(out[k], p, f);
  }
  if (name === "tcp" && out.flags !== undefined) {
    out.flagNames = typeof out.flags === "number" ? out.flags : tcpFlagNames(String(out.flags));
    delete out.flags;
  }
  return out;
}

function tcpFlagNames(letters: string): string {
  const upper = letters.toUpperCase();
  return [..."FSRPAUEC"].filter((l) => upper.includes(l)).join("");
}

function allChecksumsOk(p: ParsedFrame): boolean {
  return [p.ipv4, p.icmp, p.icmpv6, p.udp, p.tcp].every((l) =>
    l === undefined || l.checksumOk !== false
  );
}

/** A short account of the innermost layers of a frame, for "layer absent" lines. */
function whatIsThere(p: ParsedFrame): string {
  if (p.eth === undefined) return `a ${p.length}-byte runt`;
  const type = p.vlan.length > 0 ? p.vlan[p.vlan.length - 1].type : p.eth.type;
  const hex = (v: number, w: number): string => `0x${v.toString(16).padStart(w, "0")}`;
  if (p.ipv4) return `IPv4 protocol ${p.ipv4.protocol}`;
  if (p.ipv6) return `IPv6 next header ${p.ipv6.nextHeader}`;
  if (p.arp) return "ARP";
  return `ethertype ${hex(type, 4)}${p.truncated ? ", truncated" : ""}`;
}

function comparePattern(d: Diff, pat: FramePattern, act: ParsedFrame): void {
  if (pat.length !== undefined) d.value("length", pat.length, act.length);
  if (pat.eth !== undefined) {
    const n = normalizePattern("eth", pat.eth);
    compareLayer(d, "eth", n, act.eth as Layerish, Object.keys(n));
  }
  if (pat.vlan !== undefined) {
    const tags = Array.isArray(pat.vlan) ? pat.vlan : [pat.vlan];
    if (Array.isArray(pat.vlan)) d.value("vlan.count", pat.vlan.length, act.vlan.length);
    tags.forEach((t, i) => {
      const fields = Object.keys(t).filter((k) => (t as Record<string, unknown>)[k] !== undefined);
      compareLayer(d, `vlan[${i}]`, t as Layerish, act.vlan[i] as unknown as Layerish, fields);
    });
  }
  for (const name of LAYERS) {
    const p = pat[name] as Record<string, unknown> | undefined;
    if (p === undefined) continue;
    const n = normalizePattern(name, p);
    const actual = act[name] as Layerish;
    if (actual === undefined) {
      d.list.push({ field: name, expected: "present", actual: `absent (${whatIsThere(act)})` });
      continue;
    }
    if (name === "tcp" && typeof n.flagNames === "number" && act.tcp) {
      d.value("tcp.flags", n.flagNames as number, act.tcp.flags);
      delete n.flagNames;
    }
    compareLayer(d, name, n, actual, Object.keys(n));
  }
  if (pat.payloadLength !== undefined) {
    d.value("payloadLength", pat.payloadLength, act.payload.length);
  }
  if (pat.payload !== undefined) {
    const bytes = typeof pat.payload === "string"
      ? new TextEncoder().encode(pat.payload)
      : pat.payload;
    d.bytes("payload", bytes, act.payload);
  }
  if (pat.checksumsOk !== undefined) d.value("checksumsOk", pat.checksumsOk, allChecksumsOk(act));
}

/**
 * Matches a frame against what was expected.
 *
 * - a {@link FrameBuilder} or bytes: every field must be equal (then every byte);
 * - a {@link FramePattern}: only the fields given are compared. A key the
 *   matcher does not know (a typo such as `ip` or `vlan: [{ id: 10 }]`) throws
 *   a NetmapError (EINVAL) naming it, instead of being ignored.
 *
 * @param frame The received frame.
 * @param expected A builder, the expected bytes, or a pattern.
 * @returns ok, the list of differences, and the parsed frame.
 *
 * @example
 * ```ts
 * import { eth, match } from "../../mod.ts";
 * const f = eth({}).ipv4({ src: "10.0.0.5", dst: "10.0.0.9" }).udp({ dstPort: 7 }).build();
 * const r = match(f, { ipv4: { dst: "10.0.0.7" }, udp: { dstPort: 7 } });
 * console.log(r.differences); // [{ field: "ipv4.dst", expected: "10.0.0.7", actual: "10.0.0.9" }]
 * ```
 */
export function match(frame: Uint8Array, expected: Expected): MatchResult {
  const actual = parseFrame(frame);
  const d = new Diff();
  if (expected instanceof FrameBuilder || expected instanceof Uint8Array) {
    const bytes = expected instanceof FrameBuilder ? expected.build() : expected;
    compareFrames(d, parseFrame(bytes), actual, bytes, frame);
  } else {
    checkPattern(expected);
    comparePattern(d, expected, actual);
  }
  return { ok: d.list.length === 0, differences: d.list, actual };
}

/**
 * A readable account of a mismatch, one line per differing field.
 *
 * @param result What {@link match} returned.
 * @param title The first line (default "frame does not match").
 * @returns "frame matches" when ok, else the title and the differences.
 *
 * @example
 * ```ts
 * import { describeMismatch, eth, match } from "../../mod.ts";
 * const f = eth({}).ipv4({ src: "10.0.0.1", dst: "10.0.0.2" }).udp().build({ minLength: 60 });
 * console.log(describeMismatch(match(f, { length: 61 })));
 * // frame does not match (1 difference):
 * //   length: expected 61, actual 60
 * ```
 */
export function describeMismatch(result: MatchResult, title = "frame does not match"): string {
  if (result.ok) return "frame matches";
  const n = result.differences.length;
  const lines = [`${title} (${n} difference${n === 1 ? "" : "s"}):`];
  const width = Math.max(...result.differences.map((x) => x.field.length));
  for (const x of result.differences) {
    lines.push(`  ${x.field.padEnd(width)}: expected ${x.expected}, actual ${x.actual}`);
  }
  if (result.actual.problems.length > 0) {
    lines.push(`  (parser: ${result.actual.problems.join("; ")})`);
  }
  return lines.join("\n");
}

/**
 * The error {@link assertFrameMatches} throws: the readable diff as message,
 * the differences as data.
 *
 * @example
 * ```ts
 * import { assertFrameMatches, FrameMismatchError } from "../../mod.ts";
 * try {
 *   assertFrameMatches(new Uint8Array(60), { length: 64 });
 * } catch (e) {
 *   if (e instanceof FrameMismatchError) console.log(e.differences[0].field); // "length"
 * }
 * ```
 */
export class FrameMismatchError extends Error {
  /** What differs. */
  readonly differences: Difference[];
  /**
   * Builds the error from a failed match.
   *
   * @param result The failed match.
   * @param title The first line of the message.
   */
  constructor(result: MatchResult, title?: string) {
    super(describeMismatch(result, title));
    this.name = "FrameMismatchError";
    this.differences = result.differences;
  }
}

/**
 * Throws a {@link FrameMismatchError} unless the frame matches.
 *
 * @param frame The received frame.
 * @param expected A builder, the expected bytes, or a pattern.
 * @param title The first line of the error message.
 *
 * @example
 * ```ts
 * import { assertFrameMatches, eth } from "../../mod.ts";
 * const f = eth({}).ipv4({ src: "10.0.0.1", dst: "10.0.0.2" }).udp({ dstPort: 9 }).payload("hi")
 *   .build();
 * assertFrameMatches(f, { udp: { dstPort: 9 }, payloadLength: 2 });
 * ```
 */
export function assertFrameMatches(frame: Uint8Array, expected: Expected, title?: string): void {
  const r = match(frame, expected);
  if (!r.ok) throw new FrameMismatchError(r, title);
}
