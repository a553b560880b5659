// 013: an RX copy monitor (/r) sees the frames a persistent VALE port receives, and the port still gets them.
// On kernel netmap the final detach fails with ENXIO (luigirizzo/netmap#882: the open renames
// the persistent port); the test recognises exactly that and ends as an expected failure.
import { expect, monitor, netmapTest, persistentPort } from "../../src/testing/mod.ts";
import { ARRIVAL_MS, bug882Switch, deliver, detachChecked, eventFrames } from "./_lib.ts";

netmapTest(import.meta, {
  id: "013",
  name: "rec_cp_mon_persistent_vale_port",
  purpose:
    "an RX copy monitor (/r) sees the frames a persistent VALE port receives, and the port still gets them",
  defaults: { len: 150, fill: "d" },
}, async (t) => {
  const sw = bug882Switch(t); // shared on kernel: #882 keeps it alive
  const p0 = persistentPort({ scope: t.scope, conf: t.conf, attach: [sw] });
  const v0 = p0.openVia(sw);
  const mon = monitor(t.scope, `netmap:${p0.name}`, "r");
  const v1 = sw.open("v1");
  const frames = eventFrames(t.params);
  await deliver(v1, frames, [mon]);
  await expect(v0, frames, { timeoutMs: ARRIVAL_MS });
  for (const p of [v0, mon]) p.close();
  detachChecked(t, sw, [p0]);
});
