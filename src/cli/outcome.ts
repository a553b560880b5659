/**
 * What a drop-in command's parser decides: either a plan to run, or an exit
 * right away (usage, help, a bad argument) with the exact text for stdout and
 * stderr and the exit code the original tool would give.
 *
 * @module
 */

/** Parsing ended the program: print these and exit with `code`. */
export interface CliExit {
  /** Discriminant. */
  kind: "exit";
  /** The exit status (the original tool's, e.g. 1, or 255 for pkt-gen's `exit(-1)`). */
  code: number;
  /** Text for stdout ("" for none); ends with a newline when not empty. */
  stdout: string;
  /** Text for stderr ("" for none); ends with a newline when not empty. */
  stderr: string;
}

/** Parsing succeeded: run `plan`. */
export interface CliRun<P> {
  /** Discriminant. */
  kind: "run";
  /** The typed plan the tool's runtime executes. */
  plan: P;
  /** Notes to print on stderr before running (e.g. an ignored extra field). */
  warnings: string[];
}

/** The result of a tool's argument parser. */
export type CliOutcome<P> = CliRun<P> | CliExit;

/**
 * An exit outcome.
 *
 * @example
 * ```ts
 * import { exitWith } from "./outcome.ts";
 * const o = exitWith(1, { stderr: "vale-ctl: -l: invalid vale port name 'x'\n" });
 * console.log(o.code); // 1
 * ```
 */
export function exitWith(code: number, text: { stdout?: string; stderr?: string } = {}): CliExit {
  return { kind: "exit", code, stdout: text.stdout ?? "", stderr: text.stderr ?? "" };
}

/**
 * A run outcome.
 *
 * @example
 * ```ts
 * import { runWith } from "./outcome.ts";
 * console.log(runWith({ port: "vale0:a" }).kind); // "run"
 * ```
 */
export function runWith<P>(plan: P, warnings: string[] = []): CliRun<P> {
  return { kind: "run", plan, warnings };
}

/**
 * Joins lines into text, each ending with a newline; empty parts are dropped.
 *
 * @example
 * ```ts
 * import { lines } from "./outcome.ts";
 * console.log(JSON.stringify(lines("a", "", "b\n"))); // "a\nb\n"
 * ```
 */
export function lines(...parts: string[]): string {
  const kept = parts.filter((p) => p !== "");
  return kept.length === 0 ? "" : kept.map((p) => (p.endsWith("\n") ? p : p + "\n")).join("");
}

/**
 * Writes an exit outcome's text to stdout/stderr (synchronously, fully).
 *
 * @example
 * ```ts
 * import { exitWith, writeOutcome } from "./outcome.ts";
 * writeOutcome(exitWith(0, { stdout: "hello\n" }));
 * ```
 */
export function writeOutcome(outcome: CliExit | { stdout?: string; stderr?: string }): void {
  if (outcome.stdout) writeAll(Deno.stdout, outcome.stdout);
  if (outcome.stderr) writeAll(Deno.stderr, outcome.stderr);
}

/**
 * Writes all of `text` to a Deno stdio writer (synchronously, looping on short writes).
 *
 * @example
 * ```ts
 * import { writeAll } from "./outcome.ts";
 * writeAll(Deno.stdout, "hello\n");
 * ```
 */
export function writeAll(w: { writeSync(p: Uint8Array): number }, text: string): void {
  const bytes = new TextEncoder().encode(text);
  let off = 0;
  while (off < bytes.length) off += w.writeSync(bytes.subarray(off));
}

/**
 * Ends the program for an exit outcome: writes its text, then `Deno.exit(code)`.
 *
 * @example
 * ```ts ignore
 * import { exitWith, finish } from "./outcome.ts";
 * finish(exitWith(0));
 * ```
 */
export function finish(outcome: CliExit): never {
  writeOutcome(outcome);
  Deno.exit(outcome.code);
}
