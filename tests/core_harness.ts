// Runs each scenario of a core test file in its own `deno run` child with its own
// NMSCRIPT_UVALE_DIR, so that every scenario has its own uvale daemon, stops it at the end,
// and cannot disturb test files running in parallel in the same `deno test` process (which
// share one environment and one loaded library).
import assert from "node:assert/strict";
import { uvaleStop } from "../mod.ts";

/** A scenario: throws (assert) on failure. */
export type Scenario = () => void | Promise<void>;

const ROOT = new URL("..", import.meta.url).pathname;
const CHILD_TIMEOUT_MS = 30_000;

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

/** Runs `deno run <args>` from the repo root with extra env; finite timeout. */
export async function runDeno(args: string[], env: Record<string, string>): Promise<ChildResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(CHILD_TIMEOUT_MS),
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
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
      console.error(e instanceof Error ? e.stack ?? e.message : String(e));
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
