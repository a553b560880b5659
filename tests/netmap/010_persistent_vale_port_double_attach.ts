// 010: a persistent VALE port cannot be attached twice to the same switch (EBUSY), but can be
// attached to a second switch (netmap goes through a bwrap for that one).
import { netmapTest, persistentPort, valeSwitch } from "../../src/testing/mod.ts";
import { assertFailsWith, detachChecked } from "./_lib.ts";

netmapTest(import.meta, {
  id: "010",
  name: "persistent_vale_port_double_attach",
  purpose: "attaching a persistent VALE port twice to one switch fails (EBUSY), to another works",
  defaults: { len: 274, fill: "c" },
}, (t) => {
  const [a, b] = [valeSwitch({ scope: t.scope }), valeSwitch({ scope: t.scope })];
  const v0 = persistentPort({ scope: t.scope });
  v0.attach(a);
  assertFailsWith("EBUSY", "second attach to A", () => v0.attach(a));
  v0.attach(b);
  detachChecked(t, b, [v0]);
  detachChecked(t, a, [v0]);
});
