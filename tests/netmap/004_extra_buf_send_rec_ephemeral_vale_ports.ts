// 004: a sender that puts its frames into extra buffers (swapped into its TX slots) reaches
// both other ports of the switch (broadcast).
import { netmapTest, valeSwitch } from "../../src/testing/mod.ts";
import { deliver, eventFrames, EXTRA_BUFFERS, sendFromExtraBuffers } from "./_lib.ts";

netmapTest(import.meta, {
  id: "004",
  name: "extra_buf_send_rec_ephemeral_vale_ports",
  purpose: "frames sent from extra buffers of an ephemeral VALE port reach the other ports",
  defaults: { len: 274, fill: "c" },
}, async (t) => {
  const sw = valeSwitch({ scope: t.scope, conf: t.conf });
  const [v1, v2] = [sw.open("v1"), sw.open("v2")];
  const v0 = sw.open("v0", { extraBuffers: EXTRA_BUFFERS });
  const frames = eventFrames(t.params);
  await deliver(v0, frames, [v1, v2], { send: sendFromExtraBuffers });
});
