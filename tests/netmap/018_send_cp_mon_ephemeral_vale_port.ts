// 018: a TX copy monitor (/t) sees the frames an ephemeral VALE port sends.
import { expect, monitor, netmapTest, valeSwitch } from "../../src/testing/mod.ts";
import { ARRIVAL_MS, deliver, eventFrames } from "./_lib.ts";

netmapTest(import.meta, {
  id: "018",
  name: "send_cp_mon_ephemeral_vale_port",
  purpose: "a TX copy monitor (/t) sees the frames an ephemeral VALE port sends",
  defaults: { len: 150, fill: "d" },
}, async (t) => {
  const sw = valeSwitch({ scope: t.scope, conf: t.conf });
  const v0 = sw.open("v0");
  const mon = monitor(t.scope, sw.portName("v0"), "t");
  const v1 = sw.open("v1");
  const frames = eventFrames(t.params);
  await deliver(v0, frames, [mon]);
  await expect(v1, frames, { timeoutMs: ARRIVAL_MS });
});
