// 022: as 021 with three persistent ports attached to the switch: v2 -> (v0, v1), then
// v0 -> (v1, v2).
import { netmapTest, persistentPort } from "../../src/testing/mod.ts";
import { bug882Switch, deliver, detachChecked, eventFrames } from "./_lib.ts";

netmapTest(import.meta, {
  id: "022",
  name: "send_rec_persistent_vale_ports",
  purpose: "frames sent on a persistent VALE port reach every other port of the switch",
  defaults: { len: 274, fill: "c" },
}, async (t) => {
  const sw = bug882Switch(t); // shared on kernel: #882 keeps it alive
  const ports = [0, 1, 2].map(() => persistentPort({ scope: t.scope, conf: t.conf, attach: [sw] }));
  const [v0, v1, v2] = ports.map((p) => p.openVia(sw));
  const frames = eventFrames(t.params);
  await deliver(v2, frames, [v0, v1]);
  await deliver(v0, frames, [v1, v2]);
  for (const v of [v0, v1, v2]) v.close();
  detachChecked(t, sw, ports);
});
