/**
 * fd_server: keeps netmap ports open for `functional -i` and hands out their
 * file descriptors over /tmp/netmap-fdserver (AF_UNIX SOCK_SEQPACKET,
 * SCM_RIGHTS), with netmap's fd_server protocol. `-f` stays in the
 * foreground; without it the server starts itself again detached and exits 0.
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
  layout,
  NetmapError,
  openPort,
  parsePortName,
  type Port,
  SeqpacketListener,
  type SeqpacketSocket,
} from "../mod.ts";
import { runTool } from "../src/cli/main.ts";
import { writeAll } from "../src/cli/outcome.ts";
import {
  decodeFdRequest,
  encodeFdResponse,
  FD_CLOSE,
  FD_GET,
  FD_RELEASE,
  FD_STOP,
} from "../src/cli/fd_protocol.ts";
import {
  FD_SERVER,
  type FdServerPlan,
  fdServerSocket,
  parseFdServerArgs,
} from "../src/cli/fd_server_args.ts";

/** MAX_OPEN_IF: ports held at once. */
const MAX_OPEN = 128;
/** How long one accept() or recv() waits before the loop looks again (ms). */
const WAIT_MS = 1000;

interface Entry {
  port: Port;
  inUse: boolean;
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

class FdServer {
  readonly #entries = new Map<string, Entry>();
  readonly #say: (s: string) => void;

  constructor(say: (s: string) => void) {
    this.#say = say;
  }

  /** Handles one request; returns true on FD_STOP. */
  async handle(conn: SeqpacketSocket): Promise<boolean> {
    const msg = await conn.recv({ timeoutMs: WAIT_MS, maxBytes: 4096 });
    const req = decodeFdRequest(msg.data);
    if (msg.fd >= 0) closeFd(msg.fd);
    if (req === undefined) return false;
    switch (req.action) {
      case FD_GET:
        this.#get(conn, req.name);
        return false;
      case FD_RELEASE: {
        const e = this.#entries.get(req.name);
        if (e) e.inUse = false;
        this.#say(`release ${req.name}: ${e ? "ok" : "ENOENT"}`);
        return false;
      }
      case FD_CLOSE: {
        const e = this.#entries.get(req.name);
        if (e) {
          e.port.close();
          this.#entries.delete(req.name);
        }
        this.#say(`close ${req.name}: ${req.name === "" ? "EINVAL" : e ? "ok" : "ENOENT"}`);
        return false;
      }
      case FD_STOP:
        this.#say("stopping");
        return true;
      default:
        conn.send(encodeFdResponse(ERRNO.EOPNOTSUPP));
        this.#say(`unknown action ${req.action}: EOPNOTSUPP`);
        return false;
    }
  }

  #get(conn: SeqpacketSocket, name: string): void {
    const found = this.#entries.get(name);
    if (found) {
      if (found.inUse) {
        conn.send(encodeFdResponse(ERRNO.EBUSY));
        this.#say(`get ${name}: EBUSY (in use)`);
        return;
      }
      found.inUse = true;
      conn.send(encodeFdResponse(0, headerFor(name), found.port.registerBody()), found.port.fd);
      this.#say(`get ${name}: reused`);
      return;
    }
    if (this.#entries.size >= MAX_OPEN) {
      conn.send(encodeFdResponse(ERRNO.ENOMEM));
      this.#say(`get ${name}: ENOMEM (${MAX_OPEN} ports open)`);
      return;
    }
    let port: Port;
    try {
      port = openPort(name);
    } catch (e) {
      const errno = e instanceof NetmapError && e.errno !== 0 ? e.errno : ERRNO.EINVAL;
      conn.send(encodeFdResponse(errno));
      this.#say(`get ${name}: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    this.#entries.set(name, { port, inUse: true });
    conn.send(encodeFdResponse(0, headerFor(name), port.registerBody()), port.fd);
    this.#say(`get ${name}: opened`);
  }

  closeAll(): void {
    for (const e of this.#entries.values()) e.port.close();
    this.#entries.clear();
  }
}

function isTimeout(e: unknown): boolean {
  return e instanceof NetmapError && e.errno === ERRNO.ETIMEDOUT;
}

async function serve(plan: FdServerPlan): Promise<number> {
  const say = plan.foreground ? (s: string): void => writeAll(Deno.stdout, s + "\n") : () => {};
  say("starting up.");
  using listener = SeqpacketListener.listen(fdServerSocket(), { backlog: 2 });
  const server = new FdServer(say);
  let stop = false;
  const onSignal = (): void => {
    stop = true;
  };
  for (const sig of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(sig, onSignal);
  say("listening");
  try {
    while (!stop) {
      let conn: SeqpacketSocket;
      try {
        conn = await listener.accept({ timeoutMs: WAIT_MS });
      } catch (e) {
        if (isTimeout(e)) continue;
        throw e;
      }
      try {
        stop = await server.handle(conn);
      } catch (e) {
        if (!isTimeout(e)) say(`error while handling a request: ${(e as Error).message}`);
      } finally {
        conn.close();
      }
    }
  } finally {
    server.closeAll();
    for (const sig of ["SIGINT", "SIGTERM"] as const) Deno.removeSignalListener(sig, onSignal);
    try {
      Deno.removeSync(fdServerSocket());
    } catch {
      // already gone, or replaced by another server
    }
  }
  return 0;
}

/** Without -f: start `fd-server.ts -f` detached, with no stdio, and return at once. */
function daemonize(): number {
  const script = new URL(import.meta.url).pathname;
  const config = new URL("../deno.json", import.meta.url).pathname;
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-q", "-P=tools", "--config", config, script, "-f"],
      stdin: "null",
      stdout: "null",
      stderr: "null",
      detached: true,
    }).spawn();
    child.unref();
    return 0;
  } catch (e) {
    writeAll(
      Deno.stderr,
      `${FD_SERVER}: cannot start in the background: ${(e as Error).message} ` +
        `(the 'tools' permission set needs run access to ${Deno.execPath()}; or use -f)\n`,
    );
    return 1;
  }
}

if (import.meta.main) {
  await runTool(
    FD_SERVER,
    Deno.args,
    parseFdServerArgs,
    (plan) => plan.foreground ? serve(plan) : daemonize(),
    1,
  );
}
