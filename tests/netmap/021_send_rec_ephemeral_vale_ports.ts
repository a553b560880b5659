// 021: frames sent from one ephemeral VALE port reach the two others (broadcast), in both
// directions of the switch: v2 -> (v0, v1), then v0 -> (v1, v2).
import { netmapTest, valeSwitch } from "../../src/testing/mod.ts";
import { deliver, eventFrames } from "./_lib.ts";

netmapTest(import.meta, {
  id: "021",
  name: "send_rec_ephemeral_vale_ports",
  purpose: "frames sent on an ephemeral VALE port reach every other port of the switch",
  defaults: { len: 274, fill: "c" },
}, async (t) => {
  const sw = valeSwitch({ scope: t.scope, conf: t.conf });
  const [v0, v1, v2] = [sw.open("v0"), sw.open("v1"), sw.open("v2")];
  const frames = eventFrames(t.params);
  await deliver(v2, frames, [v0, v1]);
  await deliver(v0, frames, [v1, v2]);
});
