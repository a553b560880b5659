// The drop-in commands running for real on the default backend (uvale here): frames between
// two VALE ports with functional, the fd server, pkt-gen tx/rx, vale-ctl. Each test has its
// own uvale daemon (NMSCRIPT_UVALE_DIR) and its own fd-server socket, stopped at the end.
import { assertEquals, assertIncludes } from "./cli_assert.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const TIMEOUT_MS = 30_000;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

class Env {
  constructor(readonly dir: string) {}
  get vars(): Record<string, string> {
    return {
      NO_COLOR: "1",
      NMSCRIPT_UVALE_DIR: `${this.dir}/uvale`,
      NMSCRIPT_FD_SERVER_SOCKET: `${this.dir}/fds.sock`,
    };
  }
  command(script: string, args: string[]): Deno.Command {
    return new Deno.Command(Deno.execPath(), {
      args: ["run", "-q", "-P=tools", `scripts/${script}`, ...args],
      cwd: ROOT,
      env: this.vars,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  }
  async run(script: string, ...args: string[]): Promise<Result> {
    const out = await this.command(script, args).output();
    const dec = new TextDecoder();
    return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  }
}

/** Runs `fn` with a fresh environment; stops its uvale daemon afterwards. */
async function withEnv(fn: (env: Env) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "nms-cli-run-" });
  const env = new Env(dir);
  try {
    await fn(env);
  } finally {
    await new Deno.Command(Deno.execPath(), {
      args: ["eval", "-q", "import { uvaleStop } from './mod.ts'; try { uvaleStop(); } catch {}"],
      cwd: ROOT,
      env: env.vars,
      stdout: "null",
      stderr: "null",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    }).output();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/**
 * Starts an `-r` receiver with -vv, waits until it says it has opened its port (finite
 * wait), then runs the sender; returns [receiver, sender].
 */
async function pair(env: Env, rx: string[], tx: string[]): Promise<[Result, Result]> {
  const child = env.command("functional.ts", [...rx, "-v", "-v"]).spawn();
  const reader = child.stderr.getReader();
  const dec = new TextDecoder();
  let err = "";
  const deadline = Date.now() + 10_000;
  while (!err.includes("opened ") && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    err += dec.decode(value, { stream: true });
  }
  const t = await env.run("functional.ts", ...tx);
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    err += dec.decode(value, { stream: true });
  }
  const out = await child.output().catch(() => undefined);
  const status = await child.status;
  return [{ code: status.code, stdout: out ? dec.decode(out.stdout) : "", stderr: err }, t];
}

Deno.test("functional: frames between two VALE ports; mismatch and timeout exit 1", async () => {
  await withEnv(async (env) => {
    let [rx, tx] = await pair(env, ["-I", "vale0:b", "-r", "60:a:3", "-T", "3"], [
      "-I",
      "vale0:a",
      "-t",
      "60:a:3",
    ]);
    assertEquals([tx.code, rx.code], [0, 0], rx.stderr + tx.stderr);
    [rx, tx] = await pair(env, ["-I", "vale0:b", "-r", "100:y:4", "-q", "-T", "3"], [
      "-I",
      "vale0:a",
      "-t",
      "100:y:4",
      "-q",
    ]);
    assertEquals([tx.code, rx.code], [0, 0], rx.stderr + tx.stderr);
    [rx, tx] = await pair(env, ["-I", "vale0:b", "-r", "60:a", "-T", "3"], [
      "-I",
      "vale0:a",
      "-t",
      "60:b",
    ]);
    assertEquals([tx.code, rx.code], [0, 1]);
    assertIncludes(rx.stderr, "does not match");
    // Multi-slot frames (3000 bytes, and -F 100 fragments), -C loops, -e extra buffers.
    [rx, tx] = await pair(env, ["-I", "vale0:b", "-r", "3000:k:2", "-r", "500:m:3", "-T", "3"], [
      "-I",
      "vale0:a",
      "-t",
      "3000:k:2",
      "-t",
      "500:m:3",
      "-F",
      "100",
    ]);
    assertEquals([tx.code, rx.code], [0, 0], rx.stderr + tx.stderr);
    [rx, tx] = await pair(env, ["-I", "vale0:b", "-r", "60:a:2", "-C", "3", "-T", "3"], [
      "-I",
      "vale0:a",
      "-t",
      "60:a:2",
      "-C",
      "3",
      "-e",
      "4",
    ]);
    assertEquals([tx.code, rx.code], [0, 0], rx.stderr + tx.stderr);
    [rx, tx] = await pair(env, ["-I", "netmap:pp{1", "-r", "60:a:2", "-T", "3"], [
      "-I",
      "netmap:pp}1",
      "-t",
      "60:a:2",
    ]);
    assertEquals([tx.code, rx.code], [0, 0], rx.stderr + tx.stderr);
    const lost = await env.run("functional.ts", "-I", "vale0:c", "-r", "60", "-T", "0");
    assertEquals(lost.code, 1);
    assertIncludes(lost.stderr, "did not arrive");
    assertEquals(
      (await env.run("functional.ts", "-I", "vale0:c", "-r", "60", "-T", "0", "-n")).code,
      0,
    );
  });
});

Deno.test("fd_server: functional -i gets the port from the server; -c stops it", async () => {
  await withEnv(async (env) => {
    const server = env.command("fd-server.ts", ["-f"]).spawn();
    try {
      const sock = `${env.dir}/fds.sock`;
      for (let i = 0; i < 50 && !(await Deno.stat(sock).catch(() => undefined)); i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const tx = await env.run("functional.ts", "-i", "vale0:a", "-t", "60:a:2");
      assertEquals(tx.code, 0, tx.stderr);
      // The server keeps vale0:b open between runs: frames queue in its RX ring.
      assertEquals(
        (await env.run("functional.ts", "-i", "vale0:b", "-r", "60", "-n", "-T", "0")).code,
        0,
      );
      assertEquals((await env.run("functional.ts", "-i", "vale0:a", "-t", "60:c:2")).code, 0);
      const rx = await env.run("functional.ts", "-i", "vale0:b", "-r", "60:c:2", "-T", "2");
      assertEquals(rx.code, 0, rx.stderr);
      assertEquals(
        (await env.run("functional.ts", "-i", "vale0:a", "-I", "x", "-e", "1", "-T", "0")).code,
        1,
      );
      assertEquals((await env.run("functional.ts", "-c")).code, 0);
      const out = await server.output();
      assertEquals(out.code, 0);
      assertIncludes(new TextDecoder().decode(out.stdout), "get vale0:b: reused");
      assertEquals(await Deno.stat(sock).catch(() => undefined), undefined);
      // No server: -c is a silent success.
      assertEquals((await env.run("functional.ts", "-c", "-T", "0")).code, 0);
    } finally {
      try {
        server.kill("SIGTERM");
      } catch {
        // already exited
      }
    }
  });
});

Deno.test("pkt-gen: tx counts and summary lines; --json", async () => {
  await withEnv(async (env) => {
    const tx = await env.run("pkt-gen.ts", "-i", "vale0:a", "-f", "tx", "-n", "2000", "-l", "60");
    assertEquals(tx.code, 0, tx.stderr);
    assertIncludes(tx.stdout, "Sending on vale0:a:");
    assertIncludes(tx.stdout, "Sent 2000 packets 120000 bytes");
    assertIncludes(tx.stdout, "Speed: ");
    const js = await env.run("pkt-gen.ts", "-i", "vale0:a", "-f", "tx", "-n", "100", "--json");
    assertEquals(js.code, 0, js.stderr);
    const last = JSON.parse(js.stdout.trim().split("\n").at(-1)!);
    assertEquals([last.type, last.pkts, last.bytes], ["summary", 100, 6000]);
  });
});

Deno.test("vale-ctl: persistent port life cycle (skips while the backend lacks VALE control)", async () => {
  await withEnv(async (env) => {
    const n = await env.run("vale-ctl.ts", "-n", "nmsv0", "-C", "512");
    if (n.code !== 0 && n.stderr.includes("ENOSYS")) {
      console.log("SKIP: this backend does not implement VALE control yet (ENOSYS)");
      return;
    }
    assertEquals(n.code, 0, n.stderr);
    assertEquals((await env.run("vale-ctl.ts", "-a", "vale1:nmsv0")).code, 0);
    const all = await env.run("vale-ctl.ts");
    assertEquals(all.code, 1, "the listing exits 1, as the C tool");
    assertIncludes(all.stdout, "vale1:nmsv0 bridge_idx ");
    const one = await env.run("vale-ctl.ts", "-l", "vale1:nmsv0");
    assertIncludes(one.stdout, "bridge_idx: ");
    const busy = await env.run("vale-ctl.ts", "-r", "nmsv0");
    assertEquals(busy.code, 1);
    assertIncludes(busy.stderr, "failed to remove nmsv0: Device or resource busy");
    assertEquals((await env.run("vale-ctl.ts", "-d", "vale1:nmsv0")).code, 0);
    assertEquals((await env.run("vale-ctl.ts", "-r", "nmsv0")).code, 0);
    const gone = await env.run("vale-ctl.ts", "-r", "nmsv0");
    assertEquals(gone.code, 1);
    assertIncludes(gone.stderr, "failed to remove nmsv0: ");
  });
});
