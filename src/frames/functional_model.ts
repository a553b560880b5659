/**
 * The model frame of netmap's `functional` tool, byte for byte: UDP/IPv4,
 * 10.0.0.5 → 10.0.0.7, DF, TTL 64, ports 0/0, every payload byte the fill
 * character. Old tests keep their meaning when they send or expect it.
 *
 * @module
 */
import { formatMac, type MacInput, parseMac } from "./address.ts";
import { eth, type FrameBuilder } from "./builder.ts";
import { frameError } from "./frame_error.ts";

/** The model's IPv4 source address. */
export const FUNCTIONAL_SRC_IP = "10.0.0.5";
/** The model's IPv4 destination address. */
export const FUNCTIONAL_DST_IP = "10.0.0.7";
/** Headers of the model: Ethernet 14 + IPv4 20 + UDP 8. */
export const FUNCTIONAL_HEADER_SIZE = 42;
/** The largest model frame (functional's MAX_PKT_SIZE is 65536; IP lengths stop at 65535). */
export const FUNCTIONAL_MAX_LEN = 65535;

/** What shapes a model frame. */
export interface FunctionalFrameOptions {
  /** Frame length in bytes, 1..65535 (functional's LEN). */
  len: number;
  /** Fill byte: a number, or the first byte of a string (functional's FILL); default "a". */
  fill?: number | string;
  /** Source MAC (functional's -s); default 00:00:00:00:00:00. */
  src?: MacInput;
  /** Destination MAC (functional's -d); default ff:ff:ff:ff:ff:ff. */
  dst?: MacInput;
}

/**
 * The fill byte of an event's FILL field: its first byte, NUL when empty
 * (as `functional` reads `-t LEN:FILL`).
 *
 * @param fill A number 0..255, or a string whose first byte is used.
 * @returns The fill byte.
 *
 * @example
 * ```ts
 * import { fillByte } from "./functional_model.ts";
 * console.log(fillByte("abc"), fillByte(""), fillByte(0x41)); // 97 0 65
 * ```
 */
export function fillByte(fill: number | string): number {
  if (typeof fill === "string") return new TextEncoder().encode(fill)[0] ?? 0;
  if (!Number.isInteger(fill) || fill < 0 || fill > 255) {
    throw frameError(
      "functional frame",
      `Invalid fill ${fill}: expected a byte value 0..255 or a character`,
      "pass a character such as 'a', or a number 0..255",
    );
  }
  return fill;
}

/**
 * The next fill byte with `-q` (sequential fill): 'z' wraps to 'a', 'Z' to
 * 'A', anything else goes up by one (255 wraps to 0).
 *
 * @param fill The current fill byte.
 * @returns The fill of the next frame.
 *
 * @example
 * ```ts
 * import { nextFill } from "./functional_model.ts";
 * console.log(nextFill(0x61), nextFill(0x7a), nextFill(0x5a), nextFill(0x39)); // 98 97 65 58
 * ```
 */
export function nextFill(fill: number): number {
  if (fill === 0x7a) return 0x61;
  if (fill === 0x5a) return 0x41;
  return (fill + 1) & 0xff;
}

function checkLen(len: number): void {
  if (!Number.isInteger(len) || len < 1 || len > FUNCTIONAL_MAX_LEN) {
    throw frameError(
      "functional frame",
      `Invalid LEN ${len}: expected an integer 1..${FUNCTIONAL_MAX_LEN}`,
      "functional's tests use LEN >= 50; LEN 0 is invalid",
    );
  }
}

/**
 * The model's builder: for LEN < 42 it describes the 42 header bytes with
 * wrapped length fields, of which only LEN are used.
 */
function modelBuilder(options: FunctionalFrameOptions): FrameBuilder {
  const { len } = options;
  checkLen(len);
  const fill = fillByte(options.fill ?? "a");
  const key = `${len}/${fill}/${macKey(options.src)}/${macKey(options.dst)}`;
  if (key === cache.key && cache.builder !== undefined) return cache.builder;
  const short = len < FUNCTIONAL_HEADER_SIZE;
  const builder = eth({ src: options.src, dst: options.dst })
    .ipv4({
      src: FUNCTIONAL_SRC_IP,
      dst: FUNCTIONAL_DST_IP,
      df: true,
      ttl: 64,
      // functional writes LEN-14 and LEN-34 as 16-bit fields: they wrap when LEN < 42.
      totalLength: short ? (len - 14) & 0xffff : undefined,
    })
    .udp({ srcPort: 0, dstPort: 0, length: short ? (len - 34) & 0xffff : undefined })
    .payload({ length: Math.max(0, len - FUNCTIONAL_HEADER_SIZE), fill });
  cache.key = key;
  cache.builder = builder;
  return builder;
}

/** The last model built: a TX/RX loop asks for the same model again and again. */
const cache: { key: string; builder: FrameBuilder | undefined } = { key: "", builder: undefined };

function macKey(mac: MacInput | undefined): string {
  return mac === undefined ? "" : typeof mac === "string" ? mac : formatMac(parseMac(mac));
}

/** functional stores a computed UDP checksum of 0 as 0 (the builder follows RFC 768: 0xffff). */
function zeroChecksumAsFunctional(buf: Uint8Array, offset: number): void {
  if (buf[offset + 40] === 0xff && buf[offset + 41] === 0xff) {
    buf[offset + 40] = 0;
    buf[offset + 41] = 0;
  }
}

/**
 * The model frame `functional` sends and expects for `-t/-r LEN:FILL`, with
 * its `-s`/`-d` MACs.
 *
 * For LEN < 42, functional's length fields wrap around and only the first LEN
 * bytes of the headers are used; this does the same. (At LEN 41, byte 40 — the
 * high byte of the UDP checksum — depends on memory past functional's model and
 * cannot be reproduced; we use the checksum of the 8-byte UDP header.)
 *
 * @param options len, fill, src, dst.
 * @returns A new array of exactly `len` bytes.
 *
 * @example
 * ```ts
 * import { functionalFrame } from "./functional_model.ts";
 * const f = functionalFrame({ len: 60, fill: "a" });
 * console.log(f.length, f[23], f[59]); // 60 17 97
 * ```
 */
export function functionalFrame(options: FunctionalFrameOptions): Uint8Array {
  const frame = modelBuilder(options).build();
  zeroChecksumAsFunctional(frame, 0);
  return frame.length === options.len ? frame : frame.slice(0, options.len);
}

/**
 * Writes the model frame into an existing buffer (e.g. a netmap slot)
 * without allocating a frame (except for LEN < 42).
 *
 * @param buf The destination.
 * @param offset Where the frame starts.
 * @param options len, fill, src, dst.
 * @returns The number of bytes written (`len`).
 * @throws NetmapError (ENOSPC) when the frame does not fit.
 *
 * @example
 * ```ts
 * import { functionalFrameInto } from "./functional_model.ts";
 * const buf = new Uint8Array(2048);
 * console.log(functionalFrameInto(buf, 0, { len: 60, fill: "b" })); // 60
 * ```
 */
export function functionalFrameInto(
  buf: Uint8Array,
  offset: number,
  options: FunctionalFrameOptions,
): number {
  const { len } = options;
  checkLen(len);
  if (!Number.isInteger(offset) || offset < 0 || offset + len > buf.length) {
    throw frameError(
      "functional frame",
      `Frame of ${len} bytes does not fit at offset ${offset} of a ${buf.length}-byte buffer`,
      "use a larger buffer or a smaller offset",
      "ENOSPC",
    );
  }
  if (len < FUNCTIONAL_HEADER_SIZE) {
    buf.set(functionalFrame(options), offset);
  } else {
    modelBuilder(options).buildInto(buf, offset);
    zeroChecksumAsFunctional(buf, offset);
  }
  return len;
}

/**
 * The frames of one `functional` event `LEN:FILL:NUM`: NUM copies of the
 * model, or with `sequential` (`-q`) a fill that advances after every frame.
 *
 * @param options len, fill, src, dst, plus `count` (NUM, default 1) and `sequential`.
 * @returns The frames in order.
 *
 * @example
 * ```ts
 * import { functionalFrames } from "./functional_model.ts";
 * const fs = functionalFrames({ len: 60, fill: "y", count: 3, sequential: true });
 * console.log(fs.map((f) => String.fromCharCode(f[59])).join("")); // "yza"
 * ```
 */
export function functionalFrames(
  options: FunctionalFrameOptions & { count?: number; sequential?: boolean },
): Uint8Array[] {
  const count = options.count ?? 1;
  if (!Number.isInteger(count) || count < 1) {
    throw frameError(
      "functional frame",
      `Invalid NUM ${count}: expected an integer >= 1`,
      "NUM 0 is invalid in functional",
    );
  }
  const out: Uint8Array[] = [];
  let fill = fillByte(options.fill ?? "a");
  for (let i = 0; i < count; i++) {
    out.push(functionalFrame({ ...options, fill }));
    if (options.sequential) fill = nextFill(fill);
  }
  return out;
}
