// Not part of the suite (no NNN_ prefix): a netmap test whose outcome is chosen by
// NMSCRIPT_SELFTEST_MODE (pass, fail, skip, leak, throw-and-leak, hold, xfail, xfail-leaves,
// xfail-other-leak), run by tests/testing_suite_test.ts to check exit codes, failure artifacts,
// leak detection, expected failures and the
// cleanup on SIGTERM ("hold" prints what it made, then waits up to 20 s to be killed).
import { expect, netmapTest, persistentPort, send, valeSwitch } from "../../../src/testing/mod.ts";
import { functionalFrame } from "../../../src/frames/mod.ts";

const mode = Deno.env.get("NMSCRIPT_SELFTEST_MODE") ?? "pass";

netmapTest(import.meta, {
  id: "900",
  name: "selftest",
  purpose: "exercises the suite runner",
  defaults: { len: 120, fill: "s" },
}, async (t) => {
  const sw = valeSwitch({ scope: t.scope });
  const [a, b] = [sw.open("a"), sw.open("b")];
  const frame = functionalFrame({ len: t.params.len, fill: t.params.fill });
  await send(a, frame);
  if (mode === "skip") t.skip("selftest asked to skip");
  if (mode === "hold") {
    const p = persistentPort({ scope: t.scope, attach: [sw] });
    console.log(`HOLD ${p.name} ${sw.name}`);
    await new Promise((r) => setTimeout(r, 20_000));
    return;
  }
  if (mode === "leak" || mode === "throw-and-leak") {
    t.scope.defer("resource that cannot be removed", () => {
      throw new Error("still here");
    });
  }
  if (mode === "throw-and-leak") throw new Error("body failed");
  if (mode.startsWith("xfail")) {
    const label = "resource the bug keeps";
    if (mode !== "xfail") {
      t.scope.defer(label, () => {
        throw new Error("cannot remove it");
      });
    }
    t.xfail("step 2 failed with ENXIO", {
      bug: "example/bug#1",
      leaves: mode === "xfail-other-leak" ? ["another resource"] : [label],
    });
  }
  // "fail": expect a different fill, so that the diff names the payload.
  await expect(b, functionalFrame({ len: t.params.len, fill: mode === "fail" ? "x" : "s" }), {
    timeoutMs: 500,
  });
});
