// 016: a zero-copy monitor (/z) sees the frames a persistent VALE port receives once it releases them.
// On kernel netmap the final detach fails with ENXIO (luigirizzo/netmap#882: the open renames
// the persistent port); the test recognises exactly that and ends as an expected failure.
import {
  expect,
  expectNothing,
  monitor,
  netmapTest,
  persistentPort,
  send,
} from "../../src/testing/mod.ts";
import { ARRIVAL_MS, bug882Switch, detachChecked, eventFrames, SILENCE_MS } from "./_lib.ts";

netmapTest(import.meta, {
  id: "016",
  name: "rec_zcp_mon_persistent_vale_port",
  purpose:
    "a zero-copy monitor (/z) sees the frames a persistent VALE port receives once it releases them",
  defaults: { len: 150, fill: "d" },
}, async (t) => {
  const sw = bug882Switch(t); // shared on kernel: #882 keeps it alive
  const p0 = persistentPort({ scope: t.scope, conf: t.conf, attach: [sw] });
  const v0 = p0.openVia(sw);
  const mon = monitor(t.scope, `netmap:${p0.name}`, "z");
  const v1 = sw.open("v1");
  const frames = eventFrames(t.params);
  await send(v1, frames);
  // A zero-copy monitor sees RX slots only once the port has released them.
  await expectNothing(mon, { timeoutMs: SILENCE_MS });
  await expect(v0, frames, { timeoutMs: ARRIVAL_MS });
  await expect(mon, frames, { timeoutMs: ARRIVAL_MS });
  for (const p of [v0, mon]) p.close();
  detachChecked(t, sw, [p0]);
});
