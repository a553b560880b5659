// Importing nmscript by URL: serve this tree on 127.0.0.1, run <base>/scripts/install.ts into a
// temporary NMSCRIPT_CACHE, then run a script that imports <base>/mod.ts and opens a port on
// uvale through the cached library.
import assert from "node:assert/strict";
import { repoRoot, runDeno } from "./core_harness.ts";

const ROOT = repoRoot().replace(/\/$/, "");

function serveTree(): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    if (path.split("/").includes("..")) return new Response("bad path", { status: 400 });
    try {
      const body = await Deno.readFile(`${ROOT}${path}`);
      const type = path.endsWith(".ts") ? "application/typescript" : "text/plain";
      return new Response(body, { headers: { "content-type": `${type}; charset=utf-8` } });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
}

Deno.test("install.ts by URL fills the cache; mod.ts by URL opens a port with it", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "nms-url-" });
  const server = serveTree();
  try {
    const host = `127.0.0.1:${server.addr.port}`;
    const base = `http://${host}`;
    const env = {
      NMSCRIPT_CACHE: `${tmp}/cache`,
      NMSCRIPT_UVALE_DIR: `${tmp}/uvale`,
      DENO_DIR: `${tmp}/deno`,
    };
    await Deno.mkdir(env.NMSCRIPT_UVALE_DIR);
    const inst = await runDeno(["-A", "--reload", `${base}/scripts/install.ts`], env);
    assert.equal(inst.code, 0, `install failed:\n${inst.stdout}${inst.stderr}`);
    assert.match(inst.stdout, /installed .*\/cache\/[0-9.]+\/libnmscript\.so/);

    const script = `${tmp}/use.ts`;
    await Deno.writeTextFile(
      script,
      `import { libraryPath, openPort, uvaleStop } from "${base}/mod.ts";\n` +
        `try {\n` +
        `  using p = openPort("vale${Deno.pid % 10000}url:a");\n` +
        `  console.log(JSON.stringify({ lib: libraryPath(), rings: p.txRings.length }));\n` +
        `} finally { try { uvaleStop(); } catch { /* kernel backend */ } }\n`,
    );
    const flags = ["--allow-ffi", "--allow-read", "--allow-env", `--allow-import=${host}`];
    const use = await runDeno([...flags, script], env);
    assert.equal(use.code, 0, `script failed:\n${use.stdout}${use.stderr}`);
    const out = JSON.parse(use.stdout.trim().split("\n").pop()!);
    assert.match(out.lib, new RegExp(`^${tmp}/cache/[0-9.]+/libnmscript\\.so$`));
    assert.ok(out.rings >= 1);
  } finally {
    await server.shutdown();
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
});

Deno.test("the committed ffi/MANIFEST lists exactly what the Makefile builds", async () => {
  const committed = await Deno.readTextFile(`${ROOT}/ffi/MANIFEST`);
  const out = await new Deno.Command("make", {
    args: ["-s", "--no-print-directory", "print-manifest"],
    cwd: ROOT,
    stdout: "piped",
  }).output();
  assert.equal(out.code, 0);
  assert.equal(
    committed,
    new TextDecoder().decode(out.stdout),
    "ffi/MANIFEST is stale: run `make manifest` and commit it",
  );
});
