// 015: a zero-copy monitor (/z) sees the frames an ephemeral VALE port receives once it releases them.
import {
  expect,
  expectNothing,
  monitor,
  netmapTest,
  send,
  valeSwitch,
} from "../../src/testing/mod.ts";
import { ARRIVAL_MS, eventFrames, SILENCE_MS } from "./_lib.ts";

netmapTest(import.meta, {
  id: "015",
  name: "rec_zcp_mon_ephemeral_vale_port",
  purpose:
    "a zero-copy monitor (/z) sees the frames an ephemeral VALE port receives once it releases them",
  defaults: { len: 150, fill: "d" },
}, async (t) => {
  const sw = valeSwitch({ scope: t.scope, conf: t.conf });
  const v0 = sw.open("v0");
  const mon = monitor(t.scope, sw.portName("v0"), "z");
  const v1 = sw.open("v1");
  const frames = eventFrames(t.params);
  await send(v1, frames);
  // A zero-copy monitor sees RX slots only once the port has released them.
  await expectNothing(mon, { timeoutMs: SILENCE_MS });
  await expect(v0, frames, { timeoutMs: ARRIVAL_MS });
  await expect(mon, frames, { timeoutMs: ARRIVAL_MS });
});
