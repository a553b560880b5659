// 008: a pipe whose receiver reads only part of what was sent. The slave end sends 10 frames,
// the master end reads 7: three slots stay pending in the sender's TX ring (max - avail = 3),
// and sending one frame more than the free slots times out. Fixed values as in netmap: fill
// 'h', length 274, 10 sent, 7 read (only -v and -q apply).
import { expect, netmapTest, pipe, send, txCapacity } from "../../src/testing/mod.ts";
import { assert } from "../../src/testing/assert.ts";
import { NetmapError } from "../../src/errors.ts";
import { ARRIVAL_MS, eventFrames, SILENCE_MS } from "./_lib.ts";

netmapTest(import.meta, {
  id: "008",
  name: "partial_read_pipe",
  purpose: "frames not read by a pipe's receiver keep the sender's TX slots busy",
  defaults: {},
}, async (t) => {
  const p = pipe({ scope: t.scope, conf: t.conf });
  const master = p.open("master");
  const slave = p.open("slave");
  const params = { ...t.params, len: 274, fill: "h", num: 10 };
  const frames = eventFrames(params);
  await send(slave, frames);
  await expect(master, frames.slice(0, 7), { timeoutMs: ARRIVAL_MS });
  const { max, avail } = txCapacity(slave, params.len);
  t.log(`max ${max}, avail ${avail}`);
  assert.equal(max - avail, 10 - 7, `pending TX slots: max ${max} - avail ${avail}`);
  const more = eventFrames({ ...params, num: avail + 1 });
  await assert.rejects(
    () => send(slave, more, { timeoutMs: SILENCE_MS }),
    (e: unknown) => e instanceof NetmapError && e.code === "ETIMEDOUT",
    "sending avail + 1 frames must time out for want of TX space",
  );
});
