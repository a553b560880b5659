// Runs each scenario of a core test file in its own `deno run` child with its own
// NMSCRIPT_UVALE_DIR, so that every scenario has its own uvale daemon, stops it at the end,
// and cannot disturb test files running in parallel in the same `deno test` process (which
// share one environment and one loaded library).
import assert from "node:assert/strict";
import { uvaleStop } from "../mod.ts";

/** A scenario: throws (assert) on failure. */
export type Scenario = () => void | Promise<void>;

const ROOT = new URL("..", import.meta.url).pathname;
/** A scenario child's time limit on a normal machine; NMSCRIPT_TEST_TIMEOUT_SCALE multiplies it. */
const CHILD_TIMEOUT_MS = 30_000;

/**
 * NMSCRIPT_TEST_TIMEOUT_SCALE (default 1): a factor for the test time limits, for slow machines
 * (scripts/vm-test.sh sets it in a QEMU guest under TCG). Throws on anything but a positive number.
 *
 * @example
 * ```ts ignore
 * const limitMs = 30_000 * timeoutScale(); // 120 s with NMSCRIPT_TEST_TIMEOUT_SCALE=4
 * ```
 */
export function timeoutScale(): number {
  const raw = Deno.env.get("NMSCRIPT_TEST_TIMEOUT_SCALE")?.trim() ?? "";
  if (raw === "") return 1;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    throw new Error(
      `NMSCRIPT_TEST_TIMEOUT_SCALE='${raw}' is not a positive number: ` +
        "unset it, or give a factor such as 4 for a slow machine",
    );
  }
  return n;
}

/** The time limit of one scenario child, in milliseconds (30 s times the scale). */
export function childTimeoutMs(): number {
  return Math.round(CHILD_TIMEOUT_MS * timeoutScale());
}

/** The repository root (with a trailing slash). */
export function repoRoot(): string {
  return ROOT;
}

/** A name unique to this process and call, for switches and ports ("t1234x5"). */
export function uniqueName(prefix = "t"): string {
  uniqueCounter += 1;
  return `${prefix}${Deno.pid % 100000}x${uniqueCounter}`;
}
let uniqueCounter = 0;

/** Output of a child `deno run`. */
export interface ChildResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `deno run <args>` from the repo root with extra env; finite timeout
 * ({@linkcode childTimeoutMs}).
 *
 * @example
 * ```ts ignore
 * const r = await runDeno(["-P=test", "tests/core_port_test.ts", "open"], {});
 * ```
 */
export async function runDeno(args: string[], env: Record<string, string>): Promise<ChildResult> {
  const limitMs = childTimeoutMs();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(limitMs),
  }).output();
  const dec = new TextDecoder();
  let stderr = dec.decode(out.stderr);
  if (out.signal === "SIGTERM" && out.code === 143) {
    stderr += `\n(killed after the ${limitMs / 1000} s time limit of a scenario child; ` +
      "NMSCRIPT_TEST_TIMEOUT_SCALE multiplies it on slow machines)\n";
  }
  return { code: out.code, stdout: dec.decode(out.stdout), stderr };
}

/**
 * An error as text with everything it carries: the errors of a SuppressedError (what a
 * `using`/`await using` disposal threw, and what it hid) and of an AggregateError.
 *
 * @example
 * ```ts ignore
 * console.error(describeError(new SuppressedError(new Error("b"), new Error("a"), "disposal")));
 * ```
 */
export function describeError(e: unknown, depth = 0): string {
  if (!(e instanceof Error)) return String(e);
  const text = e.stack ?? `${e.name}: ${e.message}`;
  if (depth > 8) return text;
  const inner: [string, unknown][] = [];
  if (e instanceof SuppressedError) {
    inner.push(["error (thrown last)", e.error], ["suppressed (thrown first)", e.suppressed]);
  } else if (e instanceof AggregateError) {
    e.errors.forEach((x, i) => inner.push([`errors[${i}]`, x]));
  }
  const parts = inner.map(([label, x]) =>
    `${label}:\n${describeError(x, depth + 1).replace(/^/gm, "  ")}`
  );
  return [text, ...parts].join("\n");
}

/**
 * Under `deno test`: one Deno.test per scenario, each running this file as a child
 * (`deno run -P=test FILE NAME`) with a fresh NMSCRIPT_UVALE_DIR that is removed afterwards.
 * Under `deno run FILE NAME`: runs that scenario, then stops the uvale daemon.
 */
export async function scenarios(meta: ImportMeta, table: Record<string, Scenario>): Promise<void> {
  const file = new URL(meta.url).pathname;
  if (meta.main) {
    const name = Deno.args[0];
    const fn = table[name];
    if (!fn) {
      console.error(`unknown scenario '${name}'; known: ${Object.keys(table).join(", ")}`);
      Deno.exit(2);
    }
    let code = 0;
    try {
      await fn();
    } catch (e) {
      console.error(describeError(e));
      code = 1;
    } finally {
      try {
        uvaleStop();
      } catch {
        // no daemon was started (kernel backend, or the scenario never opened a port)
      }
    }
    Deno.exit(code);
  }
  for (const name of Object.keys(table)) {
    Deno.test(name, async () => {
      const dir = await Deno.makeTempDir({ prefix: "nms-core-" });
      try {
        const r = await runDeno(["-P=test", file, name], { NMSCRIPT_UVALE_DIR: dir });
        assert.equal(r.code, 0, `scenario '${name}' failed:\n${r.stdout}${r.stderr}`);
      } finally {
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      }
    });
  }
}
