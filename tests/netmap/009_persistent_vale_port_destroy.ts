// 009: a persistent VALE port can be destroyed only while it is attached to no switch
// (EBUSY otherwise). netmap's header text for this test is a copy of 011's.
import { netmapTest, persistentPort, valeSwitch } from "../../src/testing/mod.ts";
import { assertFailsWith, detachChecked } from "./_lib.ts";

netmapTest(import.meta, {
  id: "009",
  name: "persistent_vale_port_destroy",
  purpose: "a persistent VALE port attached to a switch cannot be destroyed (EBUSY)",
  defaults: { len: 274, fill: "c" },
}, (t) => {
  const [a, b] = [valeSwitch({ scope: t.scope }), valeSwitch({ scope: t.scope })];
  const v0 = persistentPort({ scope: t.scope, create: false });
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
