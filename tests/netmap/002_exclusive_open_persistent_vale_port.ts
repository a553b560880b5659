// 002: a persistent VALE port attached to a switch and held open exclusively (/x) through the
// switch cannot be opened again, neither shared nor exclusively (EBUSY); once the holder
// closes, the port is still listed under its full name and detaches.
//
// Known kernel netmap bug (luigirizzo/netmap#882, see BUG_882 in _lib.ts): the /x open renames
// the port to its bare name, so the next opens of "SWITCH:NAME" fail with EINVAL instead of
// EBUSY (the switch no longer finds the port and takes the name for a NIC), and the detach
// fails with ENXIO. On the kernel the test recognises exactly that and ends as an expected
// failure ([XFAIL], exit 2); on uvale it checks the correct behaviour.
import { NetmapError } from "../../src/errors.ts";
import { valeList } from "../../src/vale.ts";
import { netmapTest, persistentPort } from "../../src/testing/mod.ts";
import { bug882Switch, detachChecked, xfailIfBug882 } from "./_lib.ts";

netmapTest(import.meta, {
  id: "002",
  name: "exclusive_open_persistent_vale_port",
  purpose: "a persistent VALE port opened with /x refuses every other open (EBUSY)",
  defaults: { len: 274, fill: "c" },
}, (t) => {
  const sw = bug882Switch(t); // shared on kernel: #882 keeps it alive
  const v0 = persistentPort({ scope: t.scope, conf: t.conf, attach: [sw] });
  const holder = v0.openVia(sw, "/x");
  for (const suffix of ["", "/x"]) {
    const step = `open ${sw.portName(v0.name)}${suffix}`;
    try {
      v0.openVia(sw, suffix);
    } catch (e) {
      if (e instanceof NetmapError && e.code === "EBUSY") continue;
      xfailIfBug882(t, [v0], step, "EINVAL", e);
      throw new Error(`${step}: expected EBUSY, got ${e instanceof Error ? e.message : e}`);
    }
    throw new Error(`${step}: expected EBUSY, but it succeeded`);
  }
  holder.close();
  const full = sw.portName(v0.name);
  const listed = valeList(full);
  if (listed.length !== 1 || listed[0].name !== full) {
    throw new Error(`${full} is not listed under its name after the /x holder closed`);
  }
  detachChecked(t, sw, [v0]);
});
