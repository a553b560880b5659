/**
 * The one parser of netmap's port-name grammar. Every other module takes the
 * parsed {@link PortSpec}, never the string.
 *
 * Grammar (libnetmap's `nmport_parse`, API 14):
 *
 * ```text
 * name    := ("netmap:" | "vale" ID? ":") VPNAME [PIPE] [SEL] MOD* OPTION*
 * PIPE    := ("{" | "}") ID+             master / slave end of a pipe
 * SEL     := "*" | "^" [N] | "-" N       NIC+host / host (one host ring) / one NIC ring
 * MOD     := "/" FLAG+ | "@" N           FLAG: x z t r R T; N: memory id > 0
 * OPTION  := "@" NAME ("=" VALUE | ":" KEY "=" VALUE ("," KEY "=" VALUE)*)
 * ```
 *
 * Differences from libnetmap, decided here:
 * - `@offset` is enabled (libnetmap disables it by default) and also accepts
 *   `max` (libnetmap uses max = initial); `initial` may not exceed `max`.
 * - Keys accept `-` and `_` alike (`tx-rings` = `tx_rings`). A key or an
 *   option given twice is an error (EINVAL), even when one value is empty.
 * - Numbers are plain decimal and range-checked against their field width
 *   (libnetmap uses `atoi`, which silently reads `12abc` as 12).
 * - Rejected although libnetmap lets them through to the kernel: an empty
 *   VALE port (`vale0:`), an empty pipe parent (`netmap:{1`), a `/` with no
 *   flag before `@` (`eth0/@2`), `@conf:` with no key, a `@share` value with a
 *   mode suffix, and non-printable or non-ASCII characters in the name.
 * - Options are checked here, but nothing is opened or mapped: `@share`'s
 *   memory id and `@extmem`'s file are resolved by openPort().
 *
 * @module
 */

import { ERRNO, invalidArgument, NetmapError } from "./errors.ts";

/**
 * The netmap constants the parser needs, by netmap's names. Normally the
 * layout table's values (see {@link PORT_NAME_CONSTANTS}).
 *
 * @example
 * ```ts
 * import { parsePortName, PORT_NAME_CONSTANTS } from "./port_name.ts";
 * const constants = { ...PORT_NAME_CONSTANTS }; // e.g. filled from layout().constant()
 * console.log(parsePortName("netmap:eth0^1", { constants }).mode); // 8
 * ```
 */
export interface PortNameConstants {
  /** nr_mode: all NIC rings (no selector). */
  NR_REG_ALL_NIC: number;
  /** nr_mode: host rings only (`^`). */
  NR_REG_SW: number;
  /** nr_mode: NIC and host rings (`*`). */
  NR_REG_NIC_SW: number;
  /** nr_mode: one NIC ring pair (`-N`). */
  NR_REG_ONE_NIC: number;
  /** nr_mode: one host ring pair (`^N`). */
  NR_REG_ONE_SW: number;
  /** nr_flags bit of `/t`. */
  NR_MONITOR_TX: number;
  /** nr_flags bit of `/r`. */
  NR_MONITOR_RX: number;
  /** nr_flags bit of `/z`. */
  NR_ZCOPY_MON: number;
  /** nr_flags bit of `/x`. */
  NR_EXCLUSIVE: number;
  /** nr_flags bit of `/R`. */
  NR_RX_RINGS_ONLY: number;
  /** nr_flags bit of `/T`. */
  NR_TX_RINGS_ONLY: number;
  /** Ring numbers must be below this value. */
  NETMAP_RING_MASK: number;
  /** sizeof(nmreq_header.nr_name), including the terminating NUL. */
  NETMAP_REQ_IFNAMSIZ: number;
}

/**
 * Cross-checked copy of the layout table's constants used by the parser.
 * The parser is pure (no FFI, usable before the library is loaded), so it
 * cannot ask `layout()`. tests/port_name_test.ts compares every value with
 * ffi/include/netmap_abi.h and with the output of `build/layout`; a mismatch
 * fails the tests. Do not edit one without the other.
 *
 * @example
 * ```ts
 * import { PORT_NAME_CONSTANTS } from "./port_name.ts";
 * console.log(PORT_NAME_CONSTANTS.NR_REG_ONE_NIC); // 4
 * ```
 */
export const PORT_NAME_CONSTANTS: Readonly<PortNameConstants> = Object.freeze({
  NR_REG_ALL_NIC: 1,
  NR_REG_SW: 2,
  NR_REG_NIC_SW: 3,
  NR_REG_ONE_NIC: 4,
  NR_REG_ONE_SW: 8,
  NR_MONITOR_TX: 0x100,
  NR_MONITOR_RX: 0x200,
  NR_ZCOPY_MON: 0x400,
  NR_EXCLUSIVE: 0x800,
  NR_RX_RINGS_ONLY: 0x2000,
  NR_TX_RINGS_ONLY: 0x4000,
  NETMAP_RING_MASK: 0x0fff,
  NETMAP_REQ_IFNAMSIZ: 64,
});

/** `@conf` keys, as given (absent = not given; 0 = netmap chooses).
 *
 * @example
 * ```ts
 * import { parsePortName } from "../mod.ts";
 * console.log(parsePortName("vale0:a@conf:rings=2,rx-slots=64").options.conf);
 * // { rings: 2, rxSlots: 64 }
 * ```
 */
export interface ConfSpec {
  /** `rings`: tx and rx rings. */
  rings?: number;
  /** `host_rings`: host tx and rx rings. */
  hostRings?: number;
  /** `slots`: tx and rx slots per ring. */
  slots?: number;
  /** `tx_rings` (overrides `rings`). */
  txRings?: number;
  /** `rx_rings` (overrides `rings`). */
  rxRings?: number;
  /** `host_tx_rings` (overrides `host_rings`). */
  hostTxRings?: number;
  /** `host_rx_rings` (overrides `host_rings`). */
  hostRxRings?: number;
  /** `tx_slots` (overrides `slots`). */
  txSlots?: number;
  /** `rx_slots` (overrides `slots`). */
  rxSlots?: number;
}

/** `@offset`: NETMAP_REQ_OPT_OFFSETS values.
 *
 * @example
 * ```ts
 * import { parsePortName } from "../mod.ts";
 * console.log(parsePortName("vale0:a@offset:initial=8,max=64").options.offset);
 * // { initial: 8, max: 64 }
 * ```
 */
export interface OffsetSpec {
  /** `initial`: offset written into every slot at registration. */
  initial: number;
  /** `max`: largest offset the script will use (default: `initial`). */
  max?: number;
  /** `bits`: low bits of slot->ptr holding the offset (0 or absent: all 64). */
  bits?: number;
}

/** `@extmem`: a file to map as the port's memory, and pool sizes (0: sysctl default).
 *
 * @example
 * ```ts
 * import { parsePortName } from "../mod.ts";
 * console.log(parsePortName("netmap:eth0@extmem:file=/tmp/m,buf_num=1024").options.extmem);
 * // { file: "/tmp/m", bufNum: 1024 }
 * ```
 */
export interface ExtmemSpec {
  /** `file`: path of the file to map. */
  file: string;
  /** `if_num`: netmap_if objects. */
  ifNum?: number;
  /** `if_size`: bytes per netmap_if. */
  ifSize?: number;
  /** `ring_num`: ring objects. */
  ringNum?: number;
  /** `ring_size`: bytes per ring. */
  ringSize?: number;
  /** `buf_num`: buffers. */
  bufNum?: number;
  /** `buf_size`: bytes per buffer. */
  bufSize?: number;
}

/** The `@` options of a port name.
 *
 * @example
 * ```ts
 * import { parsePortName } from "../mod.ts";
 * console.log(parsePortName("vale0:a@share=vale0:b").options); // { share: "vale0:b" }
 * ```
 */
export interface PortSpecOptions {
  /** `@conf:...`: ring and slot counts used when the open creates the port. */
  conf?: ConfSpec;
  /** `@offset=N` / `@offset:initial=N,max=M,bits=B`. */
  offset?: OffsetSpec;
  /** `@extmem=FILE` / `@extmem:file=FILE,...`. */
  extmem?: ExtmemSpec;
  /** `@share=PORT`: use the memory region of another port. */
  share?: string;
}

/** A parsed port name: what goes into nmreq_header and nmreq_register.
 *
 * @example
 * ```ts
 * import { parsePortName } from "../mod.ts";
 * const spec = parsePortName("vale0:p{1-0");
 * console.log(spec.name, spec.bridge, spec.port, spec.pipe?.end); // "vale0:p{1" "vale0" "p" "master"
 * ```
 */
export interface PortSpec {
  /** The string that was parsed. */
  input: string;
  /** `netmap` (prefix stripped from nr_name) or `vale` (prefix kept). */
  subsystem: "netmap" | "vale";
  /** nr_name exactly as the kernel gets it: "eth0", "pipe{1", "vale0:a". */
  name: string;
  /** VALE names: the switch, "vale0" (just "vale" for `vale:x`). */
  bridge?: string;
  /** VALE names: the port on the switch, without any pipe suffix. */
  port?: string;
  /** Pipe names: the parent (nr_name before the brace), the id and the end. */
  pipe?: { parent: string; id: string; end: "master" | "slave" };
  /** nr_mode (an NR_REG_* value). */
  mode: number;
  /** nr_ringid (for NR_REG_ONE_NIC and NR_REG_ONE_SW; else 0). */
  ringId: number;
  /** nr_flags bits (NR_EXCLUSIVE, NR_MONITOR_TX, ...). */
  flags: bigint;
  /** nr_mem_id from `@N`; 0 = unset. */
  memId: number;
  /** The `@` options. */
  options: PortSpecOptions;
}

/** Options of parsePortName() and formatPortName().
 *
 * @example
 * ```ts
 * import { parsePortName, type PortNameParseOptions } from "../mod.ts";
 * const options: PortNameParseOptions = {}; // no `constants`: netmap's own values
 * console.log(parsePortName("netmap:eth0^1", options).mode); // 8 (NR_REG_ONE_SW)
 * ```
 */
export interface PortNameParseOptions {
  /** The constants to use (default: {@link PORT_NAME_CONSTANTS}). */
  constants?: Readonly<PortNameConstants>;
}

/** What parsePortNameHead() returns: the name and mode, and the unparsed options.
 *
 * @example
 * ```ts
 * import { parsePortNameHead } from "./port_name.ts";
 * console.log(parsePortNameHead("vale0:a/x@conf:rings=2").optionsText); // "@conf:rings=2"
 * ```
 */
export interface PortNameHead {
  /** The spec without options (`options` is `{}`). */
  spec: PortSpec;
  /** The options text, starting with `@` ("" when there is none). */
  optionsText: string;
  /** Position of `optionsText` in the input. */
  optionsPosition: number;
}

/**
 * A port name that does not follow the grammar (errno EINVAL), raised before
 * any system call. The message names the 0-based position and what was
 * expected there.
 *
 * @example
 * ```ts
 * import { parsePortName, PortNameError } from "../mod.ts";
 * try {
 *   parsePortName("vale0:a-");
 * } catch (e) {
 *   if (e instanceof PortNameError) console.log(e.position, e.expected); // 8 "a ring number after '-'"
 * }
 * ```
 */
export class PortNameError extends NetmapError {
  /** The whole name that was parsed. */
  readonly input: string;
  /** 0-based index into `input` where the problem is (`input.length`: at the end). */
  readonly position: number;
  /** What the parser expected at `position`. */
  readonly expected: string;

  /**
   * @param input The name being parsed.
   * @param position 0-based index of the problem.
   * @param expected What was expected there ("a ring number after '-'").
   */
  constructor(input: string, position: number, expected: string) {
    const sentence = `Invalid port name '${input}' at position ${position}: expected ${expected}`;
    super({
      op: "parse port name",
      port: input,
      errno: ERRNO.EINVAL,
      summary: sentence,
      hint: "port names look like netmap:eth0, netmap:eth0-1/x, netmap:eth0^, vale0:a, " +
        "vale0:p{1, vale0:a@conf:rings=2,slots=512",
    });
    this.message = sentence;
    this.name = "PortNameError";
    this.input = input;
    this.position = position;
    this.expected = expected;
  }
}

// ---- scanning ---------------------------------------------------------------

const NAME_STOP = "-*^/@";
const FLAG_LETTERS: readonly (readonly [string, keyof PortNameConstants])[] = [
  ["x", "NR_EXCLUSIVE"],
  ["z", "NR_ZCOPY_MON"],
  ["t", "NR_MONITOR_TX"],
  ["r", "NR_MONITOR_RX"],
  ["R", "NR_RX_RINGS_ONLY"],
  ["T", "NR_TX_RINGS_ONLY"],
];
const FLAG_LIST = "x, z, t, r, R or T";
const U16 = 0xffff;
const U32 = 0xffffffff;

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

function isIdChar(c: string | undefined): boolean {
  return c !== undefined && /^[A-Za-z0-9_]$/.test(c);
}

/** A cursor over `text`, which sits at `base` in the full `input` (for errors). */
class Scanner {
  readonly input: string;
  readonly text: string;
  readonly base: number;
  pos = 0;

  constructor(input: string, text: string = input, base: number = 0) {
    this.input = input;
    this.text = text;
    this.base = base;
  }

  peek(offset: number = 0): string | undefined {
    return this.text[this.pos + offset];
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  fail(expected: string, at: number = this.pos): never {
    throw new PortNameError(this.input, this.base + at, expected);
  }

  /** Reads a decimal number in [min, max]; `what` names it in errors. */
  number(what: string, min: number, max: number): number {
    const start = this.pos;
    while (isDigit(this.peek())) this.pos++;
    if (this.pos === start) this.fail(what);
    const value = Number(this.text.slice(start, this.pos));
    if (value < min || value > max) this.fail(`${what} from ${min} to ${max}`, start);
    return value;
  }
}

// ---- name -------------------------------------------------------------------

interface NamePart {
  subsystem: "netmap" | "vale";
  name: string;
  bridge?: string;
  port?: string;
  pipe?: { parent: string; id: string; end: "master" | "slave" };
}

/** Prefix and VPNAME (with its pipe suffix): the nmreq_header part. */
function scanName(s: Scanner, c: Readonly<PortNameConstants>): NamePart {
  const t = s.text;
  let subsystem: "netmap" | "vale";
  let bridge: string | undefined;
  let nameStart: number; // where nr_name starts in t
  if (t.startsWith("netmap")) {
    subsystem = "netmap";
    s.pos = 6;
    if (s.peek() !== ":") s.fail("':' right after 'netmap' (netmap:eth0)");
    s.pos = 7;
    nameStart = 7;
  } else if (t.startsWith("vale")) {
    subsystem = "vale";
    s.pos = 4;
    while (isIdChar(s.peek())) s.pos++;
    if (s.atEnd()) s.fail("':' after the VALE switch name (vale0:port)");
    if (s.peek() !== ":") s.fail("a letter, digit, '_' or ':' in the VALE switch name");
    bridge = t.slice(0, s.pos);
    s.pos++;
    nameStart = 0;
  } else {
    s.fail("'netmap:' or 'vale' at the start (netmap:eth0, vale0:a)", 0);
  }

  const vpStart = s.pos;
  let brace = -1;
  while (!s.atEnd() && !NAME_STOP.includes(s.peek()!)) {
    const ch = s.peek()!;
    const code = ch.charCodeAt(0);
    if (code <= 0x20 || code >= 0x7f) s.fail("a printable ASCII character in the port name");
    if ((ch === "{" || ch === "}") && brace < 0) brace = s.pos;
    s.pos++;
  }
  const end = s.pos;
  if (end === vpStart) s.fail(`a port name after '${t.slice(0, vpStart)}'`, vpStart);
  if (end - nameStart > c.NETMAP_REQ_IFNAMSIZ - 1) {
    s.fail(
      `the end of the port name (nr_name holds at most ${c.NETMAP_REQ_IFNAMSIZ - 1} characters)`,
      nameStart + c.NETMAP_REQ_IFNAMSIZ - 1,
    );
  }
  const name = t.slice(nameStart, end);
  const part: NamePart = { subsystem, name };
  if (bridge !== undefined) {
    part.bridge = bridge;
    part.port = t.slice(vpStart, brace >= 0 ? brace : end);
  }
  if (brace >= 0) {
    const sep = t[brace];
    if (brace === vpStart) s.fail(`a port name before '${sep}'`, vpStart);
    if (brace + 1 === end) s.fail(`a pipe id after '${sep}'`, brace + 1);
    for (let i = brace + 1; i < end; i++) {
      if (!isIdChar(t[i])) s.fail("a letter, digit or '_' in the pipe id", i);
    }
    part.pipe = {
      parent: t.slice(nameStart, brace),
      id: t.slice(brace + 1, end),
      end: sep === "{" ? "master" : "slave",
    };
  }
  return part;
}

// ---- mode ---------------------------------------------------------------------

interface ModePart {
  mode: number;
  ringId: number;
  flags: bigint;
  memId: number;
}

/** Ring selector, `/` flags and `@N` memory ids; stops at the first `@option`. */
function scanMode(s: Scanner, c: Readonly<PortNameConstants>): ModePart {
  const out: ModePart = { mode: c.NR_REG_ALL_NIC, ringId: 0, flags: 0n, memId: 0 };
  const ringMax = c.NETMAP_RING_MASK - 1;
  let after: "name" | "selector" | "flags" | "memid" = "name";
  switch (s.peek()) {
    case "*":
      s.pos++;
      out.mode = c.NR_REG_NIC_SW;
      after = "selector";
      break;
    case "^":
      s.pos++;
      out.mode = c.NR_REG_SW;
      if (isDigit(s.peek())) {
        out.mode = c.NR_REG_ONE_SW;
        out.ringId = s.number("a host ring number after '^'", 0, ringMax);
      }
      after = "selector";
      break;
    case "-":
      s.pos++;
      out.mode = c.NR_REG_ONE_NIC;
      out.ringId = s.number("a ring number after '-'", 0, ringMax);
      after = "selector";
      break;
  }
  while (!s.atEnd()) {
    const ch = s.peek();
    if (ch === "/" && after !== "flags") {
      s.pos++;
      const start = s.pos;
      for (;;) {
        const flag = FLAG_LETTERS.find(([letter]) => letter === s.peek());
        if (!flag) break;
        out.flags |= BigInt(c[flag[1]]);
        s.pos++;
      }
      if (s.pos === start) s.fail(`a flag after '/': ${FLAG_LIST}`);
      after = "flags";
    } else if (ch === "@" && isDigit(s.peek(1))) {
      s.pos++;
      const at = s.pos;
      const id = s.number("a memory id", 1, U16);
      if (out.memId !== 0 && out.memId !== id) {
        s.fail(`memory id ${out.memId} again (a port has one memory region)`, at);
      }
      out.memId = id;
      after = "memid";
    } else if (ch === "@") {
      if (s.pos + 1 === s.text.length) s.fail("a memory id or an option name after '@'", s.pos + 1);
      break; // options start
    } else if (after === "flags") {
      s.fail(`a flag (${FLAG_LIST}), '@' or the end of the name`);
    } else if (after === "selector") {
      s.fail("'/', '@' or the end of the name after the ring selector");
    } else {
      s.fail("'/', '@' or the end of the name");
    }
  }
  return out;
}

// ---- options ------------------------------------------------------------------

type KeyKind = "u16" | "u32" | "u64" | "bits" | "path" | "port";

interface KeyDef {
  /** Key as written (with '_'). */
  key: string;
  /** Property in the spec object. */
  prop: string;
  kind: KeyKind;
}

interface OptionDef {
  keys: readonly KeyDef[];
  /** The key that `name=value` assigns; also mandatory. */
  defaultKey?: string;
}

const OPTION_DEFS: Readonly<Record<string, OptionDef>> = {
  conf: {
    keys: [
      { key: "rings", prop: "rings", kind: "u16" },
      { key: "host_rings", prop: "hostRings", kind: "u16" },
      { key: "slots", prop: "slots", kind: "u32" },
      { key: "tx_rings", prop: "txRings", kind: "u16" },
      { key: "rx_rings", prop: "rxRings", kind: "u16" },
      { key: "host_tx_rings", prop: "hostTxRings", kind: "u16" },
      { key: "host_rx_rings", prop: "hostRxRings", kind: "u16" },
      { key: "tx_slots", prop: "txSlots", kind: "u32" },
      { key: "rx_slots", prop: "rxSlots", kind: "u32" },
    ],
  },
  extmem: {
    defaultKey: "file",
    keys: [
      { key: "file", prop: "file", kind: "path" },
      { key: "if_num", prop: "ifNum", kind: "u32" },
      { key: "if_size", prop: "ifSize", kind: "u32" },
      { key: "ring_num", prop: "ringNum", kind: "u32" },
      { key: "ring_size", prop: "ringSize", kind: "u32" },
      { key: "buf_num", prop: "bufNum", kind: "u32" },
      { key: "buf_size", prop: "bufSize", kind: "u32" },
    ],
  },
  offset: {
    defaultKey: "initial",
    keys: [
      { key: "initial", prop: "initial", kind: "u64" },
      { key: "max", prop: "max", kind: "u64" },
      { key: "bits", prop: "bits", kind: "bits" },
    ],
  },
  share: {
    defaultKey: "port",
    keys: [{ key: "port", prop: "port", kind: "port" }],
  },
};
const OPTION_NAMES = "conf, extmem, offset or share";

/** One value as written, with its position in the scanner's text. */
interface RawValue {
  text: string;
  at: number;
}

/** Converts one key's text into its value, failing at its position. */
function convert(s: Scanner, k: KeyDef, v: RawValue, c: Readonly<PortNameConstants>): unknown {
  if (k.kind === "path") return v.text;
  if (k.kind === "port") {
    const sub = new Scanner(s.input, v.text, s.base + v.at);
    const part = scanName(sub, c);
    if (!sub.atEnd()) sub.fail("the end of the shared port's name (no ring, flag or memory id)");
    return part.subsystem === "netmap" ? `netmap:${part.name}` : part.name;
  }
  const max = k.kind === "u16"
    ? U16
    : k.kind === "u32"
    ? U32
    : k.kind === "bits"
    ? 64
    : Number.MAX_SAFE_INTEGER;
  if (!/^[0-9]+$/.test(v.text)) s.fail(`a decimal number for '${k.key}'`, v.at);
  const n = Number(v.text);
  if (n > max) s.fail(`a value from 0 to ${max} for '${k.key}'`, v.at);
  return n;
}

/** Splits `key=value,key=value` (at `at` in the text) into raw values by key. */
function scanKeys(
  s: Scanner,
  name: string,
  def: OptionDef,
  body: string,
  at: number,
): Map<string, RawValue> {
  const keyList = def.keys.map((k) => k.key).join(", ");
  const out = new Map<string, RawValue>();
  if (body === "") s.fail(`a key after '${name}:' (${keyList})`, at);
  let i = 0;
  for (;;) {
    const keyStart = i;
    while (i < body.length && body[i] !== "=" && body[i] !== ",") i++;
    const written = body.slice(keyStart, i);
    const key = written.replaceAll("-", "_");
    if (written === "") s.fail(`a key of @${name} (${keyList})`, at + keyStart);
    if (!def.keys.some((k) => k.key === key)) {
      s.fail(`a key of @${name} (${keyList})`, at + keyStart);
    }
    if (out.has(key)) s.fail(`each key once ('${written}' is already set)`, at + keyStart);
    if (body[i] !== "=") s.fail(`'=' after key '${written}'`, at + i);
    i++;
    const valueStart = i;
    while (i < body.length && body[i] !== ",") i++;
    out.set(key, { text: body.slice(valueStart, i), at: at + valueStart });
    if (i >= body.length) return out;
    i++; // ','
  }
}

/** All `@name...` options from the scanner's position (which is at '@'). */
function scanOptions(s: Scanner, c: Readonly<PortNameConstants>): PortSpecOptions {
  const out: Record<string, unknown> = {};
  const t = s.text;
  while (!s.atEnd()) {
    s.pos++; // '@'
    const start = s.pos;
    let end = t.indexOf("@", start);
    if (end < 0) end = t.length;
    const text = t.slice(start, end);
    if (text === "") s.fail(`an option name after '@' (${OPTION_NAMES})`);
    const m = /[:=]/.exec(text);
    const nameLen = m ? m.index : text.length;
    const name = text.slice(0, nameLen);
    const def = Object.hasOwn(OPTION_DEFS, name) ? OPTION_DEFS[name] : undefined;
    if (!def) {
      const extra = /^[0-9]/.test(name) ? "; a memory id '@N' must come before the options" : "";
      s.fail(`an option name (${OPTION_NAMES})${extra}`, start);
    }
    if (name in out) s.fail(`each option once ('@${name}' is already given)`, start);
    const delim = text[nameLen];
    const bodyAt = start + nameLen + 1;
    let raw: Map<string, RawValue>;
    if (delim === undefined) {
      s.fail(def.defaultKey ? `'=' or ':' after '${name}'` : `':' after '${name}'`, bodyAt - 1);
    } else if (delim === "=") {
      if (!def.defaultKey) {
        s.fail(`':' after '${name}' (it has no default key: ${name}:key=value)`, bodyAt - 1);
      }
      if (bodyAt === end) s.fail(`a value after '${name}='`, bodyAt);
      raw = new Map([[def.defaultKey, { text: text.slice(nameLen + 1), at: bodyAt }]]);
    } else {
      raw = scanKeys(s, name, def, text.slice(nameLen + 1), bodyAt);
    }
    const values: Record<string, unknown> = {};
    for (const k of def.keys) {
      const v = raw.get(k.key);
      if (v === undefined || v.text === "") continue; // an empty value counts as unset
      values[k.prop] = convert(s, k, v, c);
    }
    if (def.defaultKey) {
      const prop = def.keys.find((k) => k.key === def.defaultKey)!.prop;
      if (values[prop] === undefined) {
        s.fail(`a value for '${def.defaultKey}' (mandatory for @${name})`, end);
      }
    }
    if (name === "offset" && values.max !== undefined) {
      if ((values.initial as number) > (values.max as number)) {
        s.fail(`an initial offset no larger than max (${values.max})`, raw.get("initial")!.at);
      }
    }
    out[name] = name === "share" ? values.port : values;
    s.pos = end;
  }
  return out as PortSpecOptions;
}

// ---- public API ---------------------------------------------------------------

/**
 * Parses the name and mode of a port name (what libnetmap's
 * `nmreq_header_decode` and `nmreq_register_decode` do) and returns the
 * options text unparsed. Most callers want {@link parsePortName}.
 *
 * @example
 * ```ts
 * import { parsePortNameHead } from "./port_name.ts";
 * const head = parsePortNameHead("netmap:eth0/R@xxx");
 * console.log(head.spec.name, head.optionsText, head.optionsPosition); // "eth0" "@xxx" 13
 * ```
 */
export function parsePortNameHead(input: string, options: PortNameParseOptions = {}): PortNameHead {
  const c = options.constants ?? PORT_NAME_CONSTANTS;
  if (typeof input !== "string") {
    throw invalidArgument("parse port name", String(input), "the port name must be a string");
  }
  const s = new Scanner(input);
  const name = scanName(s, c);
  const mode = scanMode(s, c);
  const spec: PortSpec = { input, ...name, ...mode, options: {} };
  return { spec, optionsText: input.slice(s.pos), optionsPosition: s.pos };
}

/**
 * Parses a netmap port name into the values of nmreq_header/nmreq_register
 * and its `@` options. Nothing is opened: a bad name raises
 * {@link PortNameError} (EINVAL) naming the position and the expected token.
 *
 * @example
 * ```ts
 * import { parsePortName } from "../mod.ts";
 * const spec = parsePortName("vale0:a-1/x@conf:rings=2,tx-slots=512");
 * console.log(spec.name, spec.mode, spec.ringId, spec.flags); // "vale0:a" 4 1 2048n
 * console.log(spec.options.conf); // { rings: 2, txSlots: 512 }
 * ```
 */
export function parsePortName(input: string, options: PortNameParseOptions = {}): PortSpec {
  const c = options.constants ?? PORT_NAME_CONSTANTS;
  const head = parsePortNameHead(input, options);
  const s = new Scanner(input);
  s.pos = head.optionsPosition;
  head.spec.options = scanOptions(s, c);
  return head.spec;
}

function formatOption(
  name: string,
  value: Record<string, unknown> | undefined,
  port: string,
): string {
  if (value === undefined) return "";
  const def = OPTION_DEFS[name];
  const given = def.keys.filter((k) => value[k.prop] !== undefined);
  for (const prop of Object.keys(value)) {
    if (value[prop] !== undefined && !def.keys.some((k) => k.prop === prop)) {
      throw invalidArgument("format port name", port, `@${name} has no key '${prop}'`);
    }
  }
  if (given.length === 1 && given[0].key === def.defaultKey) {
    return `@${name}=${value[given[0].prop]}`;
  }
  if (given.length === 0) return "";
  return `@${name}:` + given.map((k) => `${k.key}=${value[k.prop]}`).join(",");
}

/**
 * Writes a spec back as a port name; `parsePortName(formatPortName(spec))`
 * gives the same spec (except `input`). The name comes from `spec.name` and
 * `spec.subsystem` (`bridge`, `port` and `pipe` are derived from it);
 * options are written in a fixed order with `_` keys. A spec that no name
 * can express (an unknown mode or flag, a ring id without a ring selector)
 * raises NetmapError EINVAL.
 *
 * @example
 * ```ts
 * import { formatPortName, parsePortName } from "../mod.ts";
 * const spec = parsePortName("netmap:eth0-2/Tx@3@conf:tx-rings=4");
 * console.log(formatPortName(spec)); // "netmap:eth0-2/xT@3@conf:tx_rings=4"
 * ```
 */
export function formatPortName(spec: PortSpec, options: PortNameParseOptions = {}): string {
  const c = options.constants ?? PORT_NAME_CONSTANTS;
  const port = spec.input ?? spec.name;
  const bad = (detail: string): never => {
    throw invalidArgument("format port name", port, detail);
  };
  let out = spec.subsystem === "netmap" ? `netmap:${spec.name}` : spec.name;
  if (spec.subsystem === "vale" && !spec.name.startsWith("vale")) {
    bad(`a vale spec's name must start with 'vale', got '${spec.name}'`);
  }
  const ringId = spec.ringId ?? 0;
  if (spec.mode === c.NR_REG_ONE_NIC) out += `-${ringId}`;
  else if (spec.mode === c.NR_REG_ONE_SW) out += `^${ringId}`;
  else if (ringId !== 0) bad(`ringId ${ringId} needs mode NR_REG_ONE_NIC or NR_REG_ONE_SW`);
  else if (spec.mode === c.NR_REG_SW) out += "^";
  else if (spec.mode === c.NR_REG_NIC_SW) out += "*";
  else if (spec.mode !== c.NR_REG_ALL_NIC) bad(`mode ${spec.mode} has no port-name form`);
  let flags = BigInt(spec.flags ?? 0n);
  let letters = "";
  for (const [letter, constant] of FLAG_LETTERS) {
    const bit = BigInt(c[constant]);
    if (flags & bit) letters += letter;
    flags &= ~bit;
  }
  if (flags !== 0n) bad(`nr_flags bits 0x${flags.toString(16)} have no port-name form`);
  if (letters) out += `/${letters}`;
  if (spec.memId) out += `@${spec.memId}`;
  const o = spec.options ?? {};
  out += formatOption("conf", o.conf as Record<string, unknown> | undefined, port);
  out += formatOption("offset", o.offset as Record<string, unknown> | undefined, port);
  out += formatOption("extmem", o.extmem as Record<string, unknown> | undefined, port);
  if (o.share !== undefined) out += `@share=${o.share}`;
  try {
    parsePortName(out, options);
  } catch (e) {
    if (e instanceof PortNameError) bad(`the spec gives an invalid name: ${e.message}`);
    throw e;
  }
  return out;
}
