/**
 * Running the Linux tools a test drives as real peers (`ip`, `ping`, `tshark`),
 * with errors that show the command line and what the tool printed.
 *
 * @module
 */

import { Alarm } from "../timer.ts";

/**
 * What a finished command returned.
 *
 * @example
 * ```ts ignore
 * import { type CommandResult, run } from "../../mod.ts";
 * const r: CommandResult = await run("ip", ["-br", "link"], { check: false });
 * console.log(r.code, r.stdout);
 * ```
 */
export interface CommandResult {
  /** Exit code (non-zero when `check` is false and the command failed). */
  code: number;
  /** Standard output, decoded as UTF-8. */
  stdout: string;
  /** Standard error, decoded as UTF-8. */
  stderr: string;
}

/**
 * Options of {@linkcode run}.
 *
 * @example
 * ```ts ignore
 * import { run, type RunOptions } from "../../mod.ts";
 * const opts: RunOptions = { timeoutMs: 5000, check: false };
 * await run("ping", ["-c1", "127.0.0.1"], opts);
 * ```
 */
export interface RunOptions {
  /** Throw {@linkcode CommandError} on a non-zero exit (default true). */
  check?: boolean;
  /** Kill the command after this many milliseconds (default 10000). */
  timeoutMs?: number;
  /** Run inside this network namespace (`ip netns exec NAME ...`). */
  netns?: string;
  /** Text written to the command's standard input. */
  stdin?: string;
}

/**
 * A command that could not run or exited with an error.
 *
 * @example
 * ```ts ignore
 * import { CommandError, run } from "../../mod.ts";
 * try {
 *   await run("ip", ["link", "show", "no-such-if"]);
 * } catch (e) {
 *   if (e instanceof CommandError) console.log(e.code, e.stderr);
 * }
 * ```
 */
export class CommandError extends Error {
  /** The command line, joined with spaces. */
  readonly commandLine: string;
  /** The exit code, or -1 when it could not start or timed out. */
  readonly code: number;
  /** What the command printed on standard error. */
  readonly stderr: string;

  /**
   * Creates the error for one command.
   *
   * @param commandLine The command line, for the message.
   * @param code Exit code or -1.
   * @param stderr What the command printed on standard error.
   * @param reason Why it failed, in words.
   */
  constructor(commandLine: string, code: number, stderr: string, reason: string) {
    super(`Command '${commandLine}' ${reason}${stderr.trim() ? `: ${stderr.trim()}` : ""}`);
    this.name = "CommandError";
    this.commandLine = commandLine;
    this.code = code;
    this.stderr = stderr;
  }
}

/**
 * Runs a command to completion and returns its output.
 *
 * @example Add and remove a veth pair
 * ```ts ignore
 * import { run } from "../../mod.ts";
 * await run("ip", ["link", "add", "nmA", "type", "veth", "peer", "name", "nmB"]);
 * await run("ip", ["link", "del", "nmA"]);
 * ```
 *
 * @param cmd The program (looked up on PATH).
 * @param args Its arguments.
 * @param options See {@linkcode RunOptions}.
 * @returns The exit code and decoded output.
 */
export async function run(
  cmd: string,
  args: string[],
  options: RunOptions = {},
): Promise<CommandResult> {
  const argv = options.netns
    ? ["ip", "netns", "exec", options.netns, cmd, ...args]
    : [cmd, ...args];
  const line = argv.join(" ");
  const timeoutMs = options.timeoutMs ?? 10_000;
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(argv[0], {
      args: argv.slice(1),
      stdin: options.stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (e) {
    const why = e instanceof Deno.errors.NotCapable
      ? `is not allowed by the permission set: add it to "run" in deno.json or pass --allow-run=${
        argv[0]
      }`
      : `could not start (${(e as Error).message})`;
    throw new CommandError(line, -1, "", why);
  }
  if (options.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(options.stdin));
    await w.close();
  }
  let timedOut = false;
  const alarm = new Alarm(timeoutMs);
  void alarm.rang.then((rang) => {
    if (!rang) return;
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  });
  let out: Deno.CommandOutput;
  try {
    out = await child.output();
  } finally {
    await alarm.stop();
  }
  const result: CommandResult = {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
  if (timedOut) {
    throw new CommandError(line, -1, result.stderr, `timed out after ${timeoutMs} ms`);
  }
  if ((options.check ?? true) && result.code !== 0) {
    throw new CommandError(line, result.code, result.stderr, `exited with ${result.code}`);
  }
  return result;
}

/**
 * Whether a program can be found on PATH (for skips with a reason).
 *
 * @example Skip without tshark
 * ```ts ignore
 * import { hasCommand } from "../../mod.ts";
 * if (!(await hasCommand("tshark"))) console.log("SKIP: tshark is not installed");
 * ```
 *
 * @param cmd The program name.
 * @returns true when it exists on PATH.
 */
export async function hasCommand(cmd: string): Promise<boolean> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (!dir) continue;
    try {
      const st = await Deno.stat(`${dir}/${cmd}`);
      if (st.isFile) return true;
    } catch {
      // not there
    }
  }
  return false;
}
