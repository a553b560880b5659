// 001: an ephemeral VALE port held open exclusively (/x) cannot be opened again, neither shared
// nor exclusively: the kernel refuses the rings with EBUSY.
import { netmapTest, valeSwitch } from "../../src/testing/mod.ts";
import { assertFailsWith } from "./_lib.ts";

netmapTest(import.meta, {
  id: "001",
  name: "exclusive_open_ephemeral_vale_port",
  purpose: "an ephemeral VALE port opened with /x refuses every other open (EBUSY)",
  defaults: { len: 274, fill: "c" },
}, (t) => {
  const sw = valeSwitch({ scope: t.scope, conf: t.conf });
  sw.open("v0/x");
  assertFailsWith("EBUSY", `open ${sw.portName("v0")}`, () => sw.open("v0"));
  assertFailsWith("EBUSY", `open ${sw.portName("v0/x")}`, () => sw.open("v0/x"));
});
