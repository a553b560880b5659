// 007: the VALE learning bridge. Phase 1: v2 broadcasts from source MAC S; v0 and v1 receive
// and the switch learns S on v2. Phase 2: v0 sends to S; only v2 receives, v1 sees nothing.
//
// netmap's script has a bug here: phase 2 re-checks the exit codes of phase 1 (e1, e2, e3)
// instead of its own (e4, e5, e6), so phase 2 was never checked, and its v1 receiver ran with
// -n, which passes whether or not a frame arrives. This port checks phase 2 properly: v2 must
// receive the frames and v1 must receive nothing.
import { expectNothing, netmapTest, valeSwitch } from "../../src/testing/mod.ts";
import { deliver, eventFrames, randomMac, SILENCE_MS } from "./_lib.ts";

netmapTest(import.meta, {
  id: "007",
  name: "learning_bridge",
  purpose: "a VALE switch learns source MACs and sends unicast frames only to the learned port",
  defaults: { len: 150, fill: "d" },
}, async (t) => {
  const sw = valeSwitch({ scope: t.scope, conf: t.conf });
  const [v0, v1, v2] = [sw.open("v0"), sw.open("v1"), sw.open("v2")];
  const s = randomMac();
  t.log(`S = ${s}`);
  const phase1 = eventFrames(t.params, { src: s });
  await deliver(v2, phase1, [v0, v1]);
  const phase2 = eventFrames(t.params, { dst: s });
  await deliver(v0, phase2, [v2]);
  await expectNothing(v1, { timeoutMs: SILENCE_MS });
});
