/**
 * A TypeScript client of the fd server (scripts/fd-server.ts, or netmap's own
 * fd_server): it speaks the fd_server protocol on an AF_UNIX SOCK_SEQPACKET
 * socket (default `/tmp/netmap-fdserver`, or `$NMSCRIPT_FD_SERVER_SOCKET`).
 *
 * - `get(name)` asks for a port the server keeps open and returns it as a
 *   {@linkcode Port} over the received descriptor; closing that Port only
 *   closes this process's copy, the server keeps the port (and its ring state).
 * - `release(name)`, `close(name)` and `stop()` get no reply in the protocol:
 *   the client waits until the server closes the connection, which it does
 *   once the request is done (with our server: ports closed, socket removed).
 * - `startFdServer()` runs our server as a child process for a test or a
 *   script and returns an AsyncDisposable that stops it.
 * - `legacy: true` speaks to fd_server-legacy instead (socket
 *   /tmp/netmap-fdserver-legacy, reply `{int32 result; struct nmreq req}`);
 *   `getGrant()` then also returns the legacy request, whose `nr_flags`
 *   choose the rings functional-legacy uses.
 *
 * Errors are NetmapErrors: `fd server connect` with ENOENT (no socket file:
 * no server) or ECONNREFUSED (a stale socket file: its server died), and
 * `fd server get` with the server's errno (EBUSY: another client holds the
 * name, or the server's own open of another name of the same port conflicts,
 * e.g. an exclusive `/x` one; ENOMEM: 128 ports open; EOPNOTSUPP:
 * `@offset`/`@extmem` names).
 *
 * @example
 * ```ts ignore
 * import { fdServer, startFdServer } from "../mod.ts";
 * await using srv = await startFdServer({ socket: "/tmp/my-fds.sock" });
 * const fds = fdServer({ socket: srv.socket });
 * using port = await fds.get("vale0:a");
 * console.log(port.rxRings.length);
 * await fds.release("vale0:a");
 * ```
 *
 * @module
 */

import { ERRNO, NetmapError } from "./errors.ts";
import { closeFd, SeqpacketSocket } from "./fdpass.ts";
import { Port } from "./port.ts";
import { sleep, TIMED_OUT, within } from "./timer.ts";
import {
  decodeFdLegacyResponse,
  decodeFdResponse,
  encodeFdRequest,
  FD_CLOSE,
  FD_GET,
  FD_NAME_SIZE,
  FD_RELEASE,
  FD_RESPONSE_SIZE,
  FD_STOP,
  fdLegacyResponseSize,
} from "./cli/fd_protocol.ts";
import { registerFromLegacy } from "./cli/legacy_nmreq.ts";
import { fdServerSocket } from "./cli/fd_server_args.ts";

/**
 * Options of {@linkcode fdServer}.
 *
 * @example
 * ```ts ignore
 * import { fdServer, type FdServerOptions } from "../mod.ts";
 * const opts: FdServerOptions = { socket: "/tmp/my-fd-server.sock", replyTimeoutMs: 2000 };
 * using port = await fdServer(opts).get("vale0:a");
 * ```
 */
export interface FdServerOptions {
  /** The server's socket (default: `$NMSCRIPT_FD_SERVER_SOCKET` or /tmp/netmap-fdserver). */
  socket?: string;
  /** How long to keep retrying (every 100 ms) while no server listens, in ms (default 1000). */
  connectTimeoutMs?: number;
  /** How long to wait for the server's reply or its close, in ms (default 5000). */
  replyTimeoutMs?: number;
  /**
   * Speak to fd_server-legacy: its reply layout, and its socket by default
   * (`$NMSCRIPT_FD_SERVER_LEGACY_SOCKET`, or /tmp/netmap-fdserver-legacy).
   */
  legacy?: boolean;
}

/**
 * What FD_GET gave: the port, and with a legacy server the legacy request.
 *
 * @example
 * ```ts ignore
 * import { type FdGrant, fdServer } from "../mod.ts";
 * const grant: FdGrant = await fdServer().getGrant("vale0:a");
 * using port = grant.port;
 * ```
 */
export interface FdGrant {
  /** The port over the received descriptor. */
  port: Port;
  /** Legacy servers only: the legacy `struct nmreq` of the reply (60 bytes). */
  legacyRequest?: Uint8Array<ArrayBuffer>;
}

const RETRY_MS = 100;
const MAX_MS = 0x7fffffff;

function msOption(
  op: string,
  socket: string,
  what: string,
  v: number | undefined,
  d: number,
): number {
  const t = v ?? d;
  if (!Number.isInteger(t) || t < 0 || t > MAX_MS) {
    throw new NetmapError({
      op,
      port: socket,
      errno: ERRNO.EINVAL,
      detail: `${what} must be an integer in 0..${MAX_MS} ms, got ${t}`,
    });
  }
  return t;
}

/**
 * The error for an fd server that cannot be reached: names the socket and
 * tells a missing socket (ENOENT) from a stale one (ECONNREFUSED).
 *
 * @example
 * ```ts
 * import { unreachableServer } from "./fd_server_client.ts";
 * console.log(unreachableServer("/tmp/netmap-fdserver", 2).message);
 * ```
 */
export function unreachableServer(socket: string, errno: number): NetmapError {
  if (errno === ERRNO.ENOENT) {
    return new NetmapError({
      op: "fd server connect",
      port: socket,
      errno,
      summary: "ENOENT: no fd server (the socket does not exist)",
      hint: 'start one with "fd_server" or "functional -o" (NMSCRIPT_FD_SERVER_SOCKET ' +
        "selects another socket)",
    });
  }
  if (errno === ERRNO.ECONNREFUSED) {
    return new NetmapError({
      op: "fd server connect",
      port: socket,
      errno,
      summary: "ECONNREFUSED: stale socket (the file exists but no server listens on it)",
      hint: 'its server died without cleaning up; start a new one ("fd_server" or ' +
        '"functional -o"): it replaces the stale socket',
    });
  }
  return new NetmapError({ op: "fd server connect", port: socket, errno });
}

function hintForGet(errno: number): string | undefined {
  switch (errno) {
    case ERRNO.EBUSY:
      // The reply carries no reason: name both causes; the server's log says which one.
      return "either another client holds this name (free again once it sends FD_RELEASE: " +
        "functional does at exit, fdServer().release(name)), or the server's own open of " +
        "another name for the same port conflicts (e.g. it holds 'pipeA{1/x' exclusively: " +
        "FD_CLOSE that name, functional -c or fdServer().close(name)); the server's log says which";
    case ERRNO.ENOMEM:
      return "the server holds 128 ports; free some with FD_CLOSE (fdServer().close(name))";
    case ERRNO.EOPNOTSUPP:
      return "the fd server cannot hand out ports opened with @offset or @extmem options; " +
        "open such a port directly (functional -I, openPort())";
    default:
      return undefined;
  }
}

/**
 * A client of one fd server (see {@linkcode fdServer}).
 *
 * @example
 * ```ts ignore
 * import { FdServerClient } from "../mod.ts";
 * const fds = new FdServerClient({ socket: "/tmp/my-fds.sock" });
 * await fds.stop();
 * ```
 */
export class FdServerClient {
  /** The server's socket path. */
  readonly socket: string;
  /** Connect retry budget (ms). */
  readonly connectTimeoutMs: number;
  /** Reply wait (ms). */
  readonly replyTimeoutMs: number;
  /** True for fd_server-legacy. */
  readonly legacy: boolean;

  /**
   * Checks the options (nothing is connected yet).
   *
   * @param options Socket path and timeouts.
   */
  constructor(options: FdServerOptions = {}) {
    this.legacy = options.legacy ?? false;
    this.socket = options.socket ?? fdServerSocket({ legacy: this.legacy });
    this.connectTimeoutMs = msOption(
      "fd server",
      this.socket,
      "connectTimeoutMs",
      options.connectTimeoutMs,
      1000,
    );
    this.replyTimeoutMs = msOption(
      "fd server",
      this.socket,
      "replyTimeoutMs",
      options.replyTimeoutMs,
      5000,
    );
  }

  /**
   * Connects, retrying every 100 ms for up to `connectTimeoutMs` while no
   * server listens (ENOENT, ECONNREFUSED).
   *
   * @example
   * ```ts ignore
   * import { fdServer } from "../mod.ts";
   * using sock = await fdServer().connect();
   * ```
   */
  async connect(): Promise<SeqpacketSocket> {
    const deadline = Date.now() + this.connectTimeoutMs;
    for (;;) {
      try {
        return await SeqpacketSocket.connect(this.socket, { timeoutMs: RETRY_MS });
      } catch (e) {
        if (!(e instanceof NetmapError)) throw e;
        const retry = e.errno === ERRNO.ENOENT || e.errno === ERRNO.ECONNREFUSED ||
          e.errno === ERRNO.ETIMEDOUT;
        if (!retry || Date.now() >= deadline) throw unreachableServer(this.socket, e.errno);
        await sleep(Math.min(RETRY_MS, Math.max(1, deadline - Date.now())));
      }
    }
  }

  /**
   * FD_GET: the server opens the port (or reuses the one it holds) and passes
   * its descriptor; the result is a Port over it, with the ring state the
   * server's copy has. Release it with {@linkcode FdServerClient.release}.
   *
   * @example
   * ```ts ignore
   * import { fdServer } from "../mod.ts";
   * using port = await fdServer().get("vale0:a");
   * ```
   */
  async get(name: string): Promise<Port> {
    return (await this.getGrant(name)).port;
  }

  /**
   * FD_GET, as {@linkcode FdServerClient.get}, also returning the legacy
   * request when this client speaks to fd_server-legacy.
   *
   * @example
   * ```ts ignore
   * import { fdServer } from "../mod.ts";
   * const { port, legacyRequest } = await fdServer({ legacy: true }).getGrant("vale0:a");
   * ```
   */
  async getGrant(name: string): Promise<FdGrant> {
    checkName("fd server get", name);
    using sock = await this.connect();
    sock.send(encodeFdRequest({ action: FD_GET, name }));
    const msg = await sock.recv({ timeoutMs: this.replyTimeoutMs, maxBytes: 4096 });
    const res = this.#decode(msg.data);
    const size = this.legacy ? fdLegacyResponseSize() : FD_RESPONSE_SIZE;
    if (res === undefined || res.result !== 0 || msg.fd < 0) {
      closeFd(msg.fd);
      if (res !== undefined && res.result !== 0) {
        throw new NetmapError({
          op: "fd server get",
          port: name,
          errno: res.result,
          hint: hintForGet(res.result),
        });
      }
      throw new NetmapError({
        op: "fd server get",
        port: name,
        errno: ERRNO.EPROTO,
        detail: msg.closed
          ? "the server closed the connection without a reply"
          : res === undefined
          ? `short reply (${msg.data.length} of ${size} bytes)`
          : "the reply says success but carries no descriptor",
        hint: "is this an fd server? check the socket path",
      });
    }
    try {
      return { port: Port.fromFd(msg.fd, { name, register: res.register }), ...res.extra };
    } catch (e) {
      closeFd(msg.fd);
      throw e;
    }
  }

  /** The reply in this server's layout: result, the nmreq_register body, the legacy request. */
  #decode(bytes: Uint8Array):
    | { result: number; register: Uint8Array; extra: Omit<FdGrant, "port"> }
    | undefined {
    if (!this.legacy) {
      const r = decodeFdResponse(bytes);
      return r && { result: r.result, register: r.register, extra: {} };
    }
    const r = decodeFdLegacyResponse(bytes);
    if (r === undefined) return undefined;
    const register = r.result === 0 ? registerFromLegacy(r.request) : new Uint8Array(0);
    return { result: r.result, register, extra: { legacyRequest: r.request } };
  }

  /**
   * FD_RELEASE: this client is done with the port; the server keeps it open
   * (ring state included) for the next FD_GET.
   *
   * @example
   * ```ts ignore
   * import { fdServer } from "../mod.ts";
   * await fdServer().release("vale0:a");
   * ```
   */
  async release(name: string): Promise<void> {
    checkName("fd server release", name);
    await this.#oneWay(FD_RELEASE, name, "fd server release");
  }

  /**
   * FD_CLOSE: the server closes the port (an ephemeral VALE port disappears).
   *
   * @example
   * ```ts ignore
   * import { fdServer } from "../mod.ts";
   * await fdServer().close("vale0:a");
   * ```
   */
  async close(name: string): Promise<void> {
    checkName("fd server close", name);
    await this.#oneWay(FD_CLOSE, name, "fd server close");
  }

  /**
   * FD_STOP: the server closes every port it holds and exits. Resolves true
   * once it has, false when no server was listening (as `functional -c`).
   *
   * @example
   * ```ts ignore
   * import { fdServer } from "../mod.ts";
   * const stopped = await fdServer().stop();
   * ```
   */
  async stop(): Promise<boolean> {
    try {
      await this.#oneWay(FD_STOP, "", "fd server stop");
    } catch (e) {
      if (
        e instanceof NetmapError && e.op === "fd server connect" &&
        (e.errno === ERRNO.ENOENT || e.errno === ERRNO.ECONNREFUSED)
      ) return false;
      throw e;
    }
    return true;
  }

  /** Sends a request that has no reply and waits until the server closes the connection. */
  async #oneWay(action: number, name: string, op: string): Promise<void> {
    using sock = await this.connect();
    sock.send(encodeFdRequest({ action, name }));
    const deadline = Date.now() + this.replyTimeoutMs;
    for (;;) {
      let msg;
      try {
        msg = await sock.recv({ timeoutMs: Math.max(0, deadline - Date.now()) });
      } catch (e) {
        if (e instanceof NetmapError && e.errno === ERRNO.ECONNRESET) return;
        if (e instanceof NetmapError && e.errno === ERRNO.ETIMEDOUT) {
          throw new NetmapError({
            op,
            port: name || this.socket,
            errno: ERRNO.ETIMEDOUT,
            detail: `the server did not finish the request within ${this.replyTimeoutMs} ms`,
          });
        }
        throw e;
      }
      closeFd(msg.fd);
      if (msg.closed) return;
    }
  }
}

function checkName(op: string, name: string): void {
  const bytes = new TextEncoder().encode(name).length;
  if (typeof name !== "string" || bytes === 0 || bytes >= FD_NAME_SIZE || name.includes("\0")) {
    throw new NetmapError({
      op,
      port: name,
      errno: ERRNO.EINVAL,
      detail: `a port name must be 1..${FD_NAME_SIZE - 1} bytes without NUL, got ${bytes}`,
    });
  }
}

/**
 * A client of the fd server at `options.socket` (default
 * `$NMSCRIPT_FD_SERVER_SOCKET` or /tmp/netmap-fdserver). Nothing is
 * connected until a request is made; every request uses its own connection.
 *
 * @example
 * ```ts ignore
 * import { fdServer } from "../mod.ts";
 * const fds = fdServer({ socket: "/tmp/my-fds.sock" });
 * using a = await fds.get("vale0:a");
 * await fds.release("vale0:a");
 * await fds.close("vale0:a");
 * await fds.stop();
 * ```
 */
export function fdServer(options: FdServerOptions = {}): FdServerClient {
  return new FdServerClient(options);
}

/**
 * Options of {@linkcode startFdServer}.
 *
 * @example
 * ```ts ignore
 * import { startFdServer, type StartFdServerOptions } from "../mod.ts";
 * const opts: StartFdServerOptions = { socket: "/tmp/my-fd-server.sock", readyTimeoutMs: 3000 };
 * await using server = await startFdServer(opts);
 * ```
 */
export interface StartFdServerOptions {
  /** The socket to serve (default: `$NMSCRIPT_FD_SERVER_SOCKET` or /tmp/netmap-fdserver). */
  socket?: string;
  /** A file that gets the server's messages (default: they are discarded). */
  log?: string;
  /** How long to wait until the server answers, in ms (default 10000). */
  readyTimeoutMs?: number;
  /** Run fd_server-legacy (`fd-server.ts --legacy`; default socket /tmp/netmap-fdserver-legacy). */
  legacy?: boolean;
}

/**
 * A server started by {@linkcode startFdServer}; disposing it stops it.
 *
 * @example
 * ```ts ignore
 * import { type RunningFdServer, startFdServer } from "../mod.ts";
 * await using server: RunningFdServer = await startFdServer();
 * console.log(server.pid, server.socket);
 * using port = await server.client.get("vale0:a");
 * ```
 */
export interface RunningFdServer extends AsyncDisposable {
  /** The socket it serves (absolute path). */
  readonly socket: string;
  /** The server's process id. */
  readonly pid: number;
  /** A client of this server. */
  readonly client: FdServerClient;
  /**
   * Stops the server (FD_STOP; SIGTERM then SIGKILL if it does not exit in
   * time) and resolves with its exit status. Safe to call twice.
   */
  stop(): Promise<number>;
}

function absolute(path: string): string {
  return path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
}

function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf("/")) || "/";
}

/** Resolves true when `p` settles within `ms`, false otherwise (no timer left behind). */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  return (await within(p, ms)) !== TIMED_OUT;
}

async function refuseLive(socket: string): Promise<void> {
  let live = false;
  try {
    (await new FdServerClient({ socket, connectTimeoutMs: 0 }).connect()).close();
    live = true;
  } catch (e) {
    const gone = e instanceof NetmapError &&
      (e.errno === ERRNO.ENOENT || e.errno === ERRNO.ECONNREFUSED);
    if (!gone) throw e;
  }
  if (live) {
    throw new NetmapError({
      op: "fd server start",
      port: socket,
      errno: ERRNO.EADDRINUSE,
      detail: "another fd server already listens on this socket",
      hint: "stop it first (fdServer().stop() or functional -c), or choose another socket",
    });
  }
}

/**
 * Starts scripts/fd-server.ts (`deno run -P=tools ... fd-server.ts -f`) as a
 * child process serving `options.socket`, and resolves once it answers.
 * Needs run permission for Deno.execPath() (the `test` and `tools`
 * permission sets have it) and a local checkout (it runs the script and
 * its deno.json). A live server on the socket is refused (EADDRINUSE); a
 * stale socket file is replaced. `await using` stops it at scope end.
 *
 * @example
 * ```ts ignore
 * import { startFdServer } from "../mod.ts";
 * await using srv = await startFdServer({ socket: "/tmp/my-fds.sock" });
 * using port = await srv.client.get("vale0:a");
 * ```
 */
export async function startFdServer(options: StartFdServerOptions = {}): Promise<RunningFdServer> {
  const legacy = options.legacy ?? false;
  const socket = absolute(options.socket ?? fdServerSocket({ legacy }));
  const readyMs = msOption(
    "fd server start",
    socket,
    "readyTimeoutMs",
    options.readyTimeoutMs,
    10_000,
  );
  const script = new URL("../scripts/fd-server.ts", import.meta.url);
  const config = new URL("../deno.json", import.meta.url);
  if (script.protocol !== "file:") {
    throw new NetmapError({
      op: "fd server start",
      port: socket,
      errno: ERRNO.EOPNOTSUPP,
      detail: `startFdServer() runs scripts/fd-server.ts from a local checkout, not ${script}`,
      hint: "clone the repository, or run fd-server.ts yourself",
    });
  }
  await refuseLive(socket);
  const log = options.log === undefined ? undefined : absolute(options.log);
  const writable = [dirOf(socket), ...(log ? [dirOf(log)] : [])];
  const env: Record<string, string> = legacy
    ? { NMSCRIPT_FD_SERVER_LEGACY_SOCKET: socket }
    : { NMSCRIPT_FD_SERVER_SOCKET: socket };
  if (log) env.NMSCRIPT_FD_SERVER_LOG = log;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-q",
      "--config",
      config.pathname,
      "-P=tools",
      `--allow-write=${writable.join(",")}`,
      script.pathname,
      "-f",
      ...(legacy ? ["--legacy"] : []),
    ],
    env,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let errText = "";
  const drained = (async (): Promise<void> => {
    const dec = new TextDecoder();
    for await (const chunk of child.stderr) {
      errText = (errText + dec.decode(chunk, { stream: true })).slice(-4096);
    }
  })().catch(() => {});
  let exited: Deno.CommandStatus | undefined;
  const status = child.status.then((s) => exited = s);
  const client = new FdServerClient({ socket, legacy });

  const deadline = Date.now() + readyMs;
  for (;;) {
    if (exited !== undefined) {
      await drained;
      throw new NetmapError({
        op: "fd server start",
        port: socket,
        errno: 0,
        summary: `the server exited with status ${exited.code} at startup`,
        detail: errText.trim().split("\n").at(-1) ?? "",
      });
    }
    try {
      (await SeqpacketSocket.connect(socket, { timeoutMs: RETRY_MS })).close();
      break;
    } catch {
      // not listening yet
    }
    if (Date.now() >= deadline) {
      child.kill("SIGKILL");
      await status;
      await drained;
      throw new NetmapError({
        op: "fd server start",
        port: socket,
        errno: ERRNO.ETIMEDOUT,
        detail: `the server did not answer within ${readyMs} ms; it was killed. ${errText.trim()}`,
      });
    }
    await sleep(50);
  }

  let stopping: Promise<number> | undefined;
  const stop = (): Promise<number> => {
    stopping ??= (async (): Promise<number> => {
      if (exited === undefined) {
        try {
          await new FdServerClient({ socket, connectTimeoutMs: 0 }).stop();
        } catch {
          // not answering: the signals below end it
        }
        for (const sig of ["SIGTERM", "SIGKILL"] as const) {
          if (await settlesWithin(status, 5000)) break;
          try {
            child.kill(sig);
          } catch {
            // exited meanwhile
          }
        }
      }
      const s = await status;
      await drained;
      return s.code;
    })();
    return stopping;
  };
  return {
    socket,
    pid: child.pid,
    client,
    stop,
    async [Symbol.asyncDispose](): Promise<void> {
      await stop();
    },
  };
}
