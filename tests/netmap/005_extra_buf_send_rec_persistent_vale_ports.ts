// 005: as 004 with three persistent ports attached to the switch; v2 sends from its extra
// buffers, v0 and v1 receive.
// On kernel netmap the final detach fails with ENXIO (luigirizzo/netmap#882: the open renames
// the persistent port); the test recognises exactly that and ends as an expected failure.
import { netmapTest, persistentPort } from "../../src/testing/mod.ts";
import {
  bug882Switch,
  deliver,
  detachChecked,
  eventFrames,
  EXTRA_BUFFERS,
  sendFromExtraBuffers,
} from "./_lib.ts";

netmapTest(import.meta, {
  id: "005",
  name: "extra_buf_send_rec_persistent_vale_ports",
  purpose: "frames sent from extra buffers of a persistent VALE port reach the other ports",
  defaults: { len: 274, fill: "c" },
}, async (t) => {
  const sw = bug882Switch(t); // shared on kernel: #882 keeps it alive
  const [p0, p1, p2] = [0, 1, 2].map(() =>
    persistentPort({ scope: t.scope, conf: t.conf, attach: [sw] })
  );
  const [v0, v1] = [p0.openVia(sw), p1.openVia(sw)];
  const v2 = p2.openVia(sw, "", { extraBuffers: EXTRA_BUFFERS });
  const frames = eventFrames(t.params);
  await deliver(v2, frames, [v0, v1], { send: sendFromExtraBuffers });
  for (const v of [v0, v1, v2]) v.close();
  detachChecked(t, sw, [p0, p1, p2]);
});
