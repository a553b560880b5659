/**
 * Command line of `fd_server` (scripts/fd-server.ts), as netmap's
 * utils/fd_server.c reads it (getopt string `f`): `-f` stays in the
 * foreground with messages on stdout; without it the server daemonizes.
 * A bad option exits 1. `--legacy` (given by the `fd_server-legacy`
 * launcher) selects netmap's fd_server-legacy: its socket
 * /tmp/netmap-fdserver-legacy and its response (`int32 result` + legacy
 * `struct nmreq`).
 *
 * @module
 */

import { getopt, splitLongOptions } from "./getopt.ts";
import { type CliOutcome, exitWith, lines, runWith } from "./outcome.ts";

/** The tool's name in messages. */
export const FD_SERVER = "fd_server";
/** fd_server's getopt string. */
export const FD_SERVER_OPTSTRING = "f";
/** The legacy tool's name in messages. */
export const FD_SERVER_LEGACY = "fd_server-legacy";
/** The server's socket (SOCKET_NAME). */
export const FD_SERVER_SOCKET = "/tmp/netmap-fdserver";
/** The legacy server's socket (SOCKET_NAME of fd_server-legacy.h). */
export const FD_SERVER_LEGACY_SOCKET = "/tmp/netmap-fdserver-legacy";

function env(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined; // no env permission: the default
  }
}

/**
 * The socket path in use: `$NMSCRIPT_FD_SERVER_SOCKET` when set (tests run
 * their own server there), else {@linkcode FD_SERVER_SOCKET}. With
 * `legacy`: `$NMSCRIPT_FD_SERVER_LEGACY_SOCKET` when set, else
 * `$NMSCRIPT_FD_SERVER_SOCKET` + "-legacy" when that is set (a private run
 * keeps both servers private), else {@linkcode FD_SERVER_LEGACY_SOCKET}.
 *
 * @example
 * ```ts
 * import { fdServerSocket } from "./fd_server_args.ts";
 * console.log(fdServerSocket()); // "/tmp/netmap-fdserver"
 * console.log(fdServerSocket({ legacy: true })); // "/tmp/netmap-fdserver-legacy"
 * ```
 */
export function fdServerSocket(options: { legacy?: boolean } = {}): string {
  const base = env("NMSCRIPT_FD_SERVER_SOCKET");
  if (!options.legacy) return base ?? FD_SERVER_SOCKET;
  return env("NMSCRIPT_FD_SERVER_LEGACY_SOCKET") ??
    (base === undefined ? FD_SERVER_LEGACY_SOCKET : `${base}-legacy`);
}

/** The typed plan of fd_server. */
export interface FdServerPlan {
  /** -f: run in the foreground, messages on stdout. */
  foreground: boolean;
  /** --legacy: be fd_server-legacy (its socket and response layout). */
  legacy: boolean;
}

/** fd_server's usage (our wording). */
export const FD_SERVER_USAGE = `usage: fd_server [-f]
Keeps netmap ports open for functional -i: answers requests on ${FD_SERVER_SOCKET}
(or $NMSCRIPT_FD_SERVER_SOCKET when set).
  -f        stay in the foreground, messages on stdout (default: daemonize, messages appended
            to $NMSCRIPT_FD_SERVER_LOG, by default the socket path plus ".log")
  --legacy  be fd_server-legacy (what the fd_server-legacy launcher runs): socket
            ${FD_SERVER_LEGACY_SOCKET} (or $NMSCRIPT_FD_SERVER_LEGACY_SOCKET), reply
            {int32 result; struct nmreq req}, names as nm_open() reads them
  --help    this help
Stop it with "functional -c". Exit status: 0 on stop, 1 on a bad option or a socket error.
`;

/** What --help adds. */
export const FD_SERVER_DIFFERENCES = `
Differences from netmap's fd_server (same protocol, socket, options and exit codes):
  - a bad option is named ("invalid option -- 'x'"), and extra arguments are ignored
    with a warning (the C tool ignores them silently).
`;

/**
 * Parses fd_server's command line (without argv[0]).
 *
 * @example
 * ```ts
 * import { parseFdServerArgs } from "./fd_server_args.ts";
 * const o = parseFdServerArgs(["-f"]);
 * if (o.kind === "run") console.log(o.plan.foreground); // true
 * ```
 */
export function parseFdServerArgs(
  argv: readonly string[],
  options: { posixlyCorrect?: boolean } = {},
): CliOutcome<FdServerPlan> {
  const long = splitLongOptions(argv, FD_SERVER_OPTSTRING, ["help", "legacy"]);
  const legacy = long.found.includes("legacy");
  const prog = legacy ? FD_SERVER_LEGACY : FD_SERVER;
  if (long.unknown !== undefined) {
    return exitWith(1, { stderr: lines(`${prog}: unrecognized option '${long.unknown}'`) });
  }
  if (long.found.includes("help")) {
    return exitWith(0, { stdout: FD_SERVER_USAGE + FD_SERVER_DIFFERENCES });
  }
  const { items, operands } = getopt(long.rest, FD_SERVER_OPTSTRING, {
    programName: prog,
    posixlyCorrect: options.posixlyCorrect,
  });
  const plan: FdServerPlan = { foreground: false, legacy };
  for (const item of items) {
    if (item.kind === "error") {
      return exitWith(1, { stderr: lines(`${item.message} (usage: ${prog} [-f])`) });
    }
    plan.foreground = true;
  }
  return runWith(plan, operands.map((o) => `${prog}: ignoring extra argument '${o}'`));
}
