// Not part of the suite (no NNN_ prefix): several netmap tests in one module, with every
// outcome the in-process runner must survive and count (pass, fail, a stray rejection, a leak,
// xfail, skip, a test that never ends). Run by tests/testing_netmap_suite_test.ts through
// tests/netmap/run_all.ts.
import { netmapTest, valeSwitch } from "../../../src/testing/mod.ts";

const info = (id: string, name: string): { id: string; name: string; purpose: string } => ({
  id,
  name,
  purpose: `runner case ${name}`,
});

netmapTest(import.meta, info("911", "throws"), (t) => {
  valeSwitch({ scope: t.scope }).open("a");
  throw new Error("case 911 failed on purpose");
});
netmapTest(import.meta, info("912", "passes"), (t) => {
  const sw = valeSwitch({ scope: t.scope });
  sw.open("a");
  sw.open("b");
});
netmapTest(import.meta, info("913", "stray_rejection"), () => {
  void Promise.reject(new Error("case 913 forgot this promise"));
});
netmapTest(import.meta, info("914", "leaks"), (t) => {
  t.scope.defer("resource that stays", () => {
    throw new Error("cannot remove it");
  });
});
netmapTest(import.meta, info("915", "xfail"), (t) => {
  t.xfail("step 1 failed with ENXIO", { bug: "example/bug#1" });
});
netmapTest(import.meta, info("916", "skips"), (t) => {
  t.skip("case 916 skips on purpose");
});
netmapTest(import.meta, info("917", "hangs"), async (t) => {
  valeSwitch({ scope: t.scope }).open("a");
  await new Promise((r) => setTimeout(r, 30_000));
});
netmapTest(import.meta, info("918", "passes_after"), (t) => {
  valeSwitch({ scope: t.scope }).open("a");
});
