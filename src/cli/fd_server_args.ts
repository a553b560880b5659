/**
 * Command line of `fd_server` (scripts/fd-server.ts), as netmap's
 * utils/fd_server.c reads it (getopt string `f`): `-f` stays in the
 * foreground with messages on stdout; without it the server daemonizes.
 * A bad option exits 1.
 *
 * @module
 */

import { getopt, splitLongOptions } from "./getopt.ts";
import { type CliOutcome, exitWith, lines, runWith } from "./outcome.ts";

/** The tool's name in messages. */
export const FD_SERVER = "fd_server";
/** fd_server's getopt string. */
export const FD_SERVER_OPTSTRING = "f";
/** The server's socket (SOCKET_NAME). */
export const FD_SERVER_SOCKET = "/tmp/netmap-fdserver";

/**
 * The socket path in use: `$NMSCRIPT_FD_SERVER_SOCKET` when set (tests run
 * their own server there), else {@linkcode FD_SERVER_SOCKET}.
 *
 * @example
 * ```ts
 * import { fdServerSocket } from "./fd_server_args.ts";
 * console.log(fdServerSocket()); // "/tmp/netmap-fdserver"
 * ```
 */
export function fdServerSocket(): string {
  try {
    const v = Deno.env.get("NMSCRIPT_FD_SERVER_SOCKET");
    if (v) return v;
  } catch {
    // no env permission: the default
  }
  return FD_SERVER_SOCKET;
}

/** The typed plan of fd_server. */
export interface FdServerPlan {
  /** -f: run in the foreground, messages on stdout. */
  foreground: boolean;
}

/** fd_server's usage (our wording). */
export const FD_SERVER_USAGE = `usage: fd_server [-f]
Keeps netmap ports open for functional -i: answers requests on ${FD_SERVER_SOCKET}
(or $NMSCRIPT_FD_SERVER_SOCKET when set).
  -f        stay in the foreground, messages on stdout (default: daemonize, messages appended
            to $NMSCRIPT_FD_SERVER_LOG, by default the socket path plus ".log")
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
  const long = splitLongOptions(argv, FD_SERVER_OPTSTRING, ["help"]);
  if (long.unknown !== undefined) {
    return exitWith(1, { stderr: lines(`${FD_SERVER}: unrecognized option '${long.unknown}'`) });
  }
  if (long.found.includes("help")) {
    return exitWith(0, { stdout: FD_SERVER_USAGE + FD_SERVER_DIFFERENCES });
  }
  const { items, operands } = getopt(long.rest, FD_SERVER_OPTSTRING, {
    programName: FD_SERVER,
    posixlyCorrect: options.posixlyCorrect,
  });
  const plan: FdServerPlan = { foreground: false };
  for (const item of items) {
    if (item.kind === "error") {
      return exitWith(1, { stderr: lines(`${item.message} (usage: fd_server [-f])`) });
    }
    plan.foreground = true;
  }
  return runWith(plan, operands.map((o) => `${FD_SERVER}: ignoring extra argument '${o}'`));
}
