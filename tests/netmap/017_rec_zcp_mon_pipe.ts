// 017: a zero-copy monitor (/z) sees the frames a pipe end receives once it releases them.
import { expect, expectNothing, monitor, netmapTest, pipe, send } from "../../src/testing/mod.ts";
import { ARRIVAL_MS, eventFrames, SILENCE_MS } from "./_lib.ts";

netmapTest(import.meta, {
  id: "017",
  name: "rec_zcp_mon_pipe",
  purpose: "a zero-copy monitor (/z) sees the frames a pipe end receives once it releases them",
  defaults: { len: 150, fill: "d" },
}, async (t) => {
  const p = pipe({ scope: t.scope, conf: t.conf });
  const v0 = p.open("master");
  const mon = monitor(t.scope, p.master, "z");
  const v1 = p.open("slave");
  const frames = eventFrames(t.params);
  await send(v1, frames);
  // A zero-copy monitor sees RX slots only once the port has released them.
  await expectNothing(mon, { timeoutMs: SILENCE_MS });
  await expect(v0, frames, { timeoutMs: ARRIVAL_MS });
  await expect(mon, frames, { timeoutMs: ARRIVAL_MS });
});
