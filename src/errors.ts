/**
 * NetmapError: the one error type of nmscript. It names the operation, the
 * port, the errno (number and name), a hint saying what to do, and the
 * library's own sentence about the failure (`nms_last_error()`).
 *
 * This module has no dependencies, so every other module can import it.
 *
 * @module
 */

/**
 * Linux errno values by name, for the errnos nmscript reports or tests.
 *
 * @example
 * ```ts
 * import { ERRNO } from "../mod.ts";
 * console.log(ERRNO.EBUSY); // 16
 * ```
 */
export const ERRNO = Object.freeze({
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  ENOEXEC: 8,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  ENOTDIR: 20,
  EINVAL: 22,
  ENFILE: 23,
  EMFILE: 24,
  ENOTTY: 25,
  ENOSPC: 28,
  EPIPE: 32,
  ERANGE: 34,
  ENAMETOOLONG: 36,
  ENOSYS: 38,
  ELOOP: 40,
  EPROTO: 71,
  EMSGSIZE: 90,
  EOPNOTSUPP: 95,
  EADDRINUSE: 98,
  ECONNRESET: 104,
  ENOBUFS: 105,
  ENOTCONN: 107,
  ETIMEDOUT: 110,
  ECONNREFUSED: 111,
  EALREADY: 114,
  EINPROGRESS: 115,
  ECANCELED: 125,
});

const NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(ERRNO).map(([name, value]) => [value, name]),
);

/**
 * The symbolic name of a (positive) errno value: "EINVAL"; "E<n>" when unknown.
 *
 * @example
 * ```ts
 * import { errnoName } from "../mod.ts";
 * console.log(errnoName(22)); // "EINVAL"
 * ```
 */
export function errnoName(errno: number): string {
  return NAMES.get(Math.abs(errno)) ?? `E${Math.abs(errno)}`;
}

/**
 * The errno value of a symbolic name ("EBUSY" → 16), or undefined.
 *
 * @example
 * ```ts
 * import { errnoValue } from "../mod.ts";
 * console.log(errnoValue("EBUSY")); // 16
 * ```
 */
export function errnoValue(code: string): number | undefined {
  return (ERRNO as Readonly<Record<string, number>>)[code];
}

/**
 * What a caller knows when it raises a NetmapError.
 *
 * @example
 * ```ts
 * import { ERRNO, NetmapError, type NetmapErrorInit } from "../mod.ts";
 * const init: NetmapErrorInit = { op: "open", port: "vale0:a", errno: ERRNO.EBUSY };
 * console.log(new NetmapError(init).code); // "EBUSY"
 * ```
 */
export interface NetmapErrorInit {
  /** The operation that failed: "register", "txsync", "vale attach", "open library"... */
  op: string;
  /** The port (or path) concerned; "" when none. */
  port?: string;
  /** errno value (positive or negative); 0 when the failure has no errno. */
  errno: number;
  /** errno name; derived from `errno` when omitted. */
  code?: string;
  /** What to do about it; a default hint per errno is used when omitted. */
  hint?: string;
  /** Extra facts: the library's sentence (nms_last_error), the field or option at fault. */
  detail?: string;
  /** Overrides the one-line summary (default: the errno name). */
  summary?: string;
}

/** What an errno usually means (`cause`) and what to do about it (`action`). */
interface HintParts {
  cause: string;
  action: string;
}

function hintParts(code: string, op: string): HintParts {
  const vale = op.startsWith("vale");
  switch (code) {
    case "ENXIO":
      return vale
        ? {
          cause: "no such port or interface",
          action: "check the name, or create it first " +
            "(vale newif / ip link)",
        }
        : {
          cause: "unknown port",
          action: "check the name: a NIC must exist on this host, " +
            "VALE ports are 'valeX:name', a persistent port needs valeNewIf() first",
        };
    case "EBUSY":
      return {
        cause: "the port or its rings are in use",
        action: "close the other user first (an exclusive /x open, a switch it is attached " +
          "to, or a binding with other offsets)",
      };
    case "EINVAL":
      return {
        cause: "a field of the request is invalid",
        action: "check the port name, ring index, mode and option values",
      };
    case "ENOMEM":
      return {
        cause: "netmap hit a limit or its memory allocator is exhausted",
        action: "stay within 8 switches, 254 ports per switch, 16 rings and 4096 slots per " +
          "ring, or close other ports",
      };
    case "EOPNOTSUPP":
      return {
        cause: "this port type or backend does not support the request or one of its options " +
          "(e.g. offsets on a zero-copy monitor)",
        action: "",
      };
    case "ENOENT":
      return vale
        ? { cause: "no such switch or port", action: "list them with valeList()" }
        : { cause: "not found", action: "" };
    case "EEXIST":
      return { cause: "it already exists", action: "delete it first or pick another name" };
    case "EACCES":
    case "EPERM":
      return {
        cause: "permission denied",
        action: "run as root; a switch owned by a kernel module cannot be changed from here",
      };
    case "ENODEV":
      return {
        cause: "no /dev/netmap",
        action: "load netmap.ko, or run on the userspace backend (NMSCRIPT_BACKEND=uvale)",
      };
    case "ENOSYS":
      return { cause: "this backend does not implement the call yet", action: "" };
    case "EBADF":
      return { cause: "the port is closed", action: "open it again with openPort()" };
    case "ETIMEDOUT":
      return {
        cause: "nothing happened before the timeout",
        action: "raise timeoutMs or check the peer",
      };
    case "EMSGSIZE":
      return {
        cause: "the request with its options exceeds 4096 bytes",
        action: "send fewer or smaller options",
      };
    case "EIO":
      return {
        cause: "the port carries a virtio-net header",
        action: "open it with NR_ACCEPT_VNET_HDR",
      };
    default:
      return { cause: "", action: "" };
  }
}

/**
 * The default hint for an errno, given the operation that failed. Without a
 * detail it says what the errno usually means and what to do; when the detail
 * already says what is wrong (`hasDetail`), only what to do ("" when there is
 * nothing to add). It never repeats the errno name.
 *
 * @example
 * ```ts
 * import { hintFor } from "./errors.ts";
 * console.log(hintFor("EBUSY", "register")); // "the port or its rings are in use: ..."
 * console.log(hintFor("EINVAL", "register", true)); // ""
 * ```
 */
export function hintFor(code: string, op: string, hasDetail = false): string {
  const { cause, action } = hintParts(code, op);
  if (hasDetail) {
    return code === "EINVAL" || code === "ENOENT" && !op.startsWith("vale") ? "" : action;
  }
  return cause && action ? `${cause}; ${action}` : cause || action;
}

/** One line: newlines and runs of blanks become single spaces. */
function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, " ").trim();
}

/** `detail` without a trailing " (CODE)" or "(CODE)" that would repeat the errno name. */
function withoutCode(detail: string, code: string): string {
  if (!code) return detail;
  const tail = ` (${code})`;
  return detail.endsWith(tail) ? detail.slice(0, -tail.length) : detail;
}

/**
 * A failed netmap operation.
 *
 * @example
 * ```ts
 * import { NetmapError } from "../mod.ts";
 * try {
 *   throw new NetmapError({ op: "register", port: "vale0:a", errno: 16 });
 * } catch (e) {
 *   if (e instanceof NetmapError && e.code === "EBUSY") console.log(e.hint);
 * }
 * ```
 */
export class NetmapError extends Error {
  /** The operation that failed. */
  readonly op: string;
  /** The port (or path) concerned; "" when none. */
  readonly port: string;
  /** errno value, positive; 0 when the failure has no errno. */
  readonly errno: number;
  /** errno name ("EINVAL"). */
  readonly code: string;
  /** What to do about it. */
  readonly hint: string;
  /** The library's sentence and other facts ("" when none). */
  readonly detail: string;

  /**
   * Builds the error and its one-line message.
   *
   * @param init What failed, where, and why.
   */
  constructor(init: NetmapErrorInit) {
    const errno = Math.abs(init.errno);
    const code = init.code ?? (errno === 0 ? "" : errnoName(errno));
    const detail = oneLine(withoutCode(init.detail ?? "", code));
    const hint = oneLine(init.hint ?? hintFor(code, init.op, detail !== ""));
    const where = init.port ? `${init.op} ${init.port}` : init.op;
    const summary = init.summary ?? code;
    let message = `${where}: ${summary}`;
    if (detail) message += ` — ${detail}`;
    if (hint) message += ` (hint: ${hint})`;
    super(message);
    this.name = "NetmapError";
    this.op = init.op;
    this.port = init.port ?? "";
    this.errno = errno;
    this.code = code;
    this.hint = hint;
    this.detail = detail;
  }
}

/**
 * A NetmapError for a wrong argument caught before any system call (EINVAL).
 *
 * @example
 * ```ts
 * import { invalidArgument } from "./errors.ts";
 * const e = invalidArgument("open", "vale0:a", "options.extraBuffers must be >= 0, got -1");
 * console.log(e.code); // "EINVAL"
 * ```
 */
export function invalidArgument(op: string, port: string, detail: string): NetmapError {
  return new NetmapError({
    op,
    port,
    errno: ERRNO.EINVAL,
    detail,
    hint: "fix the argument named above; nothing was sent to netmap",
  });
}

/**
 * The error for any use of a closed port or of a ring of a closed port (EBADF).
 *
 * @example
 * ```ts
 * import { portClosed } from "./errors.ts";
 * console.log(portClosed("txsync", "vale0:a").message);
 * ```
 */
export function portClosed(op: string, port: string): NetmapError {
  return new NetmapError({
    op,
    port,
    errno: ERRNO.EBADF,
    summary: "port is closed",
    hint: "the port was closed (close() or the end of a `using` block); open it again",
  });
}
