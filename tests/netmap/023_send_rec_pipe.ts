// 023: a pipe carries frames both ways: }1 -> {1, then {1 -> }1.
import { netmapTest, pipe } from "../../src/testing/mod.ts";
import { deliver, eventFrames } from "./_lib.ts";

netmapTest(import.meta, {
  id: "023",
  name: "send_rec_pipe",
  purpose: "frames sent on one end of a pipe reach the other end, both ways",
  defaults: { len: 274, fill: "c" },
}, async (t) => {
  const p = pipe({ scope: t.scope, conf: t.conf });
  const master = p.open("master");
  const slave = p.open("slave");
  const frames = eventFrames(t.params);
  await deliver(slave, frames, [master]);
  await deliver(master, frames, [slave]);
});
