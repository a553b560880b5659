// 014: an RX copy monitor (/r) sees the frames a pipe end receives, and the port still gets them.
import { expect, monitor, netmapTest, pipe } from "../../src/testing/mod.ts";
import { ARRIVAL_MS, deliver, eventFrames } from "./_lib.ts";

netmapTest(import.meta, {
  id: "014",
  name: "rec_cp_mon_pipe",
  purpose:
    "an RX copy monitor (/r) sees the frames a pipe end receives, and the port still gets them",
  defaults: { len: 150, fill: "d" },
}, async (t) => {
  const p = pipe({ scope: t.scope, conf: t.conf });
  const v0 = p.open("master");
  const mon = monitor(t.scope, p.master, "r");
  const v1 = p.open("slave");
  const frames = eventFrames(t.params);
  await deliver(v1, frames, [mon]);
  await expect(v0, frames, { timeoutMs: ARRIVAL_MS });
});
