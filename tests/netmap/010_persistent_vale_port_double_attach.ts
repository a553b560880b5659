// 010: a persistent VALE port cannot be attached twice to the same switch (EBUSY), but can be
// attached to a second switch (netmap goes through a bwrap for that one).
import { netmapTest, persistentPort, valeSwitch } from "../../src/testing/mod.ts";
import { assertFailsWith, bug882Switch, detachChecked } from "./_lib.ts";

netmapTest(import.meta, {
  id: "010",
  name: "persistent_vale_port_double_attach",
  purpose: "attaching a persistent VALE port twice to one switch fails (EBUSY), to another works",
  defaults: { len: 274, fill: "c" },
}, (t) => {
  // After #882 (the attach to b renames the port), b lets the port go but a keeps it: a is the
  // shared switch on kernel netmap (see bug882Switch in _lib.ts).
  const [a, b] = [bug882Switch(t), valeSwitch({ scope: t.scope, conf: t.conf })];
  const v0 = persistentPort({ scope: t.scope, conf: t.conf });
  v0.attach(a);
  assertFailsWith("EBUSY", "second attach to A", () => v0.attach(a));
  v0.attach(b);
  detachChecked(t, b, [v0]);
  detachChecked(t, a, [v0]);
});
