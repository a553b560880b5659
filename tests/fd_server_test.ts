// The fd server (scripts/fd-server.ts) and its TypeScript client (src/fd_server_client.ts), for
// real on the default backend: every action, EBUSY, ring state kept across client processes,
// clients that misbehave or die, missing / stale / live sockets, FD_STOP and SIGTERM closing the
// held ports, daemon mode. Each scenario runs in its own child with its own uvale daemon
// (tests/core_harness.ts) and its own socket in that daemon's directory.
import assert from "node:assert/strict";
import {
  closeFd,
  fdServer,
  NetmapError,
  SeqpacketSocket,
  startFdServer,
  valeList,
} from "../mod.ts";
import { decodeFdResponse, encodeFdRequest, FD_GET } from "../src/cli/fd_protocol.ts";
import { type ChildResult, repoRoot, scenarios } from "./core_harness.ts";

const dir = (): string => Deno.env.get("NMSCRIPT_UVALE_DIR") ?? "/tmp";
const socketPath = (): string => `${dir()}/fds.sock`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function isCode(code: string): (e: unknown) => boolean {
  return (e: unknown) => e instanceof NetmapError && e.code === code;
}

/** Runs `deno run -P=tools scripts/<script> args` against this scenario's socket. */
async function tool(script: string, ...args: string[]): Promise<ChildResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-q", "-P=tools", `scripts/${script}`, ...args],
    cwd: repoRoot(),
    env: { NO_COLOR: "1", NMSCRIPT_FD_SERVER_SOCKET: socketPath() },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(20_000),
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Runs a bash command line (for /proc and kill, which need more than -P=test grants). */
async function sh(line: string): Promise<ChildResult> {
  const out = await new Deno.Command("bash", {
    args: ["-c", line],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(5000),
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

function valePorts(): string[] {
  return valeList().map((p) => p.name);
}

/** Polls `cond` every 50 ms for at most `ms`. */
async function eventually(cond: () => boolean | Promise<boolean>, ms = 3000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await cond()) return true;
    await sleep(50);
  }
  return await cond();
}

async function exists(path: string): Promise<boolean> {
  return (await Deno.lstat(path).catch(() => undefined)) !== undefined;
}

/** Sends raw bytes as one request; returns the reply (undefined when the server just closed). */
async function raw(bytes: Uint8Array): Promise<{ result: number; fd: number } | undefined> {
  using s = await SeqpacketSocket.connect(socketPath(), { timeoutMs: 1000 });
  s.send(bytes);
  const msg = await s.recv({ timeoutMs: 3000 });
  closeFd(msg.fd);
  if (msg.closed) return undefined;
  const res = decodeFdResponse(msg.data);
  assert.ok(res, `a whole fd_response, got ${msg.data.length} bytes`);
  return { result: res.result, fd: msg.fd };
}

await scenarios(import.meta, {
  "every action: GET, reuse, EBUSY, RELEASE, CLOSE, unknown, options, STOP": async () => {
    const log = `${dir()}/fds.log`;
    await using srv = await startFdServer({ socket: socketPath(), log });
    const fds = srv.client;
    {
      using a = await fds.get("vale0:a");
      assert.ok(a.rxRings.length >= 1 && a.txRings.length >= 1);
    }
    assert.ok(valePorts().includes("vale0:a"), "the server holds vale0:a");
    await assert.rejects(fds.get("vale0:a"), isCode("EBUSY"), "not released yet");
    await fds.release("vale0:a");
    {
      using again = await fds.get("vale0:a");
      assert.ok(again.rxRings.length >= 1);
    }
    // Fixed quirk: a reused port is in use again.
    await assert.rejects(fds.get("vale0:a"), isCode("EBUSY"), "in use after a reuse");
    await fds.release("vale0:a");
    await fds.close("vale0:a");
    assert.ok(!valePorts().includes("vale0:a"), "FD_CLOSE closed vale0:a");
    await fds.close("vale0:nothing"); // unknown: no reply, no harm
    await fds.release("vale0:nothing");
    // Fixed quirk: names sharing their first 16 characters are distinct ports.
    const p1 = await fds.get("vale0:abcdefghijk1");
    const p2 = await fds.get("vale0:abcdefghijk2");
    assert.ok(valePorts().includes("vale0:abcdefghijk1"));
    assert.ok(valePorts().includes("vale0:abcdefghijk2"));
    p1.close(); // this process's copies; the server still holds both
    p2.close();
    // Kept: unknown actions and ports with options get EOPNOTSUPP.
    assert.deepEqual(await raw(encodeFdRequest({ action: 9, name: "vale0:a" })), {
      result: 95,
      fd: -1,
    });
    await assert.rejects(fds.get("vale0:o@offset=8"), isCode("EOPNOTSUPP"));
    await assert.rejects(fds.get("nosuchif0"), (e: unknown) => e instanceof NetmapError);
    await assert.rejects(fds.get(""), isCode("EINVAL"));
    await assert.rejects(fds.get("x".repeat(64)), isCode("EINVAL"));
    // FD_STOP: resolves once the ports are closed and the socket is gone.
    assert.equal(await fds.stop(), true);
    assert.ok(!(await exists(socketPath())), "socket removed");
    const left = valePorts().filter((n) => n.startsWith("vale0:abcdefghijk"));
    assert.deepEqual(left, [], "FD_STOP closed the held ports");
    assert.equal(await srv.stop(), 0);
    const text = await Deno.readTextFile(log);
    for (const line of ["get vale0:a: opened", "get vale0:a: reused", "get vale0:a: EBUSY"]) {
      assert.ok(text.includes(line), `log has '${line}':\n${text}`);
    }
    assert.equal(await fds.stop(), false, "no server: stop() is false");
  },

  "at most 128 ports held; closed ports free their slot": async () => {
    await using srv = await startFdServer({ socket: socketPath() });
    const fds = srv.client;
    const name = (i: number): string => `vale${i % 4}:p${i}@conf:slots=64`;
    for (let i = 0; i < 128; i++) {
      (await fds.get(name(i))).close();
      await fds.release(name(i));
    }
    await assert.rejects(fds.get(name(128)), isCode("ENOMEM"));
    await fds.close(name(0));
    (await fds.get(name(128))).close(); // the C table was never recycled
    await fds.release(name(128));
  },

  "ring state kept across client processes; EBUSY for a second holder": async () => {
    await using srv = await startFdServer({ socket: socketPath() });
    // Open vale0:b through the server so that it exists when vale0:a sends.
    let r = await tool("functional.ts", "-i", "vale0:b", "-r", "60", "-n", "-T", "0");
    assert.equal(r.code, 0, r.stderr);
    r = await tool("functional.ts", "-i", "vale0:a", "-t", "60:c:3");
    assert.equal(r.code, 0, r.stderr);
    // The frames wait in vale0:b's RX ring; a later process receives them.
    r = await tool("functional.ts", "-i", "vale0:b", "-r", "60:c:3", "-T", "2");
    assert.equal(r.code, 0, r.stderr);
    // While this process holds vale0:b, functional gets EBUSY and exits 1.
    const held = await srv.client.get("vale0:b");
    r = await tool("functional.ts", "-i", "vale0:b", "-r", "60", "-n", "-T", "0");
    assert.equal(r.code, 1);
    assert.match(r.stderr, /EBUSY/);
    held.close();
    await srv.client.release("vale0:b");
    r = await tool("functional.ts", "-i", "vale0:b", "-r", "60", "-n", "-T", "0");
    assert.equal(r.code, 0, r.stderr);
  },

  "silent, garbage and killed clients do not stop the server": async () => {
    await using srv = await startFdServer({ socket: socketPath() });
    const fds = srv.client;
    // Connect-and-silence: the next client is answered at once, not after a timeout.
    using silent = await SeqpacketSocket.connect(socketPath(), { timeoutMs: 1000 });
    const t0 = Date.now();
    (await fds.get("vale0:a")).close();
    await fds.release("vale0:a");
    assert.ok(Date.now() - t0 < 1500, `answered in ${Date.now() - t0} ms`);
    // Garbage: unknown action with a long body, a short GET, an empty message, an fd passed in.
    const junk = new Uint8Array(300).map((_, i) => (i * 37 + 0xee) & 0xff);
    assert.equal((await raw(junk))?.result, 95);
    const short = await raw(new Uint8Array([FD_GET, 0x7a]));
    assert.ok(short !== undefined && short.result !== 0 && short.fd === -1);
    assert.equal(await raw(new Uint8Array(0)), undefined);
    {
      using s = await SeqpacketSocket.connect(socketPath(), { timeoutMs: 1000 });
      s.send(encodeFdRequest({ action: 9, name: "x" }), 1);
      assert.equal(decodeFdResponse((await s.recv({ timeoutMs: 3000 })).data)?.result, 95);
    }
    // A client killed after its GET, before reading the reply: the port is not left in use.
    const code = `
      import { SeqpacketSocket } from "./mod.ts";
      import { encodeFdRequest, FD_GET } from "./src/cli/fd_protocol.ts";
      const s = await SeqpacketSocket.connect(${JSON.stringify(socketPath())});
      s.send(encodeFdRequest({ action: FD_GET, name: "vale0:k" }));
      console.log("sent");
      await new Promise((r) => setTimeout(r, 60000));`;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["eval", "-q", code],
      cwd: repoRoot(),
      stdin: "null",
      stdout: "piped",
      stderr: "null",
      signal: AbortSignal.timeout(20_000),
    }).spawn();
    const reader = child.stdout.getReader();
    const first = await reader.read();
    assert.match(new TextDecoder().decode(first.value), /sent/);
    await sleep(300); // the server has answered; the reply sits unread
    child.kill("SIGKILL");
    await child.status;
    await reader.cancel();
    let got = false;
    await eventually(async () => {
      try {
        (await fds.get("vale0:k")).close();
        got = true;
      } catch (e) {
        if (!isCode("EBUSY")(e)) throw e;
      }
      return got;
    }, 2000);
    assert.ok(got, "vale0:k is free again after its client died mid-request");
    await fds.release("vale0:k");
    silent.close();
    assert.equal(await srv.stop(), 0);
  },

  "missing, stale and live sockets": async () => {
    const sock = socketPath();
    // Missing: functional -i exits 1 and says so.
    let r = await tool("functional.ts", "-i", "vale0:a", "-t", "60", "-T", "0");
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ENOENT: no fd server/);
    assert.ok(r.stderr.includes(sock), r.stderr);
    await assert.rejects(
      fdServer({ socket: sock, connectTimeoutMs: 0 }).get("vale0:a"),
      isCode("ENOENT"),
    );
    // Stale: a server killed with SIGKILL leaves its socket file behind.
    const dead = new Deno.Command(Deno.execPath(), {
      args: ["run", "-q", "-P=tools", "scripts/fd-server.ts", "-f"],
      cwd: repoRoot(),
      env: { NMSCRIPT_FD_SERVER_SOCKET: sock },
      stdin: "null",
      stdout: "null",
      stderr: "null",
      signal: AbortSignal.timeout(20_000),
    }).spawn();
    assert.ok(await eventually(() => exists(sock), 10_000), "the first server listens");
    dead.kill("SIGKILL");
    await dead.status;
    assert.ok(await exists(sock), "stale socket file left behind");
    r = await tool("functional.ts", "-i", "vale0:a", "-t", "60", "-T", "0");
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ECONNREFUSED: stale socket/);
    // A new server replaces the stale socket.
    await using srv = await startFdServer({ socket: sock });
    (await srv.client.get("vale0:a")).close();
    await srv.client.release("vale0:a");
    // Live: a second server is refused (foreground, daemon, API); the first keeps serving.
    r = await tool("fd-server.ts", "-f");
    assert.equal(r.code, 1);
    assert.match(r.stderr, /already listening on .*EADDRINUSE/);
    r = await tool("fd-server.ts");
    assert.equal(r.code, 1);
    assert.match(r.stderr, /already listening/);
    await assert.rejects(startFdServer({ socket: sock }), isCode("EADDRINUSE"));
    (await srv.client.get("vale0:a")).close();
    await srv.client.release("vale0:a");
    // A path that is not a socket is not removed.
    await srv.stop();
    await Deno.writeTextFile(sock, "not a socket");
    r = await tool("fd-server.ts", "-f");
    assert.equal(r.code, 1);
    assert.match(r.stderr, /not a socket \(EEXIST\)/);
    assert.equal(await Deno.readTextFile(sock), "not a socket");
    await Deno.remove(sock);
  },

  "daemon mode; SIGTERM closes the held ports; functional -o / -c": async () => {
    const sock = socketPath();
    const log = `${sock}.log`;
    try {
      let r = await tool("fd-server.ts");
      assert.equal(r.code, 0, r.stderr);
      // The parent returned once the server answers: no retry needed.
      r = await tool("functional.ts", "-i", "vale0:d", "-r", "60", "-n", "-T", "0");
      assert.equal(r.code, 0, r.stderr);
      assert.ok(valePorts().includes("vale0:d"));
      const text = await Deno.readTextFile(log);
      const pid = Number(/nm_fd_server\[(\d+)\]/.exec(text)?.[1]);
      assert.ok(pid > 0, `the log names the daemon:\n${text}`);
      const stat = (await sh(`cat /proc/${pid}/stat`)).stdout.split(") ")[1].split(" ");
      assert.equal(Number(stat[3]), pid, "the daemon leads its own session (setsid)");
      assert.equal((await sh(`kill -TERM ${pid}`)).code, 0);
      assert.ok(await eventually(async () => !(await exists(sock))), "socket removed on SIGTERM");
      assert.ok(await eventually(() => !valePorts().includes("vale0:d")), "vale0:d closed");
      assert.ok(await eventually(async () => (await sh(`kill -0 ${pid}`)).code !== 0), "exited");
      assert.match(await Deno.readTextFile(log), /stopping \(signal\)[\s\S]*stopped/);
      // functional -o starts a daemon that is ready when it returns; -c stops it.
      r = await tool("functional.ts", "-o");
      assert.equal(r.code, 0, r.stderr);
      r = await tool("functional.ts", "-i", "vale0:e", "-r", "60", "-n", "-T", "0");
      assert.equal(r.code, 0, r.stderr);
      r = await tool("functional.ts", "-c");
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!(await exists(sock)), "-c returns once the server is gone");
      assert.ok(!valePorts().includes("vale0:e"), "and its ports are closed");
    } finally {
      // a failed assertion must not leave a daemon behind
      await fdServer({ socket: sock, connectTimeoutMs: 0 }).stop().catch(() => false);
    }
  },
});
