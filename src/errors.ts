/**
 * NetmapError: the one error type of nmscript. It names the operation, the
 * port, the errno (number and name), a hint saying what to do, and the
 * library's own sentence about the failure (`nms_last_error()`).
 *
 * This module has no dependencies, so every other module can import it.
 *
 * @module
 */

/** Linux errno values by name, for the errnos nmscript reports or tests. */
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
 * import { errnoName } from "./errors.ts";
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
 * import { errnoValue } from "./errors.ts";
 * console.log(errnoValue("EBUSY")); // 16
 * ```
 */
export function errnoValue(code: string): number | undefined {
  return (ERRNO as Readonly<Record<string, number>>)[code];
}

/** What a caller knows when it raises a NetmapError. */
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

/**
 * The default hint for an errno, given the operation that failed.
 *
 * @example
 * ```ts
 * import { hintFor } from "./errors.ts";
 * console.log(hintFor("EBUSY", "register"));
 * ```
 */
export function hintFor(code: string, op: string): string {
  switch (code) {
    case "ENXIO":
      return op.startsWith("vale")
        ? "no such port or interface: check the name, or create it first (vale newif / ip link)"
        : "unknown port: a NIC name must exist on this host; VALE ports are 'valeX:name'; " +
          "a persistent port needs valeNewIf() first";
    case "EBUSY":
      return "the port or its rings are in use: opened exclusively (/x) elsewhere, already " +
        "attached to a switch, or bound with incompatible offsets; close the other user first";
    case "EINVAL":
      return "a field of the request is invalid (see detail); check the port name, ring " +
        "index, mode and option values";
    case "ENOMEM":
      return "netmap hit a limit: at most 8 switches, 254 ports per switch, 16 rings and " +
        "4096 slots per ring; or the memory allocator is exhausted";
    case "EOPNOTSUPP":
      return "this port type or backend does not support the request or one of its " +
        "options (see detail; e.g. offsets on a zero-copy monitor)";
    case "ENOENT":
      return op.startsWith("vale")
        ? "no such switch or port: list them with valeList()"
        : "not found (see detail)";
    case "EEXIST":
      return "it already exists: delete it first or pick another name";
    case "EACCES":
    case "EPERM":
      return "permission denied: run as root, or the switch belongs to a kernel module";
    case "ENODEV":
      return "no /dev/netmap: load netmap.ko, or run on the userspace backend " +
        "(NMSCRIPT_BACKEND=uvale)";
    case "ENOSYS":
      return "this backend does not implement the call yet";
    case "EBADF":
      return "the port is closed: open it again with openPort()";
    case "ETIMEDOUT":
      return "nothing happened before the timeout: raise timeoutMs or check the peer";
    case "EMSGSIZE":
      return "the request with its options exceeds 4096 bytes";
    case "EIO":
      return "the port carries a virtio-net header: open it with NR_ACCEPT_VNET_HDR";
    default:
      return "";
  }
}

/**
 * A failed netmap operation.
 *
 * @example
 * ```ts
 * import { NetmapError } from "./errors.ts";
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
    const hint = init.hint ?? hintFor(code, init.op);
    const detail = init.detail ?? "";
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
