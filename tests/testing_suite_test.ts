// The suite runner (src/testing/suite.ts) as a user sees it: exit codes and result lines of a
// standalone test script, failure artifacts (pcaps tshark can read, diff.txt), leak detection,
// and the sandbox of the `test` permission set.
import assert from "node:assert/strict";
import { hasCommand, run } from "../src/testing/command.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const SCRIPT = "tests/netmap/support/selftest_script.ts";

async function runScript(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; out: string }> {
  const dir = await Deno.makeTempDir({ prefix: "nms-suite-" });
  try {
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", "-P=test", ...args],
      cwd: ROOT,
      env: { NO_COLOR: "1", NMSCRIPT_UVALE_DIR: dir, NMSCRIPT_TEST_CHILD: "1", ...env },
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(30_000),
    }).output();
    const dec = new TextDecoder();
    return { code: r.code, out: dec.decode(r.stdout) + dec.decode(r.stderr) };
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

Deno.test("a passing test script exits 0 with a kselftest-style line", async () => {
  const r = await runScript([SCRIPT], { NMSCRIPT_SELFTEST_MODE: "pass" });
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /^TEST: 900_selftest \(exercises the suite runner\) \[ OK \] \d+ ms$/m);
});

Deno.test("options: -h prints usage, a bad -l exits 1 naming the option", async () => {
  const h = await runScript([SCRIPT, "-h"], {});
  assert.equal(h.code, 0);
  assert.match(h.out, /usage: \[-h\] \[-v\] \[-q\] \[-l LEN\]/);
  const bad = await runScript([SCRIPT, "-l", "abc"], {});
  assert.equal(bad.code, 1);
  assert.match(bad.out, /Invalid -l 'abc': expected a positive integer/);
});

Deno.test("a skipped test exits 4 and says why", async () => {
  const r = await runScript([SCRIPT], { NMSCRIPT_SELFTEST_MODE: "skip" });
  assert.equal(r.code, 4, r.out);
  assert.match(r.out, /# SKIP 900_selftest: selftest asked to skip/);
  assert.match(r.out, /\[SKIP\]/);
});

Deno.test("a known bug ends as XFAIL (exit 2); only the fixtures it names may be left", async () => {
  const r = await runScript([SCRIPT], { NMSCRIPT_SELFTEST_MODE: "xfail" });
  assert.equal(r.code, 2, r.out);
  assert.match(
    r.out,
    /^# XFAIL 900_selftest \(expected failure, counted as passing\): step 2 failed with ENXIO \(known bug: example\/bug#1\)$/m,
  );
  assert.match(r.out, /^TEST: 900_selftest \(exercises the suite runner\) \[XFAIL\] \d+ ms$/m);
  const leaves = await runScript([SCRIPT], { NMSCRIPT_SELFTEST_MODE: "xfail-leaves" });
  assert.equal(leaves.code, 2, leaves.out);
  assert.match(
    leaves.out,
    /^# XFAIL left behind by the bug: resource the bug keeps: cannot remove it$/m,
  );
  const other = await runScript([SCRIPT], { NMSCRIPT_SELFTEST_MODE: "xfail-other-leak" });
  assert.equal(other.code, 1, other.out);
  assert.match(other.out, /\[FAIL\]/);
  assert.match(other.out, /left resources behind:\n\s+resource the bug keeps: cannot remove it/);
  assert.match(other.out, /# also: step 2 failed with ENXIO \(known bug: example\/bug#1\)/);
});

Deno.test("a failing test writes each port's pcap and a readable diff", async () => {
  const out = await Deno.makeTempDir({ prefix: "nms-out-" });
  try {
    const r = await runScript([SCRIPT], { NMSCRIPT_SELFTEST_MODE: "fail", NMSCRIPT_TEST_OUT: out });
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /\[FAIL\]/);
    const dir = `${out}/900_selftest`;
    const files = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.equal(files.length, 3, `files: ${files}`);
    assert.ok(files.includes("diff.txt"));
    const seen = files.find((f) => f.endsWith("_b.pcap"));
    const sent = files.find((f) => f.endsWith("_a.sent.pcap"));
    assert.ok(seen && sent, `pcaps: ${files}`);
    const diff = await Deno.readTextFile(`${dir}/diff.txt`);
    assert.match(diff, /payload\[0\]\s*: expected 0x78 'x', actual 0x73 's'/);
    assert.match(diff, /sent 1, saw 0/);
    assert.match(diff, /sent 0, saw 1/);
    if (await hasCommand("tshark")) {
      const t = await run("tshark", ["-r", `${dir}/${seen}`]);
      assert.match(t.stdout, /10\.0\.0\.5 → 10\.0\.0\.7 +UDP 120/);
    } else {
      console.log("# tshark not installed: pcap not read back");
    }
    // The next passing run removes them (they would describe a failure that is gone).
    const again = await runScript([SCRIPT], { NMSCRIPT_TEST_OUT: out });
    assert.equal(again.code, 0, again.out);
    assert.throws(() => Deno.statSync(dir), Deno.errors.NotFound);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("a test that leaks fails, even when its body passed", async () => {
  const out = await Deno.makeTempDir({ prefix: "nms-out-" });
  try {
    const r = await runScript([SCRIPT], { NMSCRIPT_SELFTEST_MODE: "leak", NMSCRIPT_TEST_OUT: out });
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /left resources behind:\n\s+resource that cannot be removed: still here/);
    const both = await runScript([SCRIPT], {
      NMSCRIPT_SELFTEST_MODE: "throw-and-leak",
      NMSCRIPT_TEST_OUT: out,
    });
    assert.equal(both.code, 1);
    assert.match(both.out, /body failed/);
    assert.match(both.out, /# also: .*left resources behind/);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("the `test` permission set refuses other hosts, unlisted programs, other paths", async () => {
  const r = await runScript(["tests/netmap/support/sandbox_probe.ts"], {});
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /^net 192\.0\.2\.1:80: refused$/m);
  assert.match(r.out, /^run ls: refused$/m);
  assert.match(r.out, /^write \/etc: refused$/m);
});

Deno.test("SIGTERM during a test removes its switch ports and persistent port", async () => {
  const dir = await Deno.makeTempDir({ prefix: "nms-suite-" });
  try {
    const env = { NO_COLOR: "1", NMSCRIPT_UVALE_DIR: dir, NMSCRIPT_TEST_CHILD: "1" };
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", "-P=test", SCRIPT],
      cwd: ROOT,
      env: { ...env, NMSCRIPT_SELFTEST_MODE: "hold" },
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    while (!/HOLD \S+ \S+\n/.test(out)) {
      const { value, done } = await reader.read();
      if (done) break;
      out += value;
    }
    const m = out.match(/HOLD (\S+) (\S+)/);
    assert.ok(m, `no HOLD line in: ${out}`);
    child.kill("SIGTERM");
    const status = await child.status;
    clearTimeout(timer);
    reader.releaseLock();
    await child.stdout.cancel().catch(() => {});
    assert.equal(status.code, 143);
    const probe = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", "-P=test", "tests/netmap/support/gone_probe.ts", m[1], m[2]],
      cwd: ROOT,
      env,
      signal: AbortSignal.timeout(30_000),
    }).output();
    const text = new TextDecoder().decode(probe.stdout);
    assert.equal(probe.code, 0, text + new TextDecoder().decode(probe.stderr));
    assert.match(text, new RegExp(`port ${m[1]}: ENXIO`));
    assert.match(text, new RegExp(`switch ${m[2]}: 0 ports`));
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
