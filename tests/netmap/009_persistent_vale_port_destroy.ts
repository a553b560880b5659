// 009: a persistent VALE port can be destroyed only while it is attached to no switch
// (EBUSY otherwise). netmap's header text for this test is a copy of 011's.
import { netmapTest, persistentPort, valeSwitch } from "../../src/testing/mod.ts";
import { assertFailsWith, bug882Switch, detachChecked } from "./_lib.ts";

netmapTest(import.meta, {
  id: "009",
  name: "persistent_vale_port_destroy",
  purpose: "a persistent VALE port attached to a switch cannot be destroyed (EBUSY)",
  defaults: { len: 274, fill: "c" },
}, (t) => {
  // After #882 (the attach to b renames the port), b lets the port go but a keeps it: a is the
  // shared switch on kernel netmap (see bug882Switch in _lib.ts).
  const [a, b] = [bug882Switch(t), valeSwitch({ scope: t.scope, conf: t.conf })];
  const v0 = persistentPort({ scope: t.scope, conf: t.conf, create: false });
  v0.create();
  v0.destroy();
  v0.create();
  v0.attach(a);
  assertFailsWith("EBUSY", "destroy while attached to A", () => v0.destroy());
  v0.attach(b);
  assertFailsWith("EBUSY", "destroy while attached to A and B", () => v0.destroy());
  detachChecked(t, b, [v0]);
  assertFailsWith("EBUSY", "destroy while attached to A", () => v0.destroy());
  detachChecked(t, a, [v0]);
  v0.destroy();
});
