/**
 * Command line of `functional` (scripts/functional.ts): netmap's single-port
 * test driver. Options, limits and exit codes are those of utils/functional.c
 * (getopt string `hconqe:s:d:i:I:w:F:T:t:r:gvp:C:`), parsed in order: `-c`
 * and `-o` act where they appear and ignore the rest of the line.
 *
 * Differences, all deliberate: errors are printed by default (the original is
 * silent unless `-v`); values atoi(3) would have misread ("-T 1x", "-t 60:bc",
 * "-C -1") are refused with exit 1; LEN above 65536 is refused at parse time.
 *
 * `--legacy` (given by the `functional-legacy` launcher) selects netmap's
 * functional-legacy: the same options, with the legacy fd server
 * (fd_server-legacy) and the legacy `nm_open()` rules (see
 * scripts/functional.ts).
 *
 * @module
 */

import { getopt, splitLongOptions } from "./getopt.ts";
import { type CliOutcome, exitWith, lines, runWith } from "./outcome.ts";
import { OptionValueError, parseInteger, parseMac } from "./numbers.ts";

/** The tool's name in messages. */
export const FUNCTIONAL = "functional";
/** The legacy tool's name in messages. */
export const FUNCTIONAL_LEGACY = "functional-legacy";
/** functional's getopt string. */
export const FUNCTIONAL_OPTSTRING = "hconqe:s:d:i:I:w:F:T:t:r:gvp:C:";
/** At most this many -t/-r/-p events (MAX_EVENTS). */
export const MAX_EVENTS = 64;
/** The largest frame, in bytes (MAX_PKT_SIZE). */
export const MAX_FRAME = 65536;
/** `-F` default: no limit but the buffer size (~0U). */
export const UNLIMITED_FRAGMENT = 0xffffffff;

/** A transmit or receive event: NUM frames of LEN bytes filled with FILL. */
export interface TxRxEvent {
  /** "tx" (-t) or "rx" (-r). */
  type: "tx" | "rx";
  /** Frame length in bytes, 1..65536. */
  len: number;
  /** Fill byte of the payload (the first character of FILL; 0 for an empty FILL). */
  fill: number;
  /** Number of frames, >= 1. */
  num: number;
}

/** A pause event (-p). */
export interface PauseEvent {
  /** Discriminant. */
  type: "pause";
  /** Pause length in microseconds, > 0. */
  usecs: number;
}

/** One scripted event. */
export type FunctionalEvent = TxRxEvent | PauseEvent;

/** Run the events on one port. */
export interface FunctionalRunPlan {
  /** Discriminant. */
  action: "run";
  /** Port spec as given to -i/-I. */
  port: string;
  /** true: ask the fd server for the port (-i, the default); false: open it directly (-I). */
  viaFdServer: boolean;
  /** Source MAC (-s), default 00:00:00:00:00:00. */
  srcMac: Uint8Array;
  /** Destination MAC (-d), default ff:ff:ff:ff:ff:ff. */
  dstMac: Uint8Array;
  /** Largest bytes per TX slot (-F), {@linkcode UNLIMITED_FRAGMENT} by default. */
  maxFragSize: number;
  /** Timeout in seconds for TX space, RX arrival, flush and fd-server connect (-T, default 1). */
  timeoutSecs: number;
  /** Seconds to sleep after opening (-w, default 0). */
  waitSecs: number;
  /** The events, in order. */
  events: FunctionalEvent[];
  /** -g: skip received frames whose Ethernet header differs from the model. */
  ignoreMismatch: boolean;
  /** -n: an RX timeout counts as success. */
  successIfNoReceive: boolean;
  /** -q: the fill advances after every frame. */
  sequentialFill: boolean;
  /** -e: extra buffers to use as TX buffers (0: none; only with -I). */
  extraBuffers: number;
  /** -v count. */
  verbosity: number;
  /** -C: how many times to run the event list (default 1). */
  loops: number;
  /** --legacy: functional-legacy (legacy fd server, nm_open() rules). */
  legacy: boolean;
}

/** Stop the fd server (-c). */
export interface FunctionalStopServerPlan {
  /** Discriminant. */
  action: "stop-server";
  /** Connect timeout in seconds (-T given before -c). */
  timeoutSecs: number;
  /** -v count. */
  verbosity: number;
  /** --legacy: stop fd_server-legacy. */
  legacy: boolean;
}

/** Start the fd server (-o). */
export interface FunctionalStartServerPlan {
  /** Discriminant. */
  action: "start-server";
  /** -v count. */
  verbosity: number;
  /** --legacy: start fd_server-legacy. */
  legacy: boolean;
}

/** What functional does. */
export type FunctionalPlan =
  | FunctionalRunPlan
  | FunctionalStopServerPlan
  | FunctionalStartServerPlan;

/** functional's usage (our wording; printed by -h on stdout, after errors on stderr). */
export const FUNCTIONAL_USAGE = `usage: functional {-c | -o | -i PORT | -I PORT} [options]
One of:
  -c            stop the fd server (success even when none runs)
  -o            start the fd server (fd_server, daemonized)
  -i PORT       get PORT from the fd server (the port stays open between runs)
  -I PORT       open PORT directly
Options:
  -s MAC        source MAC (default 00:00:00:00:00:00)
  -d MAC        destination MAC (default ff:ff:ff:ff:ff:ff)
  -F BYTES      largest fragment per TX slot (default: the buffer size)
  -T SECS       timeout for TX space, RX arrival and fd-server connect (default 1;
                TX space and RX arrival also wait as long as this tool took to start)
  -w SECS       sleep after opening the port (default 0)
  -t LEN[:FILL[:NUM]]  send NUM (1) frames of LEN bytes, payload filled with FILL ('a')
  -r LEN[:FILL[:NUM]]  expect NUM (1) such frames
  -p NUM[us|ms|s]      pause (no unit: seconds)
  -g            ignore received frames whose Ethernet header differs
  -n            an RX timeout counts as success
  -q            the fill character advances after each frame (z->a, Z->A)
  -e NUM        use NUM extra buffers as TX buffers (only with -I)
  -v            more messages (repeatable)
  -C NUM        run the event list NUM times (default 1)
  -h            this help; --help adds the differences from the C tool
  --legacy      be functional-legacy (what its launcher runs): fd_server-legacy on
                /tmp/netmap-fdserver-legacy, port names as nm_open() reads them, the rings
                chosen from the legacy nr_flags, extra buffers asked through nr_arg3
Exit status: 0 success, 1 failure (bad argument, open error, timeout, mismatch).
Example: functional -i vale0:a -t 100 -r 100 -t 60:b:2 -r 60:b:2
`;

/** What --help adds: how this tool differs from netmap's C functional. */
export const FUNCTIONAL_DIFFERENCES = `
Differences from netmap's functional (same options, same exit codes):
  - errors are printed on stderr by default (the C tool prints nothing without -v);
  - bad values are refused with exit 1 where atoi(3) would misread them: "-T 1x",
    "-C -1", "-t 60:bc" (FILL is one character), "-t 60:a:3:4", a MAC field above ff;
  - LEN above 65536 (the largest frame) is refused when parsing;
  - -n only turns an RX timeout into success: a matching frame still passes and a
    different one still fails (the C usage text suggests otherwise);
  - extra operands are ignored with a warning (the C tool ignores them silently);
  - the waits for TX space and RX arrival last -T plus the time this tool took to start
    (~50 ms on a host, seconds under emulation): the tools a test starts next to a
    receiver start as slowly, and the tests count on the receiver still waiting when they
    act (netmap's 027: the /z monitor waits while two more tools run).
`;

/** The usage text under the name the tool runs as. */
function usageOf(prog: string): string {
  return prog === FUNCTIONAL
    ? FUNCTIONAL_USAGE
    : FUNCTIONAL_USAGE.replace(/\bfunctional /g, `${prog} `);
}

function usageError(prog: string, message: string, withUsage: boolean): CliOutcome<FunctionalPlan> {
  return exitWith(1, { stderr: lines(message, withUsage ? usageOf(prog) : "") });
}

/**
 * Parses `LEN[:FILL[:NUM]]` for -t/-r.
 *
 * @example
 * ```ts
 * import { parseTxRxEvent } from "./functional_args.ts";
 * console.log(parseTxRxEvent("tx", "60:b:3")); // { type: "tx", len: 60, fill: 98, num: 3 }
 * ```
 */
export function parseTxRxEvent(type: "tx" | "rx", text: string): TxRxEvent {
  const opt = type === "tx" ? "-t" : "-r";
  const syntax = `(expected LEN[:FILL[:NUM]], e.g. 60:a:10)`;
  if (text === "") throw new OptionValueError(`${opt}: empty event ${syntax}`);
  const fields = text.split(":");
  if (fields.length > 3) {
    throw new OptionValueError(`${opt}: too many ':' fields in '${text}' ${syntax}`);
  }
  if (!/^[0-9]+$/.test(fields[0])) {
    throw new OptionValueError(`${opt}: LEN '${fields[0]}' in '${text}' is not a number ${syntax}`);
  }
  const len = Number(fields[0]);
  if (len < 1 || len > MAX_FRAME) {
    throw new OptionValueError(
      `${opt}: LEN ${fields[0]} in '${text}' is out of range: a frame has 1..${MAX_FRAME} bytes`,
    );
  }
  let fill = "a".charCodeAt(0);
  if (fields.length >= 2) {
    const f = fields[1];
    if (f.length > 1) {
      throw new OptionValueError(
        `${opt}: FILL '${f}' in '${text}' must be one character (or empty for NUL bytes)`,
      );
    }
    if (f.length === 1 && f.charCodeAt(0) > 0x7f) {
      throw new OptionValueError(`${opt}: FILL '${f}' in '${text}' must be an ASCII character`);
    }
    fill = f.length === 0 ? 0 : f.charCodeAt(0);
  }
  let num = 1;
  if (fields.length === 3) {
    const n = fields[2];
    if (!/^[0-9]+$/.test(n)) {
      throw new OptionValueError(`${opt}: NUM '${n}' in '${text}' is not a number ${syntax}`);
    }
    num = Number(n);
    if (num < 1 || num > 2 ** 31 - 1) {
      throw new OptionValueError(
        `${opt}: NUM ${n} in '${text}' is out of range: give 1..${2 ** 31 - 1} frames`,
      );
    }
  }
  return { type, len, fill, num };
}

/**
 * Parses `NUM[us|ms|s]` for -p (no unit: seconds).
 *
 * @example
 * ```ts
 * import { parsePauseEvent } from "./functional_args.ts";
 * console.log(parsePauseEvent("200ms")); // { type: "pause", usecs: 200000 }
 * ```
 */
export function parsePauseEvent(text: string): PauseEvent {
  const m = /^([0-9]+)(us|ms|s)?$/.exec(text);
  if (m === null) {
    throw new OptionValueError(
      `-p: invalid pause '${text}' (expected NUM[us|ms|s], e.g. 500ms; no unit means seconds)`,
    );
  }
  const value = Number(m[1]);
  if (value === 0) throw new OptionValueError(`-p: pause '${text}' must be longer than 0`);
  if (value > 2 ** 31 - 1) {
    throw new OptionValueError(`-p: pause '${text}' is too long (NUM at most ${2 ** 31 - 1})`);
  }
  const mul = m[2] === "us" ? 1 : m[2] === "ms" ? 1000 : 1_000_000;
  return { type: "pause", usecs: value * mul };
}

/**
 * Parses functional's command line (without argv[0]).
 *
 * @example
 * ```ts
 * import { parseFunctionalArgs } from "./functional_args.ts";
 * const o = parseFunctionalArgs(["-I", "vale0:a", "-t", "60:a:2"]);
 * if (o.kind === "run" && o.plan.action === "run") console.log(o.plan.events.length); // 1
 * ```
 */
export function parseFunctionalArgs(
  argv: readonly string[],
  options: { posixlyCorrect?: boolean } = {},
): CliOutcome<FunctionalPlan> {
  const long = splitLongOptions(argv, FUNCTIONAL_OPTSTRING, ["help", "legacy"]);
  const legacy = long.found.includes("legacy");
  const prog = legacy ? FUNCTIONAL_LEGACY : FUNCTIONAL;
  if (long.unknown !== undefined) {
    return usageError(prog, `${prog}: unrecognized option '${long.unknown}'`, true);
  }
  if (long.found.includes("help")) {
    return exitWith(0, { stdout: usageOf(prog) + FUNCTIONAL_DIFFERENCES });
  }
  const { items, operands } = getopt(long.rest, FUNCTIONAL_OPTSTRING, {
    programName: prog,
    posixlyCorrect: options.posixlyCorrect,
  });
  const plan: FunctionalRunPlan = {
    action: "run",
    port: "",
    viaFdServer: true,
    srcMac: new Uint8Array(6),
    dstMac: new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
    maxFragSize: UNLIMITED_FRAGMENT,
    timeoutSecs: 1,
    waitSecs: 0,
    events: [],
    ignoreMismatch: false,
    successIfNoReceive: false,
    sequentialFill: false,
    extraBuffers: 0,
    verbosity: 0,
    loops: 1,
    legacy,
  };
  let portGiven = false;
  for (const item of items) {
    if (item.kind === "error") return usageError(prog, item.message, true);
    const arg = item.arg ?? "";
    try {
      switch (item.name) {
        case "h":
          return exitWith(0, { stdout: usageOf(prog) });
        case "c":
          return runWith({
            action: "stop-server",
            timeoutSecs: plan.timeoutSecs,
            verbosity: plan.verbosity,
            legacy,
          });
        case "o":
          return runWith({ action: "start-server", verbosity: plan.verbosity, legacy });
        case "n":
          plan.successIfNoReceive = true;
          break;
        case "q":
          plan.sequentialFill = true;
          break;
        case "g":
          plan.ignoreMismatch = true;
          break;
        case "v":
          plan.verbosity++;
          break;
        case "e":
          plan.extraBuffers = parseInteger("-e", arg, {
            min: 1,
            what: "a number of extra buffers",
          });
          break;
        case "s":
          plan.srcMac = parseMac("-s", arg);
          break;
        case "d":
          plan.dstMac = parseMac("-d", arg);
          break;
        case "i":
        case "I":
          if (arg === "") throw new OptionValueError(`-${item.name}: empty port name`);
          plan.port = arg;
          portGiven = true;
          // As in the C tool, -I switches to a direct open for good; -i does not switch back.
          if (item.name === "I") plan.viaFdServer = false;
          break;
        case "F":
          plan.maxFragSize = parseInteger("-F", arg, { min: 1, what: "a fragment size in bytes" });
          break;
        case "w":
          plan.waitSecs = parseInteger("-w", arg, { what: "a number of seconds" });
          break;
        case "T":
          plan.timeoutSecs = parseInteger("-T", arg, { what: "a timeout in seconds" });
          break;
        case "C":
          plan.loops = parseInteger("-C", arg, { min: 1, what: "a repeat count" });
          break;
        case "t":
        case "r":
        case "p":
          if (plan.events.length >= MAX_EVENTS) {
            throw new OptionValueError(
              `-${item.name}: too many events: at most ${MAX_EVENTS} -t/-r/-p events`,
            );
          }
          plan.events.push(
            item.name === "p"
              ? parsePauseEvent(arg)
              : parseTxRxEvent(item.name === "t" ? "tx" : "rx", arg),
          );
          break;
      }
    } catch (e) {
      if (e instanceof OptionValueError) {
        return usageError(prog, `${prog}: ${e.message}`, false);
      }
      throw e;
    }
  }
  if (!portGiven) {
    return usageError(
      prog,
      `${prog}: missing port: give -i PORT (from the fd server) or -I PORT (direct open)`,
      true,
    );
  }
  if (plan.viaFdServer && plan.extraBuffers > 0) {
    return usageError(
      prog,
      `${prog}: -e needs -I: extra buffers can only be used on a port opened directly`,
      false,
    );
  }
  const warnings = operands.map((o) => `${prog}: ignoring extra argument '${o}'`);
  return runWith(plan, warnings);
}
