// 011: a persistent VALE port name cannot be created twice (EEXIST), attached or not.
import { netmapTest, persistentPort, valeSwitch } from "../../src/testing/mod.ts";
import { assertFailsWith, bug882Switch, detachChecked } from "./_lib.ts";

netmapTest(import.meta, {
  id: "011",
  name: "persistent_vale_port_double_create",
  purpose: "creating an existing persistent VALE port fails (EEXIST)",
  defaults: { len: 274, fill: "c" },
}, (t) => {
  // After #882 (the attach to b renames the port), b lets the port go but a keeps it: a is the
  // shared switch on kernel netmap (see bug882Switch in _lib.ts).
  const [a, b] = [bug882Switch(t), valeSwitch({ scope: t.scope, conf: t.conf })];
  const v0 = persistentPort({ scope: t.scope, conf: t.conf });
  assertFailsWith("EEXIST", "second create", () => v0.create());
  v0.attach(a);
  assertFailsWith("EEXIST", "create while attached to A", () => v0.create());
  v0.attach(b);
  assertFailsWith("EEXIST", "create while attached to A and B", () => v0.create());
  detachChecked(t, b, [v0]);
  detachChecked(t, a, [v0]);
});
