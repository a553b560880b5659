// The library's symbol groups (bound lazily) and the timers that replace setTimeout
// (src/timer.ts): sleeps, cancellable alarms, within().
import assert from "node:assert/strict";
import { cString, library, libraryPath, SYMBOL_GROUPS, SYMBOLS } from "../src/ffi.ts";
import { NetmapError } from "../src/errors.ts";
import { Alarm, sleep, TIMED_OUT, within } from "../src/timer.ts";

const ROOT = new URL("../", import.meta.url);

/** The functions nmscript.h declares (its ABI for TypeScript). */
function headerFunctions(): string[] {
  const text = Deno.readTextFileSync(new URL("ffi/include/nmscript.h", ROOT))
    .replace(/\/\*[\s\S]*?\*\//g, "");
  return [...text.matchAll(/\b(nms_[a-z0-9_]+)\s*\(/g)].map((m) => m[1]);
}

Deno.test("SYMBOLS declares every function of nmscript.h, each in exactly one group", () => {
  const declared = new Set(headerFunctions());
  const bound = Object.entries(SYMBOLS).map(([k, v]) => ("name" in v ? v.name : k));
  assert.deepEqual([...new Set(bound)].sort(), [...declared].sort());
  const seen = new Map<string, string>();
  for (const [group, decls] of Object.entries(SYMBOL_GROUPS)) {
    for (const name of Object.keys(decls)) {
      assert.equal(seen.get(name), undefined, `${name} is in ${seen.get(name)} and ${group}`);
      seen.set(name, group);
    }
  }
  assert.equal(seen.size, Object.keys(SYMBOLS).length);
});

Deno.test("every group binds against the built library, lazily and once", () => {
  const lib = library();
  // a function of each lazy group, through the object library() returns
  assert.equal(typeof lib.nms_sleep, "function");
  assert.equal(typeof lib.nms_seqpacket_listen, "function");
  assert.equal(typeof lib.nms_tap_open, "function");
  assert.equal(typeof cString(lib.nms_vlan_reason_text(0)), "string");
  assert.match(cString(lib.nms_uvale_socket_path()), /\//);
  assert.equal(lib.nms_tap_open, lib.nms_tap_open, "a group is bound once");
  // the whole declaration matches the file too (Deno.dlopen fails on a missing symbol)
  Deno.dlopen(libraryPath(), SYMBOLS).close();
});

Deno.test("sleep waits at least its time and refuses bad times with EINVAL", async () => {
  const t0 = performance.now();
  await sleep(30);
  assert.ok(performance.now() - t0 >= 29, `slept ${performance.now() - t0} ms`);
  await sleep(0);
  await sleep(0.2); // rounded up to 1 ms
  for (const bad of [-1, NaN, Infinity, 2 ** 31]) {
    await assert.rejects(sleep(bad), (e: unknown) => {
      assert.ok(e instanceof NetmapError);
      assert.equal(e.code, "EINVAL");
      assert.match(e.message, /invalid time/);
      return true;
    });
  }
});

Deno.test("an alarm rings after its time; a cancelled one resolves false at once", async () => {
  const t0 = performance.now();
  const a = new Alarm(30);
  assert.equal(await a.rang, true);
  assert.ok(performance.now() - t0 >= 29);
  assert.equal(await a.stop(), true, "stop() after ringing reports that it rang");

  const long = new Alarm(600_000);
  long.cancel();
  long.cancel(); // twice is harmless
  assert.equal(await long.rang, false);

  let rang: boolean | undefined;
  {
    await using scoped = new Alarm(600_000);
    void scoped.rang.then((r) => rang = r);
  }
  await sleep(0);
  assert.equal(rang, false, "await using cancels the alarm and waits for it");
  assert.throws(() => new Alarm(-5), /invalid time -5 ms/);
});

Deno.test("within: the value, TIMED_OUT, or the rejection; never a timer left behind", async () => {
  assert.equal(await within(Promise.resolve(7), 600_000), 7);
  const never = new Promise<number>(() => {});
  assert.equal(await within(never, 20), TIMED_OUT);
  await assert.rejects(within(Promise.reject(new Error("boom")), 600_000), /boom/);
  // the slow part settles after the limit: within() has already answered
  assert.equal(await within(sleep(300).then(() => 1), 5), TIMED_OUT);
  await sleep(310);
});

Deno.test("nmscript's code waits with src/timer.ts, never with setTimeout/setInterval", async () => {
  // Deno 2.9's setTimeout loads its Node layer on first use (0.4-0.5 s under QEMU TCG): one
  // call on a test's or a tool's path costs every run that much.
  const offenders: string[] = [];
  const walk = async (dir: URL): Promise<void> => {
    for await (const e of Deno.readDir(dir)) {
      const url = new URL(e.name + (e.isDirectory ? "/" : ""), dir);
      if (e.isDirectory) await walk(url);
      else if (e.name.endsWith(".ts")) {
        const lines = (await Deno.readTextFile(url)).split("\n");
        lines.forEach((l, i) => {
          const code = l.replace(/\/\/.*$/, "");
          if (/^\s*\*/.test(code)) return; // JSDoc
          if (/\bset(Timeout|Interval)\s*\(/.test(code)) {
            offenders.push(`${url.pathname.slice(ROOT.pathname.length)}:${i + 1}: ${l.trim()}`);
          }
        });
      }
    }
  };
  await walk(new URL("src/", ROOT));
  await walk(new URL("scripts/", ROOT));
  await walk(new URL("tests/netmap/", ROOT));
  // the suite's own self-tests hang on purpose with a long timer (killed by the runner)
  const allowed = /^tests\/netmap\/support\//;
  assert.deepEqual(offenders.filter((o) => !allowed.test(o)), []);
});
