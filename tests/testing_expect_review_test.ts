// First-use review of send/expect: pattern typos refused before receiving, the hint for TX
// slots submitted but never synced, ExpectError codes and message, failure artifacts of plain
// scripts (NMSCRIPT_ARTIFACTS, ./nmscript-artifacts/<script>/, refused write permission).
import assert from "node:assert/strict";
import { NetmapError } from "../src/errors.ts";
import { eth, functionalFrame } from "../src/frames/mod.ts";
import type { FramePattern } from "../src/frames/matcher.ts";
import { expect, ExpectError, expectNothing, send, valeSwitch } from "../src/testing/mod.ts";
import { unsyncedTx } from "../src/testing/tx_pending.ts";
import { repoRoot, scenarios } from "./core_harness.ts";

const toB = eth({ dst: "ff:ff:ff:ff:ff:ff" }).ipv4({ src: "10.0.0.1", dst: "10.0.0.2" })
  .udp({ dstPort: 7 }).payload("x");

/** Runs a script written to `dir` from `dir`, with its own uvale daemon. */
async function runScript(
  dir: string,
  perms: string[],
  env: Record<string, string>,
): Promise<{ code: number; out: string }> {
  const src = `${repoRoot()}src/testing/mod.ts`;
  await Deno.writeTextFile(
    `${dir}/my_check.ts`,
    `import { eth } from "${repoRoot()}src/frames/mod.ts";
import { uvaleStop } from "${repoRoot()}src/ffi.ts";
import { valeSwitch } from "${src}";
const sw = valeSwitch();
const [a, b] = [sw.open("a"), sw.open("b")];
let code = 0;
try {
  await a.send(eth({}).ipv4({ src: "10.0.0.1", dst: "10.0.0.2" }).udp({ dstPort: 7 }).payload("x"));
  await b.expect({ udp: { dstPort: 9 } }, { timeoutMs: 300 });
} catch (e) {
  console.error(String(e));
  code = 3;
} finally {
  a.close();
  b.close();
  sw[Symbol.dispose]();
  try { uvaleStop(); } catch { /* none */ }
}
Deno.exit(code);
`,
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...perms, "my_check.ts"],
    cwd: dir,
    env: { NO_COLOR: "1", NMSCRIPT_UVALE_DIR: `${dir}/uv`, ...env },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(20_000),
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, out: dec.decode(out.stdout) + dec.decode(out.stderr) };
}

await scenarios(import.meta, {
  "a pattern typo is refused before anything is received": async () => {
    using sw = valeSwitch();
    const [a, b] = [sw.open("a"), sw.open("b")];
    await send(a, toB);
    const cases: [unknown, RegExp][] = [
      [{ ipv4dst: "9.9.9.9" }, /unknown key 'ipv4dst' in the pattern .*did you mean 'ipv4'\?/s],
      [{ ip: { dst: "10.0.0.2" } }, /unknown key 'ip' in the pattern/],
      [{ vlan: [{ id: 10 }] }, /unknown key 'id' in vlan\[0\] \(known: vid, pcp, dei, tpid/],
      [[toB, { udp: { dstprt: 7 } }], /unknown key 'dstprt' in expected\[1\]\.udp/],
    ];
    for (const [pattern, msg] of cases) {
      const e = await expect(b, pattern as FramePattern, { timeoutMs: 50 }).catch((x) => x);
      assert.ok(e instanceof NetmapError && !(e instanceof ExpectError), `${e}`);
      assert.equal(e.code, "EINVAL");
      assert.equal(e.op, "expect");
      assert.match(e.message, msg);
    }
    // nothing was consumed: the frame is still there for a correct pattern
    await expect(b, { ipv4: { dst: "10.0.0.2" }, udp: { dstPort: 7 } }, { timeoutMs: 500 });
  },

  "a timeout names TX slots submitted but never synced": async () => {
    using sw = valeSwitch();
    const [a, b] = [sw.open("a"), sw.open("b")];
    const tx = a.txRings[0];
    const frame = toB.build();
    assert.equal(tx.reserve(2), 2);
    tx.write(tx.slot(0), frame);
    tx.write(tx.slot(1), frame);
    tx.submit(2); // ... and no txsync
    const e = await expect(b, toB, { timeoutMs: 100 }).catch((x) => x);
    assert.ok(e instanceof ExpectError, `${e}`);
    assert.equal(e.code, "ETIMEDOUT");
    assert.equal(
      e.hint,
      `port ${a.name} ring 0 has 2 submitted slots never synced: call port.txsync()`,
    );
    assert.deepEqual(unsyncedTx(), [{ port: a.name, ring: 0, slots: 2 }]);
    a.txsync();
    assert.deepEqual(unsyncedTx(), []);
    await expect(b, [toB, toB], { timeoutMs: 500 });
    // synced: the timeout hint is the usual one again
    const again = await expect(b, toB, { timeoutMs: 50 }).catch((x) => x);
    assert.match((again as ExpectError).hint, /did not arrive/);
    // a closed port is forgotten
    assert.equal(tx.reserve(1), 1);
    tx.write(tx.slot(0), frame);
    tx.submit(1);
    assert.equal(unsyncedTx().length, 1);
    a.close();
    assert.deepEqual(unsyncedTx(), []);
  },

  "ExpectError: a code for each failure and a one-block message": async () => {
    using sw = valeSwitch();
    const [a, b] = [sw.open("a"), sw.open("b")];
    await send(a, toB);
    const e = await expect(b, { udp: { dstPort: 9 } }, { timeoutMs: 500 }).catch((x) => x);
    assert.ok(e instanceof ExpectError, `${e}`);
    assert.equal(e.code, "EMISMATCH");
    assert.equal(e.kind, "mismatch");
    assert.equal(e.errno, 0);
    const lines = e.message.split("\n");
    assert.equal(lines[0], `expect ${b.name}: frame 1 of 1 does not match (EMISMATCH)`);
    assert.match(e.message, /\n {2}frame 1 of 1 \(.*\n {4}udp\.dstPort: expected 9, actual 7\n/);
    assert.match(lines[lines.length - 1], /^ {2}hint: a received frame differs/);
    assert.doesNotMatch(e.message, / — |\s\n/);
    await send(a, toB);
    const n = await expectNothing(b, { timeoutMs: 300 }).catch((x) => x);
    assert.ok(n instanceof ExpectError);
    assert.equal(n.code, "EUNEXPECTED");
    assert.equal(n.kind, "unexpected");
    assert.doesNotMatch(n.message, / — |\s\n/);
    const t = await expect(b, toB, { timeoutMs: 20 }).catch((x) => x);
    assert.equal((t as ExpectError).code, "ETIMEDOUT");
    assert.equal((t as ExpectError).errno, 110);
  },

  "a plain script writes its failure artifacts to ./nmscript-artifacts/<script>/": async () => {
    const dir = await Deno.makeTempDir({ prefix: "nms-art-" });
    try {
      const r = await runScript(dir, ["-A"], {});
      assert.equal(r.code, 3, r.out);
      const out = `${dir}/nmscript-artifacts/my_check`;
      const names = [...Deno.readDirSync(out)].map((d) => d.name).sort();
      assert.equal(names.length, 3, names.join(" "));
      assert.ok(names.includes("diff.txt"));
      assert.ok(names.some((n) => n.endsWith(".sent.pcap")));
      const diff = Deno.readTextFileSync(`${out}/diff.txt`);
      assert.match(diff, /udp\.dstPort: expected 9, actual 7/);
      assert.match(r.out, new RegExp(`# failure artifacts: ${out}/`));
      // NMSCRIPT_ARTIFACTS chooses the root
      const r2 = await runScript(dir, ["-A"], { NMSCRIPT_ARTIFACTS: `${dir}/elsewhere` });
      assert.equal(r2.code, 3, r2.out);
      assert.ok(Deno.statSync(`${dir}/elsewhere/my_check/diff.txt`).isFile);
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },

  "without write permission one line says where artifacts would go and how": async () => {
    const dir = await Deno.makeTempDir({ prefix: "nms-art-" });
    try {
      const r = await runScript(dir, ["--allow-ffi", "--allow-read", "--allow-env"], {});
      assert.equal(r.code, 3, r.out);
      assert.match(
        r.out,
        new RegExp(
          `# failure artifacts not written: no write permission for ${dir}/nmscript-artifacts/` +
            `my_check \\(grant it with --allow-write=.*, or set NMSCRIPT_ARTIFACTS`,
        ),
      );
      assert.throws(() => Deno.statSync(`${dir}/nmscript-artifacts`));
      assert.match(r.out, /EMISMATCH/);
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },

  "the model frame stays unpadded; padding is explicit": () => {
    assert.equal(functionalFrame({ len: 60 }).length, 60);
    assert.equal(toB.build().length, 43);
    assert.equal(toB.build({ minLength: 60 }).length, 60);
  },
});
