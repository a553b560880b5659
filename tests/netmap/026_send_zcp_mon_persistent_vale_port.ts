// 026: a zero-copy monitor (/z) sees the frames a persistent VALE port sends once their slots come back.
// On kernel netmap the final detach fails with ENXIO (luigirizzo/netmap#882: the open renames
// the persistent port); the test recognises exactly that and ends as an expected failure.
import { expect, monitor, netmapTest, persistentPort } from "../../src/testing/mod.ts";
import { ARRIVAL_MS, bug882Switch, deliver, detachChecked, eventFrames } from "./_lib.ts";

netmapTest(import.meta, {
  id: "026",
  name: "send_zcp_mon_persistent_vale_port",
  purpose:
    "a zero-copy monitor (/z) sees the frames a persistent VALE port sends once their slots come back",
  defaults: { len: 150, fill: "d" },
}, async (t) => {
  const sw = bug882Switch(t); // shared on kernel: #882 keeps it alive
  const p0 = persistentPort({ scope: t.scope, conf: t.conf, attach: [sw] });
  const v0 = p0.openVia(sw);
  const mon = monitor(t.scope, `netmap:${p0.name}`, "z");
  const v1 = sw.open("v1");
  const frames = eventFrames(t.params);
  // VALE copies at txsync, so the TX slots come back at once and the monitor sees them
  // before the receiver reads.
  await deliver(v0, frames, [mon]);
  await expect(v1, frames, { timeoutMs: ARRIVAL_MS });
  for (const p of [v0, mon]) p.close();
  detachChecked(t, sw, [p0]);
});
