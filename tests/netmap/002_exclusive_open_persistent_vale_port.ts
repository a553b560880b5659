// 002: a persistent VALE port attached to a switch and held open exclusively (/x) through the
// switch cannot be opened again, neither shared nor exclusively (EBUSY).
//
// Known kernel netmap bug (luigirizzo/netmap#882, comment of 2023-07-31): registering a
// persistent port through its switch ("vale0:v0/x") renames the port to "v0"; once closed, the
// switch lists it as "v0" and `vale-ctl -d vale0:v0` fails with ENXIO, so netmap's own script
// leaves the port attached. This test checks the correct behaviour after the exclusive holder
// closes: the port is still listed under its full name and detaches. uvale behaves correctly;
// on an unfixed kernel the test fails with a message naming the bug.
import { NetmapError } from "../../src/errors.ts";
import { valeList } from "../../src/vale.ts";
import { netmapTest, persistentPort, valeSwitch } from "../../src/testing/mod.ts";
import { assertFailsWith } from "./_lib.ts";

const KNOWN_BUG = "known kernel netmap bug (luigirizzo/netmap#882): a persistent port opened " +
  "through its switch is renamed, and detaching it then fails with ENXIO";

netmapTest(import.meta, {
  id: "002",
  name: "exclusive_open_persistent_vale_port",
  purpose: "a persistent VALE port opened with /x refuses every other open (EBUSY)",
  defaults: { len: 274, fill: "c" },
}, (t) => {
  const sw = valeSwitch({ scope: t.scope });
  const v0 = persistentPort({ scope: t.scope, attach: [sw] });
  const holder = v0.openVia(sw, "/x");
  assertFailsWith("EBUSY", `open ${sw.portName(v0.name)}`, () => v0.openVia(sw));
  assertFailsWith("EBUSY", `open ${sw.portName(v0.name)}/x`, () => v0.openVia(sw, "/x"));
  holder.close();
  const full = sw.portName(v0.name);
  const listed = valeList(full);
  if (listed.length !== 1 || listed[0].name !== full) {
    throw new Error(
      `${full} is not listed under its name after the /x holder closed: ${KNOWN_BUG}`,
    );
  }
  try {
    v0.detach(sw);
  } catch (e) {
    if (e instanceof NetmapError && e.code === "ENXIO") {
      throw new Error(`detach ${full} failed with ENXIO: ${KNOWN_BUG}`);
    }
    throw e;
  }
});
