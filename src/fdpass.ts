/**
 * AF_UNIX SOCK_SEQPACKET sockets with SCM_RIGHTS fd passing (what netmap's
 * fd_server speaks). Waits (accept, connect, receive) run off the event loop
 * as non-blocking FFI calls, each with a finite timeout. A received handle
 * becomes a port with `Port.fromFd`.
 *
 * @module
 */

import { ERRNO, invalidArgument, portClosed } from "./errors.ts";
import { check, checkAsync, library, toCString } from "./ffi.ts";

/**
 * Options with a finite wait.
 *
 * @example
 * ```ts ignore
 * import { SeqpacketSocket, type TimeoutOptions } from "../mod.ts";
 * const opts: TimeoutOptions = { timeoutMs: 2000 };
 * using s = await SeqpacketSocket.connect("/tmp/fd-server.sock", opts);
 * ```
 */
export interface TimeoutOptions {
  /** How long to wait, in ms (finite, >= 0; default 1000). */
  timeoutMs?: number;
}

/**
 * Options of SeqpacketSocket.recv().
 *
 * @example
 * ```ts ignore
 * import { type RecvOptions, SeqpacketSocket } from "../mod.ts";
 * using s = await SeqpacketSocket.connect("/tmp/fd-server.sock");
 * const opts: RecvOptions = { timeoutMs: 1000, maxBytes: 4096 };
 * const { data } = await s.recv(opts);
 * ```
 */
export interface RecvOptions extends TimeoutOptions {
  /** Largest message accepted (default 4096). */
  maxBytes?: number;
}

/**
 * A received message.
 *
 * @example
 * ```ts ignore
 * import { closeFd, type Received, SeqpacketSocket } from "../mod.ts";
 * using s = await SeqpacketSocket.connect("/tmp/fd-server.sock", { timeoutMs: 1000 });
 * const msg: Received = await s.recv({ timeoutMs: 1000 });
 * if (msg.fd !== undefined) closeFd(msg.fd);
 * ```
 */
export interface Received {
  /** The bytes (empty when the peer closed). */
  data: Uint8Array;
  /** A passed fd (the receiver owns it; close it or give it to Port.fromFd), or -1. */
  fd: number;
  /** True when the peer closed the connection. */
  closed: boolean;
}

function timeoutOf(op: string, path: string, o: TimeoutOptions): number {
  const t = o.timeoutMs ?? 1000;
  if (!Number.isInteger(t) || t < 0 || t > 0x7fffffff) {
    throw invalidArgument(op, path, `timeoutMs must be an integer in 0..${0x7fffffff}, got ${t}`);
  }
  return t;
}

/**
 * Closes a file descriptor obtained from recv() (when not given to a Port).
 *
 * @example
 * ```ts ignore
 * import { closeFd } from "../mod.ts";
 * closeFd(msg.fd);
 * ```
 */
export function closeFd(fd: number): void {
  if (fd >= 0) library().nms_fd_close(fd);
}

/**
 * A connected SOCK_SEQPACKET socket.
 *
 * @example
 * ```ts ignore
 * import { SeqpacketSocket } from "../mod.ts";
 * using s = await SeqpacketSocket.connect("/tmp/netmap-fdserver", { timeoutMs: 2000 });
 * s.send(new Uint8Array(65));
 * const reply = await s.recv({ timeoutMs: 2000 });
 * ```
 */
export class SeqpacketSocket {
  /** The socket path (for messages). */
  readonly path: string;
  #fd: number;

  /**
   * Wraps a connected socket (usually made by connect() or accept()).
   *
   * @param fd A connected socket; the object owns it.
   * @param path Its path.
   */
  constructor(fd: number, path: string) {
    this.#fd = fd;
    this.path = path;
  }

  /**
   * Connects to a listening socket (waiting up to `timeoutMs` while its
   * backlog is full). No server there: ENOENT or ECONNREFUSED at once.
   *
   * @example
   * ```ts ignore
   * import { SeqpacketSocket } from "../mod.ts";
   * const s = await SeqpacketSocket.connect("/tmp/x.sock");
   * ```
   */
  static async connect(path: string, options: TimeoutOptions = {}): Promise<SeqpacketSocket> {
    const t = timeoutOf("connect", path, options);
    const r = await library().nms_seqpacket_connect(toCString(path), t);
    const why = r === -ERRNO.ENOENT || r === -ERRNO.ECONNREFUSED
      ? "no server is listening there (start it first)"
      : r === -ERRNO.ETIMEDOUT
      ? `the server did not accept within ${t} ms`
      : undefined;
    const fd = checkAsync(r, "connect", path, why);
    return new SeqpacketSocket(fd, path);
  }

  /** The socket's fd. */
  get fd(): number {
    if (this.#fd < 0) throw portClosed("socket", this.path);
    return this.#fd;
  }

  /**
   * Sends one message, with `fd` attached when given (>= 0).
   *
   * @example
   * ```ts ignore
   * s.send(new TextEncoder().encode("hello"), port.fd);
   * ```
   */
  send(data: Uint8Array, fd = -1): number {
    const copy = new Uint8Array(data);
    return check(library().nms_send_fd(this.fd, copy, BigInt(copy.length), fd), "send", this.path);
  }

  /**
   * Receives one message and a passed fd, if any.
   *
   * @example
   * ```ts ignore
   * const { data, fd } = await s.recv({ timeoutMs: 1000 });
   * ```
   */
  async recv(options: RecvOptions = {}): Promise<Received> {
    const t = timeoutOf("receive", this.path, options);
    const max = options.maxBytes ?? 4096;
    if (!Number.isInteger(max) || max < 1 || max > 1 << 20) {
      throw invalidArgument("receive", this.path, `maxBytes must be in 1..${1 << 20}`);
    }
    const buf = new Uint8Array(max);
    const fdOut = new Int32Array([-1]);
    const n = await library().nms_recv_fd(this.fd, buf, BigInt(max), fdOut, t);
    checkAsync(n, "receive", this.path);
    return { data: buf.subarray(0, n), fd: fdOut[0], closed: n === 0 && fdOut[0] < 0 };
  }

  /**
   * Closes the socket; safe to call twice.
   *
   * @example
   * ```ts ignore
   * s.close();
   * ```
   */
  close(): void {
    if (this.#fd >= 0) library().nms_fd_close(this.#fd);
    this.#fd = -1;
  }

  /** Closes the socket (for `using`). */
  [Symbol.dispose](): void {
    this.close();
  }
}

/** The inode of `path`, or null when it cannot be read. */
function inodeOf(path: string): number | null {
  try {
    return Deno.statSync(path).ino;
  } catch {
    return null;
  }
}

/**
 * A listening SOCK_SEQPACKET socket.
 *
 * @example
 * ```ts ignore
 * import { SeqpacketListener } from "../mod.ts";
 * using l = SeqpacketListener.listen("/tmp/x.sock");
 * using conn = await l.accept({ timeoutMs: 5000 });
 * ```
 */
export class SeqpacketListener {
  /** The socket path. */
  readonly path: string;
  #fd: number;
  /** Inode of the socket file this listener created (null if it could not be read). */
  #ino: number | null;

  private constructor(fd: number, path: string) {
    this.#fd = fd;
    this.path = path;
    this.#ino = inodeOf(path);
  }

  /**
   * Binds and listens at `path` (an existing socket file there is replaced).
   *
   * @example
   * ```ts ignore
   * import { SeqpacketListener } from "../mod.ts";
   * const l = SeqpacketListener.listen("/tmp/x.sock", { backlog: 2 });
   * ```
   */
  static listen(path: string, options: { backlog?: number } = {}): SeqpacketListener {
    const fd = check(
      library().nms_seqpacket_listen(toCString(path), options.backlog ?? 2),
      "listen",
      path,
    );
    return new SeqpacketListener(fd, path);
  }

  /**
   * Waits for one connection (finite timeout; ETIMEDOUT when none came).
   *
   * @example
   * ```ts ignore
   * const conn = await listener.accept({ timeoutMs: 1000 });
   * ```
   */
  async accept(options: TimeoutOptions = {}): Promise<SeqpacketSocket> {
    if (this.#fd < 0) throw portClosed("accept", this.path);
    const t = timeoutOf("accept", this.path, options);
    const fd = checkAsync(
      await library().nms_seqpacket_accept(this.#fd, t),
      "accept",
      this.path,
    );
    return new SeqpacketSocket(fd, this.path);
  }

  /**
   * Closes the listener and removes its socket file; safe to call twice.
   *
   * @example
   * ```ts ignore
   * listener.close();
   * ```
   */
  close(): void {
    if (this.#fd < 0) return;
    library().nms_fd_close(this.#fd);
    this.#fd = -1;
    // Remove the socket file only if it is still ours: a newer server may have replaced it.
    if (this.#ino === null || inodeOf(this.path) !== this.#ino) return;
    try {
      Deno.removeSync(this.path);
    } catch {
      // already gone, or no write permission: nothing to clean up here
    }
  }

  /** Closes the listener (for `using`). */
  [Symbol.dispose](): void {
    this.close();
  }
}
