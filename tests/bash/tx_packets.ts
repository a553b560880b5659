/**
 * Our stand-ins for netmap's `get_max_tx_packets` and `get_avail_tx_packets` (utils/*.c), which
 * netmap's test 008 calls: open IF directly and print, summed over its TX rings, how many frames
 * of LEN bytes fit in a whole ring (max: (num_slots - 1) / slots per frame) or in the free slots
 * now (avail: space / slots per frame). Without LEN a frame takes one slot (and max is the
 * space minus one, as in the C tools). Prints the number alone, or `-1` with exit 1 on any
 * error, like the C tools, which also print no error message.
 *
 * @example
 * ```sh
 * deno run -P=tools tests/bash/tx_packets.ts avail 'netmap:pipeA}1' 274   # prints 1020
 * ```
 *
 * @module
 */
import { openPort } from "../../mod.ts";

/** What to count: frames that fit in a whole ring, or in its free slots now. */
export type TxCount = "max" | "avail";

/**
 * Frames of `len` bytes (0: one slot each) that fit in the TX rings of `name`.
 *
 * @example
 * ```ts ignore
 * console.log(txPackets("avail", "netmap:pipeA}1", 274));
 * ```
 */
export function txPackets(what: TxCount, name: string, len: number): number {
  using port = openPort(name);
  let total = 0;
  for (const ring of port.txRings) {
    const perFrame = len === 0 ? 1 : Math.ceil(len / ring.bufSize);
    if (what === "max") {
      total += len === 0 ? ring.space() - 1 : Math.floor((ring.numSlots - 1) / perFrame);
    } else {
      total += Math.floor(ring.space() / perFrame);
    }
  }
  return total;
}

function main(args: string[]): number {
  const [what, name, lenText] = args;
  const len = lenText === undefined ? 0 : Number(lenText);
  const ok = (what === "max" || what === "avail") && name !== undefined && args.length <= 3 &&
    Number.isInteger(len) && len >= 0 && (lenText === undefined || len > 0);
  if (!ok) {
    console.log("-1");
    return 1;
  }
  try {
    console.log(String(txPackets(what, name, len)));
    return 0;
  } catch {
    console.log("-1");
    return 1;
  }
}

if (import.meta.main) Deno.exit(main(Deno.args));
