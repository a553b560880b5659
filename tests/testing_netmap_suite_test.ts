// Collects netmap's ported suite for `deno test`: every tests/netmap/NNN_*.ts registers one
// Deno.test (netmapTest) that runs the script as a child with its own uvale daemon
// (NMSCRIPT_SUITE_IN_PROCESS=1: in this process instead). Also checks the one-process runner,
// tests/netmap/run_all.ts, on tests/netmap/support/suite_cases.ts.
import assert from "node:assert/strict";

const dir = new URL("./netmap/", import.meta.url);
const files = [...Deno.readDirSync(dir)]
  .filter((e) => e.isFile && /^\d{3}_[a-z0-9_]+\.ts$/.test(e.name))
  .map((e) => e.name)
  .sort();
for (const f of files) await import(new URL(f, dir).href);

Deno.test("run_all.ts: one process runs every test, whatever the others did, and counts", async () => {
  const out = await Deno.makeTempDir({ prefix: "nms-run-all-" });
  try {
    const r = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        "-P=test",
        "tests/netmap/run_all.ts",
        "-t",
        "1",
        "tests/netmap/support/suite_cases.ts",
      ],
      cwd: new URL("..", import.meta.url).pathname,
      // "" lets the runner start (and stop) its own uvale daemon.
      env: { NO_COLOR: "1", NMSCRIPT_UVALE_DIR: "", NMSCRIPT_ARTIFACTS: out },
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(30_000),
    }).output();
    const dec = new TextDecoder();
    const text = dec.decode(r.stdout) + dec.decode(r.stderr);
    assert.equal(r.code, 1, `a failed test makes the run exit 1:\n${text}`);
    const results = text.split("\n").filter((l) => l.startsWith("TEST: "))
      .map((l) => l.replace(/^TEST: (\d+)_.*\) (\[[A-Z ]+\]) \d+ ms$/, "$1 $2"));
    assert.deepEqual(results, [
      "911 [FAIL]",
      "912 [ OK ]",
      "913 [FAIL]",
      "914 [FAIL]",
      "915 [XFAIL]",
      "916 [SKIP]",
      "917 [FAIL]",
      "918 [ OK ]",
    ], text);
    assert.match(text, /^# Totals: pass:2 fail:4 xfail:1 xpass:0 skip:1 error:0 /m);
    assert.match(text, /unhandled promise rejection: case 913 forgot this promise/);
    assert.match(text, /left resources behind:\n {2}resource that stays: cannot remove it/);
    assert.match(text, /917_hangs did not finish within 1 s/);
    // Failure artifacts as in a child run: written for the failed tests only.
    await Deno.stat(`${out}/911_throws/diff.txt`);
    await assert.rejects(Deno.stat(`${out}/912_passes`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(out, { recursive: true }).catch(() => {});
  }
});
