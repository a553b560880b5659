/**
 * glibc's strerror(3) texts for the errnos netmap tools report, so that
 * messages such as vale-ctl's "failed to attach vale0:a: Device or resource
 * busy" read exactly as on Linux.
 *
 * @module
 */

const TEXTS: ReadonlyMap<number, string> = new Map([
  [1, "Operation not permitted"],
  [2, "No such file or directory"],
  [3, "No such process"],
  [4, "Interrupted system call"],
  [5, "Input/output error"],
  [6, "No such device or address"],
  [7, "Argument list too long"],
  [9, "Bad file descriptor"],
  [11, "Resource temporarily unavailable"],
  [12, "Cannot allocate memory"],
  [13, "Permission denied"],
  [14, "Bad address"],
  [16, "Device or resource busy"],
  [17, "File exists"],
  [19, "No such device"],
  [20, "Not a directory"],
  [22, "Invalid argument"],
  [23, "Too many open files in system"],
  [24, "Too many open files"],
  [25, "Inappropriate ioctl for device"],
  [28, "No space left on device"],
  [32, "Broken pipe"],
  [34, "Numerical result out of range"],
  [36, "File name too long"],
  [38, "Function not implemented"],
  [40, "Too many levels of symbolic links"],
  [71, "Protocol error"],
  [90, "Message too long"],
  [95, "Operation not supported"],
  [98, "Address already in use"],
  [104, "Connection reset by peer"],
  [105, "No buffer space available"],
  [107, "Transport endpoint is not connected"],
  [110, "Connection timed out"],
  [111, "Connection refused"],
  [114, "Operation already in progress"],
  [115, "Operation now in progress"],
  [125, "Operation canceled"],
]);

/**
 * The text glibc's strerror() gives for an errno value ("Unknown error N" otherwise).
 *
 * @example
 * ```ts
 * import { strerror } from "./strerror.ts";
 * console.log(strerror(16)); // "Device or resource busy"
 * ```
 */
export function strerror(errno: number): string {
  const e = Math.abs(errno);
  return TEXTS.get(e) ?? `Unknown error ${e}`;
}
