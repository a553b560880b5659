// netmap's utils/randomized_tests, legacy pass (FUNCTIONAL=functional-legacy, which talks to
// fd_server-legacy), run unchanged through our launchers: each chosen test runs as
// `randomized_tests -j ID` (legacy IDs are 28..54, test NNN is 27 + NNN) with random length,
// fill and count. The launchers go into a temporary PREFIX first on PATH; the run has its own
// uvale daemon and fd-server sockets, stopped and removed at the end. Needs a netmap source tree
// ($NETMAP_SRC, default /tmp/netmap-src), root and bc; skipped with the reason otherwise.
// NMSCRIPT_LEGACY_ALL=1 runs all 27 legacy tests (about 90 s) instead of the chosen ones.
import assert from "node:assert/strict";
import { bash, cleanUpBashRun } from "./bash_env.ts";

const ROOT = new URL("..", import.meta.url).pathname;
/** Tests run by default: exclusive open, extra buffers (nr_arg3) on VALE and pipe, partial read, monitor. */
const CHOSEN = [1, 4, 6, 8, 14];
const TEST_SECS = 60;

const env = (name: string): string | undefined => Deno.env.get(name) || undefined;
const src = env("NETMAP_SRC") ?? "/tmp/netmap-src";
const utils = `${src}/utils`;

function missing(): string | undefined {
  try {
    Deno.statSync(`${utils}/randomized_tests`);
  } catch {
    return `no netmap source with utils/randomized_tests at ${src} (set NETMAP_SRC)`;
  }
  // bash: the "test" permission set runs bash, not id(1).
  const probe = new Deno.Command("bash", { args: ["-c", "id -u; command -v bc"] }).outputSync();
  const [uid, bc] = new TextDecoder().decode(probe.stdout).split("\n");
  if (uid !== "0") return "randomized_tests needs root";
  return bc ? undefined : "randomized_tests needs bc";
}

const why = missing();
if (why !== undefined) console.log(`legacy_randomized_test: skipped: ${why}`);

Deno.test({
  name: "randomized_tests: the legacy pass (functional-legacy, fd_server-legacy) passes",
  ignore: why !== undefined,
  fn: async (t) => {
    const dir = await Deno.makeTempDir({ prefix: "nms-legacy-" });
    const vars = {
      NO_COLOR: "1",
      PATH: `${dir}/bin:${ROOT}tests/bash/bin:${env("PATH") ?? "/usr/bin:/bin"}`,
      NMSCRIPT_UVALE_DIR: `${dir}/uvale`,
      NMSCRIPT_FD_SERVER_SOCKET: `${dir}/fd-server.sock`,
      NMSCRIPT_FD_SERVER_LEGACY_SOCKET: `${dir}/fd-server-legacy.sock`,
    };
    try {
      const install = await bash(`scripts/install-launchers.sh "$1"`, [dir], {}, 30);
      assert.equal(install.code, 0, `install-launchers.sh failed:\n${install.output}`);
      await Deno.mkdir(vars.NMSCRIPT_UVALE_DIR);
      const names = [...Deno.readDirSync(`${utils}/tests`)].map((e) => e.name).sort();
      assert.equal(names.length, 27, `netmap's utils/tests has ${names.length} tests, not 27`);
      const chosen = env("NMSCRIPT_LEGACY_ALL") ? names.map((_, i) => i + 1) : CHOSEN;
      for (const n of chosen) {
        const id = names.length + n;
        await t.step(`#${id} ${names[n - 1]}`, async () => {
          const r = await bash(
            `cd "$1" && timeout -k 5 ${TEST_SECS} bash randomized_tests -j "$2"`,
            [utils, String(id)],
            vars,
            TEST_SECS + 5,
          );
          const passed = r.output.includes(`Test #${id} PASSED`);
          assert.ok(r.code === 0 && passed, `exit ${r.code}; its output:\n${r.output}`);
          assert.match(r.output, /Running tests using functional-legacy/);
        });
      }
    } finally {
      await cleanUpBashRun(dir, vars);
    }
  },
});
