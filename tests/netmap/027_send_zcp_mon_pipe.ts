// 027: a zero-copy monitor (/z) sees the frames a pipe end sends once their slots come back.
import { expect, expectNothing, monitor, netmapTest, pipe, send } from "../../src/testing/mod.ts";
import { ARRIVAL_MS, eventFrames, SILENCE_MS } from "./_lib.ts";

netmapTest(import.meta, {
  id: "027",
  name: "send_zcp_mon_pipe",
  purpose: "a zero-copy monitor (/z) sees the frames a pipe end sends once their slots come back",
  defaults: { len: 150, fill: "d" },
}, async (t) => {
  const p = pipe({ scope: t.scope, conf: t.conf });
  const v0 = p.open("master");
  const mon = monitor(t.scope, p.master, "z");
  const v1 = p.open("slave");
  const frames = eventFrames(t.params);
  // A pipe's TX slot comes back to the sender only on its next txsync after the peer consumed
  // it: the zero-copy monitor sees nothing until then.
  await send(v0, frames);
  await expectNothing(mon, { timeoutMs: SILENCE_MS });
  await expect(v1, frames, { timeoutMs: ARRIVAL_MS });
  const more = eventFrames(t.params);
  await send(v0, more);
  await expect(mon, frames, { timeoutMs: ARRIVAL_MS });
  await expect(v1, more, { timeoutMs: ARRIVAL_MS });
});
