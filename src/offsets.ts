/**
 * Offsets (NETMAP_REQ_OPT_OFFSETS): the option that asks netmap to keep a
 * per-slot offset in the low bits of `slot.ptr`, the checks made before the
 * kernel sees a request, and the checks `Ring.setOffset` makes per slot.
 *
 * The offset of an RX slot is where the script asks netmap to put the next frame; netmap may
 * put it elsewhere and then writes the offset it used back into the slot, so read it again
 * (`Ring.offset(i)`, or `Ring.frame(i)`, which applies it) after each receive:
 *
 * - **VALE** (kernel and uvale alike) keeps the sender's alignment within a 64-byte line, for a
 *   fast copy: with the receiver's offset `o` and the sender's data address `s`, the frame goes
 *   to `o' = (o rounded down to 64) + (s mod 64)`, plus 64 when `o mod 64 < s mod 64`. So
 *   `o' >= o` holds only for multiples of 64: a receiver asking for 100 from a sender at
 *   offset 0 gets its frame at 64. A frame that does not fit behind `o'` arrives empty.
 * - **Pipes** hand over the sender's slot, offset included (the larger of the two offsets
 *   is written back).
 * - **Copy monitors** copy to the monitor slot's own offset.
 *
 * @example The receiver's offset after a VALE forward
 * ```ts ignore
 * import { openPort } from "../mod.ts";
 * using a = openPort("vale0:a", { offsets: { max: 256 } });
 * using b = openPort("vale0:b", { offsets: { max: 256 } });
 * const rx = b.rxRings[0];
 * for (let i = 0; i < rx.numSlots; i++) rx.setOffset(i, 100); // asks for 100
 * const tx = a.txRings[0];
 * tx.reserve(1);
 * tx.setOffset(tx.slot(0), 0); // the sender's data is 64-byte aligned
 * tx.write(tx.slot(0), new Uint8Array(60).fill(0xff));
 * tx.submit(1);
 * a.txsync();
 * if (await b.ready("rx", { timeoutMs: 1000 }) && rx.peek(1) === 1) {
 *   console.log(rx.offset(rx.slot(0))); // 64: VALE kept the sender's alignment
 *   rx.release(1);
 * }
 * ```
 *
 * @module
 */

import { invalidArgument, type NetmapError } from "./errors.ts";
import { newOption, type RequestOption } from "./request.ts";

/**
 * What `openPort(name, { offsets })` accepts.
 *
 * @example
 * ```ts ignore
 * import { openPort, type OffsetsOptions } from "../mod.ts";
 * const offsets: OffsetsOptions = { initial: 64, max: 128 };
 * using p = openPort("vale0:a", { offsets });
 * ```
 */
export interface OffsetsOptions {
  /** Offset written into every slot at registration (default 0). */
  initial?: number;
  /** Largest offset the script will use (default: `initial`). At most the buffer size. */
  max?: number;
  /** How many low bits of `slot.ptr` hold the offset; 0 or 64 = all (default 0). */
  bits?: number;
  /** Minimum gap between offset and the end of the buffer (default 0 = buffer size). */
  minGap?: number;
}

/** Offsets options after defaults and checks. */
export interface ResolvedOffsets {
  /** Initial offset of every slot. */
  initial: number;
  /** Maximum offset requested. */
  max: number;
  /** Offset bits (0..64). */
  bits: number;
  /** Minimum gap. */
  minGap: number;
}

const KEYS = new Set(["initial", "max", "bits", "minGap"]);

function checkInt(port: string, what: string, v: unknown, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > max) {
    throw invalidArgument(
      "open",
      port,
      `options.offsets.${what} must be an integer in 0..${max}, got ${String(v)}`,
    );
  }
  return v;
}

/**
 * Checks offsets options and fills defaults; throws NetmapError(EINVAL) for
 * unknown keys, bits > 64, initial > max, or a max that does not fit the bits.
 *
 * @example
 * ```ts
 * import { resolveOffsets } from "./offsets.ts";
 * console.log(resolveOffsets("vale0:a", { initial: 64 })); // max 64, bits 0
 * ```
 */
export function resolveOffsets(port: string, opts: OffsetsOptions): ResolvedOffsets {
  if (typeof opts !== "object" || opts === null) {
    throw invalidArgument("open", port, "options.offsets must be an object {initial, max, bits}");
  }
  for (const k of Object.keys(opts)) {
    if (!KEYS.has(k)) {
      throw invalidArgument(
        "open",
        port,
        `unknown key options.offsets.${k} (known: ${[...KEYS].join(", ")})`,
      );
    }
  }
  const initial = checkInt(port, "initial", opts.initial ?? 0, Number.MAX_SAFE_INTEGER);
  const max = checkInt(port, "max", opts.max ?? initial, Number.MAX_SAFE_INTEGER);
  const bits = checkInt(port, "bits", opts.bits ?? 0, 64);
  const minGap = checkInt(port, "minGap", opts.minGap ?? 0, Number.MAX_SAFE_INTEGER);
  if (initial > max) {
    throw invalidArgument(
      "open",
      port,
      `options.offsets.initial (${initial}) is larger than options.offsets.max (${max})`,
    );
  }
  if (BigInt(max) > maskFromBits(bits)) {
    throw invalidArgument(
      "open",
      port,
      `options.offsets.max (${max}) does not fit in ${bits} bits (mask ${maskFromBits(bits)})`,
    );
  }
  return { initial, max, bits, minGap };
}

/**
 * The offset mask netmap uses for `bits` (0 and 64 mean all 64 bits).
 *
 * @example
 * ```ts
 * import { maskFromBits } from "./offsets.ts";
 * console.log(maskFromBits(12)); // 4095n
 * ```
 */
export function maskFromBits(bits: number): bigint {
  if (bits === 0 || bits >= 64) return (1n << 64n) - 1n;
  return (1n << BigInt(bits)) - 1n;
}

/**
 * The NETMAP_REQ_OPT_OFFSETS option for a register request.
 *
 * @example
 * ```ts ignore
 * import { offsetsOption } from "./offsets.ts";
 * const opt = offsetsOption({ initial: 0, max: 256, bits: 16, minGap: 0 });
 * ```
 */
export function offsetsOption(o: ResolvedOffsets): RequestOption {
  const opt = newOption("offsets", "nmreq_opt_offsets", "NETMAP_REQ_OPT_OFFSETS");
  opt.struct
    .set("nro_offset_bits", o.bits)
    .set("nro_initial_offset", o.initial)
    .set("nro_max_offset", o.max)
    .set("nro_min_gap", o.minGap);
  return opt;
}

/**
 * The error for an offset a ring cannot take: larger than the ring's maximum,
 * outside the offset mask, or on a ring registered without offsets.
 *
 * @example
 * ```ts
 * import { offsetError } from "./offsets.ts";
 * console.log(offsetError("vale0:a", 4096, 256, 65535).message);
 * ```
 */
export function offsetError(port: string, value: number, max: number, mask: number): NetmapError {
  let detail: string;
  if (mask === 0) {
    detail = `offset ${value} on a ring registered without offsets; ` +
      "open the port with options.offsets";
  } else if (!Number.isInteger(value) || value < 0) {
    detail = `offset must be a non-negative integer, got ${value}`;
  } else if (value > max) {
    detail = `offset ${value} is larger than the ring's maximum offset ${max}`;
  } else {
    detail = `offset ${value} does not fit the ring's offset mask ${mask}`;
  }
  return invalidArgument("set offset", port, detail);
}
