// Finding the library and the device: each case runs in a child `deno run` with its own
// environment and flags, and checks the error a user would see.
import assert from "node:assert/strict";
import { repoRoot, runDeno } from "./core_harness.ts";

const MOD = new URL("../mod.ts", import.meta.url).href;

/** Writes a child script that tries `body` and prints the outcome as JSON. */
async function childScript(body: string): Promise<string> {
  const path = await Deno.makeTempFile({ prefix: "nms-lib-", suffix: ".ts" });
  await Deno.writeTextFile(
    path,
    `import * as nms from "${MOD}";\n` +
      `try { const r = await (async () => { ${body} })();\n` +
      `  console.log(JSON.stringify({ ok: true, r }));\n` +
      `} catch (e) { console.log(JSON.stringify({ ok: false, name: e?.name, code: e?.code,` +
      ` message: String(e?.message ?? e), hint: e?.hint ?? "" })); }\n`,
  );
  return path;
}

interface Outcome {
  ok: boolean;
  r?: unknown;
  name?: string;
  code?: string;
  message?: string;
  hint?: string;
}

async function outcome(
  flags: string[],
  body: string,
  env: Record<string, string> = {},
): Promise<Outcome> {
  const script = await childScript(body);
  try {
    const res = await runDeno([...flags, script], env);
    const line = res.stdout.trim().split("\n").pop() ?? "";
    assert.ok(line.startsWith("{"), `child printed no outcome:\n${res.stdout}${res.stderr}`);
    return JSON.parse(line);
  } finally {
    await Deno.remove(script);
  }
}

Deno.test("a missing library names every path tried and the command that fixes it", async () => {
  const o = await outcome(["--allow-all"], `return nms.openPort("vale0:a");`, {
    NMSCRIPT_LIB: "/nonexistent/libnmscript.so",
  });
  assert.equal(o.ok, false);
  assert.equal(o.name, "NetmapError");
  assert.equal(o.code, "ENOENT");
  assert.match(o.message!, /libnmscript\.so not found/);
  assert.match(o.message!, /tried: \/nonexistent\/libnmscript\.so/);
  assert.match(o.hint!, /NMSCRIPT_LIB/);
});

Deno.test("from a checkout, the library is the checkout's build/, whatever the cwd", async () => {
  const o = await outcome(["--allow-all"], `return nms.librarySearch();`);
  assert.equal(o.ok, true, o.message);
  const r = o.r as { paths: string[]; fix: string };
  assert.deepEqual(r.paths, [`${repoRoot()}build/libnmscript.so`]);
  assert.match(r.fix, /make -C .* build/);
});

Deno.test("missing or scoped permissions name the flag to add", async () => {
  const ffi = await outcome(["--allow-env", "--allow-read"], `return nms.openPort("vale0:a");`);
  assert.equal(ffi.code, "EACCES");
  assert.match(ffi.message!, /missing permission --allow-ffi/);
  const scoped = await outcome(
    ["--allow-env", "--allow-read", `--allow-ffi=${repoRoot()}build/libnmscript.so`],
    `return nms.openPort("vale0:a");`,
  );
  assert.equal(scoped.code, "EACCES");
  assert.match(scoped.message!, /unscoped/);
  const envMissing = await outcome(
    ["--allow-ffi", "--allow-read"],
    `return nms.openPort("vale0:a");`,
  );
  assert.equal(envMissing.code, "EACCES");
  assert.match(envMissing.message!, /--allow-env=NMSCRIPT_LIB/);
});

Deno.test("kernel backend forced without /dev/netmap: ENODEV with a hint", async (t) => {
  // The device check runs in the child (--allow-all): under -P=test Deno refuses to stat /dev/*.
  const o = await outcome(
    ["--allow-all"],
    `try { Deno.statSync("/dev/netmap"); return "device present"; } catch { /* absent */ }
     nms.openPort("vale0:a");`,
    { NMSCRIPT_BACKEND: "kernel" },
  );
  if (o.ok) {
    await t.step({ name: "skipped: /dev/netmap exists here", ignore: true, fn: () => {} });
    return;
  }
  assert.equal(o.code, "ENODEV", o.message);
  assert.match(o.hint!, /netmap\.ko|uvale/);
});
