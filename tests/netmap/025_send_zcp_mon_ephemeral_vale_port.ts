// 025: a zero-copy monitor (/z) sees the frames an ephemeral VALE port sends once their slots come back.
import { expect, monitor, netmapTest, valeSwitch } from "../../src/testing/mod.ts";
import { ARRIVAL_MS, deliver, eventFrames } from "./_lib.ts";

netmapTest(import.meta, {
  id: "025",
  name: "send_zcp_mon_ephemeral_vale_port",
  purpose:
    "a zero-copy monitor (/z) sees the frames an ephemeral VALE port sends once their slots come back",
  defaults: { len: 150, fill: "d" },
}, async (t) => {
  const sw = valeSwitch({ scope: t.scope, conf: t.conf });
  const v0 = sw.open("v0");
  const mon = monitor(t.scope, sw.portName("v0"), "z");
  const v1 = sw.open("v1");
  const frames = eventFrames(t.params);
  // VALE copies at txsync, so the TX slots come back at once and the monitor sees them
  // before the receiver reads.
  await deliver(v0, frames, [mon]);
  await expect(v1, frames, { timeoutMs: ARRIVAL_MS });
});
