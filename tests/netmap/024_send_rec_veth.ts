// 024: the two ends of a veth pair, opened in netmap mode, carry frames both ways.
// netmap's script is disabled (it exits 0 before doing anything); this is the test it meant
// to be. It runs on both backends (uvale opens Linux interfaces through AF_PACKET).
import { netmapTest, openScoped, skipUnlessSupported, vethPair } from "../../src/testing/mod.ts";
import { deliver, eventFrames } from "./_lib.ts";

netmapTest(import.meta, {
  id: "024",
  name: "send_rec_veth",
  purpose: "the two ends of a veth pair in netmap mode carry frames both ways",
  defaults: { len: 150, fill: "d" },
}, async (t) => {
  const v = await vethPair(t.scope, { prefix: "nmv" });
  const [a, b] = skipUnlessSupported("Linux interfaces", () => [
    openScoped(t.scope, `netmap:${v.a}`),
    openScoped(t.scope, `netmap:${v.b}`),
  ]);
  const frames = eventFrames(t.params);
  // Linux may send its own frames (IPv6 neighbour discovery) on the pair: skip them.
  await deliver(a, frames, [b], { ignoreOthers: true });
  await deliver(b, frames, [a], { ignoreOthers: true });
});
