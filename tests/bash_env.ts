// Shared by the tests that drive bash scripts through the drop-in launchers
// (tests/bash_suite_test.ts, tests/legacy_randomized_test.ts): run a bash command from the
// repository root, and tear down what such a run leaves (fd servers, uvale daemon, its dir).

const ROOT = new URL("..", import.meta.url).pathname;

/** Runs `bash -c CMD bash ARGS...` from the repo root with `env`; stdout and stderr merged. */
export async function bash(
  cmd: string,
  args: string[],
  env: Record<string, string>,
  secs: number,
): Promise<{ code: number; output: string }> {
  const out = await new Deno.Command("bash", {
    args: ["-c", `exec 2>&1; ${cmd}`, "bash", ...args],
    cwd: ROOT,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "null",
    signal: AbortSignal.timeout((secs + 10) * 1000),
  }).output();
  return { code: out.code, output: new TextDecoder().decode(out.stdout) };
}

/**
 * Stops both fd servers and the uvale daemon of `dir`, then removes it. A killed script may have
 * left one of them still starting (it binds its socket a moment later and the removal then
 * fails with ENOTEMPTY), so this repeats a few times; once `dir` is gone neither can start.
 */
export async function cleanUpBashRun(dir: string, env: Record<string, string>): Promise<void> {
  for (let round = 0; round < 4; round++) {
    await bash("functional -c; functional-legacy -c", [], env, 20).catch(() => undefined);
    await new Deno.Command(Deno.execPath(), {
      args: ["eval", "-q", "import { uvaleStop } from './mod.ts'; try { uvaleStop(); } catch {}"],
      cwd: ROOT,
      env,
      stdout: "null",
      stderr: "null",
      signal: AbortSignal.timeout(20_000),
    }).output().catch(() => undefined);
    try {
      await Deno.remove(dir, { recursive: true });
      return;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  throw new Error(`could not clean up ${dir}: something still writes into it`);
}
