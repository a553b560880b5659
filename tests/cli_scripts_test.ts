// The drop-in commands as subprocesses: usage, --help, bad options and their exit codes,
// and the launchers `make install` writes (scripts/install-launchers.sh).
import { assertEquals, assertIncludes } from "./cli_assert.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const TIMEOUT_MS = 30_000;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<Result> {
  const out = await new Deno.Command(cmd, {
    args,
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(TIMEOUT_MS),
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

function tool(script: string, ...args: string[]): Promise<Result> {
  return run(Deno.execPath(), ["run", "-q", "-P=tools", `scripts/${script}`, ...args]);
}

function expect(r: Result, code: number, where: "stdout" | "stderr", text: string): void {
  assertEquals(r.code, code, `exit code; stderr: ${r.stderr}`);
  assertIncludes(r[where], text);
}

Deno.test("scripts: vale-ctl usage and exit codes", async () => {
  expect(await tool("vale-ctl.ts", "--help"), 0, "stdout", "usage: vale-ctl");
  const bad = await tool("vale-ctl.ts", "-x");
  expect(bad, 1, "stderr", "vale-ctl: invalid option -- 'x'\nusage: vale-ctl");
  assertEquals(bad.stdout, "");
  expect(await tool("vale-ctl.ts", "-v"), 1, "stderr", "no action given");
  expect(await tool("vale-ctl.ts", "-l", "x:y"), 1, "stderr", "invalid vale port name 'x:y'");
  expect(await tool("vale-ctl.ts", "-n", "v0", "-C", "a"), 1, "stderr", "vale-ctl: -C:");
});

Deno.test("scripts: pkt-gen usage and exit codes", async () => {
  const h = await tool("pkt-gen.ts", "-h");
  expect(h, 0, "stderr", "usage: pkt-gen");
  assertEquals(h.stdout, "");
  expect(await tool("pkt-gen.ts"), 255, "stderr", "missing interface");
  expect(await tool("pkt-gen.ts", "-i", "vale0:a", "-f", "blast"), 255, "stderr", "'blast'");
  expect(await tool("pkt-gen.ts", "-i", "vale0:a", "-l", "8"), 255, "stderr", "bad packet size");
  expect(await tool("pkt-gen.ts", "--help"), 0, "stdout", "--json");
});

Deno.test("scripts: functional usage and exit codes", async () => {
  expect(await tool("functional.ts", "-h"), 0, "stdout", "usage: functional");
  expect(await tool("functional.ts", "-x"), 1, "stderr", "functional: invalid option -- 'x'");
  expect(await tool("functional.ts", "-t", "60"), 1, "stderr", "missing port");
  expect(await tool("functional.ts", "-i", "a", "-t", "0"), 1, "stderr", "-t: LEN 0");
  expect(await tool("functional.ts", "-i", "a", "-e", "2"), 1, "stderr", "-e needs -I");
  expect(await tool("functional.ts", "-i", "a", "-s", "1:2"), 1, "stderr", "invalid MAC");
});

Deno.test("scripts: fd_server and vale-vlan-ctl usage and exit codes", async () => {
  expect(await tool("fd-server.ts", "-x"), 1, "stderr", "fd_server: invalid option -- 'x'");
  expect(await tool("fd-server.ts", "--help"), 0, "stdout", "usage: fd_server");
  expect(await tool("vale-vlan-ctl.ts"), 1, "stderr", "usage: vale-vlan-ctl");
  expect(await tool("vale-vlan-ctl.ts", "-h"), 0, "stdout", "usage: vale-vlan-ctl");
  expect(await tool("vale-vlan-ctl.ts", "-x"), 1, "stdout", "usage: vale-vlan-ctl");
  expect(await tool("vale-vlan-ctl.ts", "-a", "p=5000"), 1, "stderr", "invalid VLAN id '5000'");
});

Deno.test("launchers: make install writes seven thin launchers that run the scripts", async () => {
  const prefix = await Deno.makeTempDir({ prefix: "nms-cli-install-" });
  try {
    const r = await run("bash", ["scripts/install-launchers.sh", prefix]);
    assertEquals(r.code, 0, r.stderr);
    const names = ["vale-ctl", "pkt-gen", "functional", "fd_server", "vale-vlan-ctl"];
    for (const name of [...names, "functional-legacy", "fd_server-legacy"]) {
      const path = `${prefix}/bin/${name}`;
      assertEquals(((await Deno.stat(path)).mode ?? 0) & 0o111, 0o111, `${name} is executable`);
      const text = await Deno.readTextFile(path);
      assertIncludes(text, `node_modules/.bin/deno' run -q -P=tools --config '${ROOT}deno.json'`);
      assertIncludes(text, name.endsWith("-legacy") ? `' --legacy "$@"` : `' "$@"`);
    }
    // A launcher runs its script from any directory, with arguments passed through.
    const v = await new Deno.Command("bash", {
      args: [`${prefix}/bin/functional`, "-i", "a", "-p", "0"],
      cwd: prefix,
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    }).output();
    assertEquals(v.code, 1);
    assertIncludes(new TextDecoder().decode(v.stderr), "-p: pause '0'");
  } finally {
    await Deno.remove(prefix, { recursive: true });
  }
});
