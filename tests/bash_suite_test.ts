// Our bash tests (tests/bash/NNN_*.sh, in the style of netmap's utils/tests) run through the
// drop-in launchers: the launchers are installed into a temporary PREFIX, put first on PATH, and
// every script runs with its own uvale daemon (NMSCRIPT_UVALE_DIR) and fd-server socket
// (NMSCRIPT_FD_SERVER_SOCKET), so the scripts run at the same time. Each must exit 0 (4 means
// "skipped" and is reported as such); afterwards its fd server and daemon are stopped and its
// directory is removed.
import assert from "node:assert/strict";
import { bash, cleanUpBashRun } from "./bash_env.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const BASH_DIR = `${ROOT}tests/bash`;
/** Time limit of one script (seconds); timeout(1) then kills its whole process group. */
const SCRIPT_SECS = 90;
/** Exit status of a script that skips itself (kselftest's convention, tests/bash/lib.sh). */
const SKIP = 4;

interface Outcome {
  script: string;
  code: number;
  output: string;
}

function scripts(): string[] {
  const names = [...Deno.readDirSync(BASH_DIR)]
    .filter((e) => e.isFile && /^\d{3}_.*\.sh$/.test(e.name))
    .map((e) => e.name);
  return names.sort();
}

/** Runs one script in a private environment and always cleans that environment up. */
async function runScript(script: string, bin: string): Promise<Outcome> {
  const dir = await Deno.makeTempDir({ prefix: "nms-bash-" });
  const env = {
    NO_COLOR: "1",
    PATH: `${bin}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`,
    NMSCRIPT_UVALE_DIR: `${dir}/uvale`,
    NMSCRIPT_FD_SERVER_SOCKET: `${dir}/fd-server.sock`,
  };
  try {
    const r = await bash(
      `timeout -k 5 ${SCRIPT_SECS} bash "$1"`,
      [`${BASH_DIR}/${script}`],
      env,
      SCRIPT_SECS + 5,
    );
    return { script, ...r };
  } finally {
    await cleanUpBashRun(dir, env);
  }
}

Deno.test("tests/bash: each script passes through the drop-in launchers", async (t) => {
  const prefix = await Deno.makeTempDir({ prefix: "nms-bash-launchers-" });
  try {
    const install = await bash(`scripts/install-launchers.sh "$1"`, [prefix], {}, 30);
    assert.equal(install.code, 0, `install-launchers.sh failed:\n${install.output}`);
    const all = scripts();
    assert.ok(all.length >= 3, `expected at least 3 scripts in ${BASH_DIR}, found ${all.length}`);
    const outcomes = await Promise.all(all.map((s) => runScript(s, `${prefix}/bin`)));
    for (const o of outcomes) {
      await t.step(o.script, () => {
        if (o.code === SKIP) {
          console.log(`${o.script}: skipped\n${o.output}`);
          return;
        }
        const why = o.code === 124 || o.code === 137 ? ` (killed after ${SCRIPT_SECS} s)` : "";
        assert.equal(o.code, 0, `${o.script} exited ${o.code}${why}; its output:\n${o.output}`);
      });
    }
  } finally {
    await Deno.remove(prefix, { recursive: true }).catch(() => undefined);
  }
});
