// 006: the slave end of a pipe sends from its extra buffers, the master end receives. (netmap's
// header comment has the direction reversed; its code, like this test, sends from }1 to {1.)
import { netmapTest, pipe } from "../../src/testing/mod.ts";
import { deliver, eventFrames, EXTRA_BUFFERS, sendFromExtraBuffers } from "./_lib.ts";

netmapTest(import.meta, {
  id: "006",
  name: "extra_buf_send_rec_pipe",
  purpose: "frames sent from extra buffers of a pipe end reach the other end",
  defaults: { len: 274, fill: "c" },
}, async (t) => {
  const p = pipe({ scope: t.scope, conf: t.conf });
  const master = p.open("master");
  const slave = p.open("slave", "", { extraBuffers: EXTRA_BUFFERS });
  const frames = eventFrames(t.params);
  await deliver(slave, frames, [master], { send: sendFromExtraBuffers });
});
