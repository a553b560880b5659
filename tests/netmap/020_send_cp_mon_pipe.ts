// 020: a TX copy monitor (/t) sees the frames a pipe end sends.
import { expect, monitor, netmapTest, pipe } from "../../src/testing/mod.ts";
import { ARRIVAL_MS, deliver, eventFrames } from "./_lib.ts";

netmapTest(import.meta, {
  id: "020",
  name: "send_cp_mon_pipe",
  purpose: "a TX copy monitor (/t) sees the frames a pipe end sends",
  defaults: { len: 150, fill: "d" },
}, async (t) => {
  const p = pipe({ scope: t.scope, conf: t.conf });
  const v0 = p.open("master");
  const mon = monitor(t.scope, p.master, "t");
  const v1 = p.open("slave");
  const frames = eventFrames(t.params);
  await deliver(v0, frames, [mon]);
  await expect(v1, frames, { timeoutMs: ARRIVAL_MS });
});
