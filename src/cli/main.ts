/**
 * The shared skeleton of every drop-in command: parse (pure) → plan → run.
 *
 * @module
 */

import { type CliOutcome, finish, writeAll } from "./outcome.ts";

/**
 * Runs a drop-in command: parses `argv`, prints and exits on a usage outcome,
 * otherwise prints the parser's warnings and exits with what `run` returns.
 * An exception escaping `run` is printed as one line (`PROG: message`) and
 * exits with `failureCode`.
 *
 * @example
 * ```ts ignore
 * import { runTool } from "./main.ts";
 * import { parseFdServerArgs } from "./fd_server_args.ts";
 * await runTool("fd_server", Deno.args, parseFdServerArgs, async (plan) => plan.foreground ? 0 : 1, 1);
 * ```
 */
export async function runTool<P>(
  prog: string,
  argv: readonly string[],
  parse: (argv: readonly string[]) => CliOutcome<P>,
  run: (plan: P) => Promise<number> | number,
  failureCode: number,
): Promise<never> {
  const outcome = parse(argv);
  if (outcome.kind === "exit") finish(outcome);
  for (const w of outcome.warnings) writeAll(Deno.stderr, w + "\n");
  let code: number;
  try {
    code = await run(outcome.plan);
  } catch (e) {
    writeAll(Deno.stderr, `${prog}: ${errorLine(e)}\n`);
    code = failureCode;
  }
  Deno.exit(code);
}

/**
 * One line for an error: its message (a NetmapError's message already names
 * the operation, port, errno name and hint).
 *
 * @example
 * ```ts
 * import { errorLine } from "./main.ts";
 * console.log(errorLine(new Error("boom"))); // "boom"
 * ```
 */
export function errorLine(e: unknown): string {
  if (e instanceof Error) return e.message.replaceAll("\n", " ");
  return String(e);
}

/**
 * The errno of a NetmapError-like value (0 when it has none).
 *
 * @example
 * ```ts
 * import { errnoOf } from "./main.ts";
 * console.log(errnoOf(Object.assign(new Error("x"), { errno: 16 }))); // 16
 * ```
 */
export function errnoOf(e: unknown): number {
  if (typeof e === "object" && e !== null && "errno" in e) {
    const v = (e as { errno: unknown }).errno;
    if (typeof v === "number" && Number.isFinite(v)) return Math.abs(v);
  }
  return 0;
}

/**
 * The errno name of a NetmapError-like value ("" when none).
 *
 * @example
 * ```ts
 * import { codeOf } from "./main.ts";
 * console.log(codeOf(Object.assign(new Error("x"), { code: "EBUSY" }))); // "EBUSY"
 * ```
 */
export function codeOf(e: unknown): string {
  if (typeof e === "object" && e !== null && "code" in e) {
    const v = (e as { code: unknown }).code;
    if (typeof v === "string") return v;
  }
  return "";
}

/**
 * The hint of a NetmapError-like value ("" when none).
 *
 * @example
 * ```ts
 * import { hintOf } from "./main.ts";
 * console.log(hintOf(new Error("x"))); // ""
 * ```
 */
export function hintOf(e: unknown): string {
  if (typeof e === "object" && e !== null && "hint" in e) {
    const v = (e as { hint: unknown }).hint;
    if (typeof v === "string") return v;
  }
  return "";
}
