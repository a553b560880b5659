// 003: a pipe end held open exclusively (/x) cannot be opened again (EBUSY). The parent does
// not exist: netmap creates it (autodelete) for the pipe and removes it with the last end, which
// the pipe fixture checks at the end.
import { netmapTest, pipe } from "../../src/testing/mod.ts";
import { assertFailsWith } from "./_lib.ts";

netmapTest(import.meta, {
  id: "003",
  name: "exclusive_open_pipe",
  purpose: "a pipe end opened with /x refuses every other open (EBUSY)",
  defaults: { len: 274, fill: "c" },
}, (t) => {
  const p = pipe({ scope: t.scope, conf: t.conf });
  p.open("master", "/x");
  assertFailsWith("EBUSY", `open ${p.master}`, () => p.open("master"));
  assertFailsWith("EBUSY", `open ${p.master}/x`, () => p.open("master", "/x"));
});
