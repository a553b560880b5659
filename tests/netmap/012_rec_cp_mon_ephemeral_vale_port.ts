// 012: an RX copy monitor (/r) sees the frames an ephemeral VALE port receives, and the port still gets them.
import { expect, monitor, netmapTest, valeSwitch } from "../../src/testing/mod.ts";
import { ARRIVAL_MS, deliver, eventFrames } from "./_lib.ts";

netmapTest(import.meta, {
  id: "012",
  name: "rec_cp_mon_ephemeral_vale_port",
  purpose:
    "an RX copy monitor (/r) sees the frames an ephemeral VALE port receives, and the port still gets them",
  defaults: { len: 150, fill: "d" },
}, async (t) => {
  const sw = valeSwitch({ scope: t.scope, conf: t.conf });
  const v0 = sw.open("v0");
  const mon = monitor(t.scope, sw.portName("v0"), "r");
  const v1 = sw.open("v1");
  const frames = eventFrames(t.params);
  await deliver(v1, frames, [mon]);
  await expect(v0, frames, { timeoutMs: ARRIVAL_MS });
});
