// The scripts the README shows run as documented (each with a private uvale daemon).
import assert from "node:assert/strict";

const root = new URL("..", import.meta.url).pathname;

async function runExample(path: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "nms-example-" });
  const env = { NMSCRIPT_UVALE_DIR: dir, NMSCRIPT_BACKEND: "uvale" };
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-q", "-P=script", path],
      cwd: root,
      env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, `${path} failed:\n${stdout}${new TextDecoder().decode(out.stderr)}`);
    return stdout;
  } finally {
    await new Deno.Command(Deno.execPath(), {
      args: ["eval", "-q", `import { uvaleStop } from "./mod.ts"; uvaleStop();`],
      cwd: root,
      env,
    }).output();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

Deno.test("README example: hello_vale.ts sends and expects a UDP frame", async () => {
  const out = await runExample("scripts/examples/hello_vale.ts");
  assert.match(out, /b received 54 bytes: "hello netmap"/);
});
