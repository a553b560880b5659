/**
 * The one way frames/ reports bad input: a {@link NetmapError} with errno
 * EINVAL (or EMSGSIZE for frames that are too large), a sentence saying what
 * was wrong, and a hint saying what to do.
 *
 * @module
 */
import { ERRNO, NetmapError } from "../errors.ts";

/**
 * Builds the error thrown for bad frame input.
 *
 * @param op What was being done: "parse MAC", "build frame", "read pcap"...
 * @param summary What was wrong, in one sentence.
 * @param hint What to do about it.
 * @param code errno name; "EINVAL" unless told.
 * @returns The error, ready to throw.
 *
 * @example
 * ```ts
 * import { frameError } from "./frame_error.ts";
 * const e = frameError("parse MAC", "Invalid MAC 'x'", "write it as aa:bb:cc:dd:ee:ff");
 * console.log(e.code); // "EINVAL"
 * ```
 */
export function frameError(
  op: string,
  summary: string,
  hint: string,
  code: "EINVAL" | "EMSGSIZE" | "ENOSPC" = "EINVAL",
): NetmapError {
  return new NetmapError({ op, errno: ERRNO[code], code, summary, hint });
}
