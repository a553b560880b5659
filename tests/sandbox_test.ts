// The `script` permission set lets a script use ports but refuses network, subprocesses and
// writes: Deno enforces it for everything the TypeScript does (see docs/permissions.md).
import assert from "node:assert/strict";

Deno.test("-P=script: ports work; network, subprocesses and writes are refused", async () => {
  const root = new URL("..", import.meta.url).pathname;
  const dir = await Deno.makeTempDir({ prefix: "nms-sandbox-" });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-q", "-P=script", "tests/fixtures/sandbox_probe.ts"],
      cwd: root,
      env: { NMSCRIPT_UVALE_DIR: dir, NMSCRIPT_BACKEND: "uvale" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.match(text, /^net: NotCapable$/m);
    assert.match(text, /^run: NotCapable$/m);
    assert.match(text, /^write: NotCapable$/m);
    assert.match(text, /^port: allowed$/m);
  } finally {
    // Stop the private daemon the probe started, then remove its directory.
    await new Deno.Command(Deno.execPath(), {
      args: ["eval", "-q", `import { uvaleStop } from "./mod.ts"; uvaleStop();`],
      cwd: root,
      env: { NMSCRIPT_UVALE_DIR: dir, NMSCRIPT_BACKEND: "uvale" },
    }).output();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
