/**
 * fd_server: keeps netmap ports open for `functional -i` (and for
 * `fdServer().get()`) and hands out their descriptors with netmap's fd_server
 * protocol: AF_UNIX SOCK_SEQPACKET at /tmp/netmap-fdserver (or
 * `$NMSCRIPT_FD_SERVER_SOCKET`), requests FD_GET / FD_RELEASE / FD_CLOSE /
 * FD_STOP, the descriptor as SCM_RIGHTS. Works on both backends.
 *
 * Running it:
 * - `-f` stays in the foreground: messages on stdout, errors on stderr (both
 *   to `$NMSCRIPT_FD_SERVER_LOG` instead when that is set).
 * - Without `-f` it daemonizes: it starts `deno run -P=tools fd-server.ts -f`
 *   again as a detached child in its own session (setsid), with no stdio,
 *   working directory `/`, messages appended to `$NMSCRIPT_FD_SERVER_LOG`
 *   (default: the socket path + `.log`, e.g. /tmp/netmap-fdserver.log, lines
 *   `time nm_fd_server[pid]: message` as syslog would write them). Unlike the
 *   C daemon, the parent exits only once the server answers (0), or with 1
 *   and the server's last message when it could not start.
 * - It stops on FD_STOP, SIGTERM or SIGINT: it removes its socket, closes
 *   every port it holds (ephemeral VALE ports vanish), and only then closes
 *   the FD_STOP connection, so `functional -c` returns once all is done.
 *
 * Robustness: no client can stop the others. Each connection is served on
 * its own (at most 32 at once); the request must arrive within 2 s; after a
 * GET reply the server watches the connection for 5 s: a client that died
 * before reading the reply (ECONNRESET) does not keep the port in use.
 * Requests that are already waiting when accepted are applied in order, so a
 * RELEASE from one functional is seen before the GET of the next.
 *
 * `--legacy` (what the `fd_server-legacy` launcher gives) makes it netmap's
 * fd_server-legacy: socket /tmp/netmap-fdserver-legacy (or
 * `$NMSCRIPT_FD_SERVER_LEGACY_SOCKET`, else `$NMSCRIPT_FD_SERVER_SOCKET` +
 * "-legacy"), names checked as the legacy `nm_open()` reads them (EINVAL
 * otherwise), and the reply `{int32 result; struct nmreq req}` with the legacy
 * request `nm_open()` would hold (mode and pipe in `nr_flags`, memory id in
 * `nr_arg2`, extra buffers in `nr_arg3`).
 *
 * Quirks of netmap's fd_server, kept or fixed (also in `--help`):
 * - kept: no reply to FD_RELEASE, FD_CLOSE, FD_STOP (the connection is closed);
 *   EOPNOTSUPP for unknown actions and for port names with `@offset` or
 *   `@extmem` (a descriptor with options cannot be described to the client);
 *   at most 128 ports held at once (ENOMEM beyond).
 * - fixed: names are compared whole (the C server compared 16 characters, so
 *   `vale0:abcdefghijk1` and `...k2` were one port); a reused port is marked
 *   in use again (the C server answered EBUSY only until the first release);
 *   closed ports free their table slot (the C table was never recycled, nor
 *   after a failed open); failure replies are zeroed (the C ones carried
 *   stack garbage); a live server's socket is not stolen (the C server
 *   unlinked it) while a stale one is replaced; a failed accept is retried
 *   instead of ending the server.
 *
 * @example
 * ```sh
 * deno run -P=tools scripts/fd-server.ts -f &
 * deno run -P=tools scripts/functional.ts -i vale0:a -t 60
 * deno run -P=tools scripts/functional.ts -c     # stops the server
 * ```
 *
 * @module
 */

import {
  closeFd,
  ERRNO,
  errnoName,
  layout,
  NetmapError,
  openPort,
  parsePortName,
  type Port,
  type Received,
  SeqpacketListener,
  type SeqpacketSocket,
} from "../mod.ts";
import { errorLine, runTool } from "../src/cli/main.ts";
import { type CliOutcome, writeAll } from "../src/cli/outcome.ts";
import {
  decodeFdRequest,
  encodeFdLegacyResponse,
  encodeFdResponse,
  FD_CLOSE,
  FD_GET,
  FD_RELEASE,
  FD_STOP,
} from "../src/cli/fd_protocol.ts";
import {
  FD_SERVER,
  FD_SERVER_LEGACY,
  type FdServerPlan,
  fdServerSocket,
  parseFdServerArgs,
} from "../src/cli/fd_server_args.ts";
import { fdServer } from "../src/fd_server_client.ts";
import { legacyRequest, parseLegacyPortName } from "../src/cli/legacy_nmreq.ts";
import { sleep } from "../src/timer.ts";

/** MAX_OPEN_IF: ports held at once. */
const MAX_OPEN = 128;
/** How long one accept() waits before the loop checks for a stop (ms). */
const ACCEPT_MS = 200;
/** How long a connected client may take to send its request (ms). */
const REQUEST_MS = 2000;
/** How long the server watches a connection after a GET reply (ms). */
const WATCH_MS = 5000;
/** Connections served at once. */
const MAX_CLIENTS = 32;
/** How long the daemon's parent waits for the server to answer (ms). */
const DAEMON_READY_MS = 10_000;

/** What `--help` adds: how this runtime behaves, and each quirk of the C server kept or fixed. */
const RUNTIME_NOTES = `
Runtime (scripts/fd-server.ts):
  - without -f: a detached child in its own session (setsid), cwd /, messages appended to
    $NMSCRIPT_FD_SERVER_LOG (default: the socket path + ".log"); the parent exits 0 once the
    server answers, 1 with the reason when it cannot start (the C daemon exits 0 at once and
    logs to syslog).
  - stops on FD_STOP, SIGTERM or SIGINT: socket removed, every held port closed, then the
    FD_STOP connection closed (so "functional -c" returns when all is done).
  - no client stops the others: up to 32 connections served at once, 2 s to send the request,
    and a client that dies before reading its GET reply does not keep the port in use.
Quirks of netmap's fd_server:
  kept:  no reply to FD_RELEASE, FD_CLOSE, FD_STOP; EOPNOTSUPP for unknown actions and for
         names with @offset or @extmem; at most 128 ports held at once (ENOMEM).
  fixed: names are compared whole (C: the first 16 characters, so long names aliased); a
         reused port is in use again (C: EBUSY only until the first release); closed ports
         and failed opens free their slot (C: 128 opens per server lifetime); failure replies
         are zeroed (C: garbage); a live server's socket is refused, not stolen (a stale one
         is replaced); a failed accept() is retried (C: exit 1).
`;

/** fd_server's parser, with the runtime notes added to `--help`. */
function parseArgs(argv: readonly string[]): CliOutcome<FdServerPlan> {
  const o = parseFdServerArgs(argv);
  if (o.kind === "exit" && o.code === 0 && o.stdout !== "") {
    return { ...o, stdout: o.stdout + RUNTIME_NOTES };
  }
  return o;
}

/** Where messages go. */
interface Logger {
  info(msg: string): void;
  error(msg: string): void;
}

function logger(prog: string): Logger {
  let file: string | undefined;
  try {
    file = Deno.env.get("NMSCRIPT_FD_SERVER_LOG") || undefined;
  } catch {
    // no env permission: stdout
  }
  if (file === undefined) {
    return {
      info: (m) => writeAll(Deno.stdout, m + "\n"),
      error: (m) => writeAll(Deno.stderr, `${prog}: ${m}\n`),
    };
  }
  const path = file;
  const put = (m: string): void => {
    try {
      Deno.writeTextFileSync(
        path,
        `${new Date().toISOString()} nm_fd_server[${Deno.pid}]: ${m}\n`,
        {
          append: true,
        },
      );
    } catch {
      // a log that cannot be written must not stop the server
    }
  };
  return { info: put, error: put };
}

function headerFor(name: string): Uint8Array {
  const l = layout();
  const hdr = new Uint8Array(l.size("nmreq_header"));
  const view = new DataView(hdr.buffer);
  view.setUint16(l.offset("nmreq_header", "nr_version"), l.constant("NETMAP_API"), true);
  view.setUint16(l.offset("nmreq_header", "nr_reqtype"), l.constant("NETMAP_REQ_REGISTER"), true);
  let nrName = name;
  try {
    nrName = parsePortName(name).name;
  } catch {
    // openPort() accepted it; keep the name as given
  }
  const bytes = new TextEncoder().encode(nrName).subarray(0, 63);
  hdr.set(bytes, l.offset("nmreq_header", "nr_name"));
  return hdr;
}

function isErrno(e: unknown, errno: number): boolean {
  return e instanceof NetmapError && e.errno === errno;
}

interface Entry {
  port: Port;
  /** fd_server-legacy: the legacy request sent with the descriptor. */
  legacyRequest?: Uint8Array;
  inUse: boolean;
  /** Counts the GETs of this entry, so that a late watch cannot undo a newer one. */
  claim: number;
}

/** The ports the server holds, by exact name, and the requests on them. */
class FdServer {
  readonly #entries = new Map<string, Entry>();
  readonly #log: Logger;
  readonly #legacy: boolean;

  constructor(log: Logger, legacy: boolean) {
    this.#log = log;
    this.#legacy = legacy;
  }

  /** Answers FD_GET; returns what the watch needs when a descriptor was sent. */
  get(conn: SeqpacketSocket, name: string): { entry: Entry; claim: number } | undefined {
    const found = this.#entries.get(name);
    if (found) {
      if (found.inUse) return this.#fail(conn, name, ERRNO.EBUSY, "in use");
      if (!this.#send(conn, name, found)) return undefined;
      this.#log.info(`get ${name}: reused`);
      return { entry: found, claim: found.claim };
    }
    let legacyName;
    if (this.#legacy) {
      try {
        legacyName = parseLegacyPortName(name);
      } catch (e) {
        return this.#fail(conn, name, ERRNO.EINVAL, errorLine(e));
      }
    }
    let spec;
    try {
      spec = parsePortName(name);
    } catch {
      spec = undefined; // openPort() below reports the error
    }
    if (spec?.options.offset !== undefined || spec?.options.extmem !== undefined) {
      return this.#fail(conn, name, ERRNO.EOPNOTSUPP, "@offset/@extmem options");
    }
    if (this.#entries.size >= MAX_OPEN) {
      return this.#fail(conn, name, ERRNO.ENOMEM, `${MAX_OPEN} ports open`);
    }
    let port: Port;
    try {
      port = openPort(name);
    } catch (e) {
      const errno = e instanceof NetmapError && e.errno !== 0 ? e.errno : ERRNO.EINVAL;
      return this.#fail(conn, name, errno, errorLine(e));
    }
    const entry: Entry = { port, inUse: false, claim: 0 };
    if (legacyName) entry.legacyRequest = legacyRequest(legacyName, port.registerBody());
    this.#entries.set(name, entry);
    if (!this.#send(conn, name, entry)) return undefined;
    this.#log.info(`get ${name}: opened`);
    return { entry, claim: entry.claim };
  }

  #fail(conn: SeqpacketSocket, name: string, errno: number, why: string): undefined {
    this.#log.info(`get ${name}: ${errnoName(errno)} (${why})`);
    try {
      conn.send(this.#legacy ? encodeFdLegacyResponse(errno) : encodeFdResponse(errno));
    } catch (e) {
      this.#log.info(`get ${name}: the reply was not delivered: ${errorLine(e)}`);
    }
    return undefined;
  }

  /** Sends the descriptor; marks the entry in use only when the send worked. */
  #send(conn: SeqpacketSocket, name: string, e: Entry): boolean {
    try {
      const reply = e.legacyRequest
        ? encodeFdLegacyResponse(0, e.legacyRequest)
        : encodeFdResponse(0, headerFor(name), e.port.registerBody());
      conn.send(reply, e.port.fd);
    } catch (err) {
      this.#log.info(`get ${name}: the reply was not delivered (${errorLine(err)}); not in use`);
      return false;
    }
    e.inUse = true;
    e.claim += 1;
    return true;
  }

  /** The client of a GET died before reading the reply: the port is free again. */
  unclaim(name: string, entry: Entry, claim: number): void {
    if (this.#entries.get(name) !== entry || entry.claim !== claim || !entry.inUse) return;
    entry.inUse = false;
    this.#log.info(`get ${name}: the client died before reading the reply; not in use`);
  }

  release(name: string): void {
    const e = this.#entries.get(name);
    if (e) e.inUse = false;
    this.#log.info(`release ${name}: ${e ? "ok" : "ENOENT"}`);
  }

  close(name: string): void {
    const e = this.#entries.get(name);
    if (e) {
      e.port.close();
      this.#entries.delete(name);
    }
    this.#log.info(`close ${name}: ${name === "" ? "EINVAL" : e ? "ok" : "ENOENT"}`);
  }

  closeAll(): void {
    for (const [name, e] of this.#entries) {
      try {
        e.port.close();
      } catch (err) {
        this.#log.error(`closing ${name}: ${errorLine(err)}`);
      }
    }
    this.#entries.clear();
  }
}

/** One server run: the accept loop, the connections in flight, the stop. */
class Service {
  readonly #server: FdServer;
  readonly #log: Logger;
  readonly #legacy: boolean;
  readonly #active = new Set<Promise<void>>();
  #stopConn: SeqpacketSocket | undefined;
  stopping = false;

  constructor(log: Logger, legacy: boolean) {
    this.#log = log;
    this.#legacy = legacy;
    this.#server = new FdServer(log, legacy);
  }

  async run(listener: SeqpacketListener): Promise<void> {
    while (!this.stopping) {
      if (this.#active.size >= MAX_CLIENTS) {
        await Promise.race(this.#active);
        continue;
      }
      let conn: SeqpacketSocket;
      try {
        conn = await listener.accept({ timeoutMs: ACCEPT_MS });
      } catch (e) {
        if (isErrno(e, ERRNO.ETIMEDOUT)) continue;
        this.#log.error(`accept failed, retrying: ${errorLine(e)}`);
        await sleep(ACCEPT_MS);
        continue;
      }
      // A request already waiting is applied now, in accept order; a slow
      // client is served on its own so that it delays nobody.
      let msg: Received | undefined;
      try {
        msg = await conn.recv({ timeoutMs: 0, maxBytes: 4096 });
      } catch (e) {
        if (!isErrno(e, ERRNO.ETIMEDOUT)) {
          this.#log.info(`bad connection: ${errorLine(e)}`);
          conn.close();
          continue;
        }
      }
      const task = this.#serve(conn, msg).catch((e) => {
        this.#log.error(`error while handling a request: ${errorLine(e)}`);
      });
      this.#active.add(task);
      task.finally(() => this.#active.delete(task));
    }
  }

  /** Serves one connection; closes it unless it is the FD_STOP one. */
  async #serve(conn: SeqpacketSocket, first: Received | undefined): Promise<void> {
    let keep = false;
    try {
      let msg = first;
      if (msg === undefined) {
        try {
          msg = await conn.recv({ timeoutMs: REQUEST_MS, maxBytes: 4096 });
        } catch (e) {
          this.#log.info(
            isErrno(e, ERRNO.ETIMEDOUT)
              ? `a client sent no request within ${REQUEST_MS} ms; dropped`
              : `bad connection: ${errorLine(e)}`,
          );
          return;
        }
      }
      closeFd(msg.fd);
      const req = decodeFdRequest(msg.data);
      if (req === undefined) return; // connected and closed (e.g. a liveness probe)
      switch (req.action) {
        case FD_GET: {
          const got = this.#server.get(conn, req.name);
          if (got) await this.#watch(conn, req.name, got.entry, got.claim);
          return;
        }
        case FD_RELEASE:
          this.#server.release(req.name);
          return;
        case FD_CLOSE:
          this.#server.close(req.name);
          return;
        case FD_STOP:
          this.#log.info("stopping (FD_STOP)");
          this.#stopConn = conn;
          this.stopping = true;
          keep = true;
          return;
        default:
          this.#log.info(`unknown action ${req.action}: EOPNOTSUPP`);
          conn.send(
            this.#legacy
              ? encodeFdLegacyResponse(ERRNO.EOPNOTSUPP)
              : encodeFdResponse(ERRNO.EOPNOTSUPP),
          );
          return;
      }
    } finally {
      if (!keep) conn.close();
    }
  }

  /** Waits for the client to close after a GET reply; ECONNRESET: it never read it. */
  async #watch(conn: SeqpacketSocket, name: string, entry: Entry, claim: number): Promise<void> {
    const deadline = Date.now() + WATCH_MS;
    while (!this.stopping && Date.now() < deadline) {
      try {
        const m = await conn.recv({ timeoutMs: Math.min(ACCEPT_MS, deadline - Date.now()) });
        closeFd(m.fd);
        if (m.closed) return;
      } catch (e) {
        if (isErrno(e, ERRNO.ETIMEDOUT)) continue;
        if (isErrno(e, ERRNO.ECONNRESET)) this.#server.unclaim(name, entry, claim);
        return;
      }
    }
  }

  /** After the loop: socket gone, ports closed, then the FD_STOP client released. */
  finish(listener: SeqpacketListener): void {
    listener.close();
    this.#server.closeAll();
    this.#stopConn?.close();
    this.#log.info("stopped");
  }
}

function listenOrExplain(socket: string): SeqpacketListener {
  try {
    return SeqpacketListener.listen(socket, { backlog: 2 });
  } catch (e) {
    if (isErrno(e, ERRNO.EADDRINUSE)) {
      throw new Error(
        `another fd server is already listening on ${socket} (EADDRINUSE); stop it first ` +
          '("functional -c"), or set NMSCRIPT_FD_SERVER_SOCKET to serve another socket',
      );
    }
    if (isErrno(e, ERRNO.EEXIST)) {
      throw new Error(
        `${socket} exists and is not a socket (EEXIST); remove it or set ` +
          "NMSCRIPT_FD_SERVER_SOCKET to another path",
      );
    }
    throw e;
  }
}

async function serve(legacy: boolean): Promise<number> {
  const log = logger(legacy ? FD_SERVER_LEGACY : FD_SERVER);
  const socket = fdServerSocket({ legacy });
  log.info("starting up.");
  let listener: SeqpacketListener;
  try {
    listener = listenOrExplain(socket);
  } catch (e) {
    log.error(errorLine(e));
    return 1;
  }
  const service = new Service(log, legacy);
  const onSignal = (): void => {
    if (!service.stopping) log.info("stopping (signal)");
    service.stopping = true;
  };
  const signals = ["SIGINT", "SIGTERM"] as const;
  for (const sig of signals) Deno.addSignalListener(sig, onSignal);
  log.info(`listening on ${socket}`);
  try {
    await service.run(listener);
  } finally {
    service.finish(listener);
    for (const sig of signals) Deno.removeSignalListener(sig, onSignal);
  }
  return 0;
}

function lastLogLine(path: string, pid: number): string {
  try {
    const mine = Deno.readTextFileSync(path).split("\n").filter((l) =>
      l.includes(`nm_fd_server[${pid}]:`)
    );
    return mine.at(-1)?.replace(/^.*?nm_fd_server\[\d+\]: /, "") ?? "";
  } catch {
    return "";
  }
}

/** True when a server accepts connections on `socket`. */
async function isLive(socket: string): Promise<boolean> {
  try {
    (await fdServer({ socket, connectTimeoutMs: 0 }).connect()).close();
    return true;
  } catch (e) {
    if (isErrno(e, ERRNO.ENOENT) || isErrno(e, ERRNO.ECONNREFUSED)) return false;
    throw e;
  }
}

/** Without -f: start `fd-server.ts -f` detached (setsid), wait until it answers. */
async function daemonize(legacy: boolean): Promise<number> {
  const prog = legacy ? FD_SERVER_LEGACY : FD_SERVER;
  const socket = fdServerSocket({ legacy });
  const abs = socket.startsWith("/") ? socket : `${Deno.cwd()}/${socket}`;
  let logPath = `${abs}.log`;
  try {
    logPath = Deno.env.get("NMSCRIPT_FD_SERVER_LOG") || logPath;
  } catch {
    // no env permission: the default
  }
  const fail = (msg: string): number => {
    writeAll(Deno.stderr, `${prog}: ${msg}\n`);
    return 1;
  };
  if (await isLive(abs)) {
    return fail(
      `another fd server is already listening on ${abs} (EADDRINUSE); stop it first ` +
        '("functional -c")',
    );
  }
  const script = new URL(import.meta.url).pathname;
  const config = new URL("../deno.json", import.meta.url).pathname;
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-q", "-P=tools", "--config", config, script, "-f"].concat(
        legacy ? ["--legacy"] : [],
      ),
      cwd: "/",
      env: {
        [legacy ? "NMSCRIPT_FD_SERVER_LEGACY_SOCKET" : "NMSCRIPT_FD_SERVER_SOCKET"]: abs,
        NMSCRIPT_FD_SERVER_LOG: logPath,
      },
      stdin: "null",
      stdout: "null",
      stderr: "null",
      detached: true,
    }).spawn();
  } catch (e) {
    return fail(
      `cannot start in the background: ${errorLine(e)} (the 'tools' permission set needs ` +
        `run access to ${Deno.execPath()}; or use -f)`,
    );
  }
  let exited: Deno.CommandStatus | undefined;
  child.status.then((s) => exited = s);
  const deadline = Date.now() + DAEMON_READY_MS;
  while (Date.now() < deadline) {
    if (exited !== undefined) {
      const why = lastLogLine(logPath, child.pid);
      return fail(`the server exited with status ${exited.code}: ${why} (log: ${logPath})`);
    }
    if (await isLive(abs).catch(() => false)) {
      child.unref();
      return 0;
    }
    await sleep(50);
  }
  child.unref();
  return fail(`the server did not answer on ${abs} within ${DAEMON_READY_MS} ms (log: ${logPath})`);
}

if (import.meta.main) {
  await runTool(
    Deno.args.includes("--legacy") ? FD_SERVER_LEGACY : FD_SERVER,
    Deno.args,
    parseArgs,
    (plan: FdServerPlan) => plan.foreground ? serve(plan.legacy) : daemonize(plan.legacy),
    1,
  );
}
