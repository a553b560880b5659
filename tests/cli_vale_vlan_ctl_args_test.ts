// vale-vlan-ctl's command line: steps in order, names, VIDs, exit codes, list lines.
import { assertEquals, assertIncludes } from "./cli_assert.ts";
import type { CliOutcome } from "../src/cli/outcome.ts";
import {
  formatVlanListLine,
  parseValeVlanCtlArgs,
  type ValeVlanCtlPlan,
} from "../src/cli/vale_vlan_ctl_args.ts";

const parse = (...argv: string[]): CliOutcome<ValeVlanCtlPlan> =>
  parseValeVlanCtlArgs(argv, { posixlyCorrect: false });

function fails(argv: string[], includes: string): void {
  const o = parse(...argv);
  assertEquals(o.kind, "exit", argv.join(" "));
  if (o.kind !== "exit") return;
  assertEquals(o.code, 1, argv.join(" "));
  assertIncludes(o.stderr.split("\n")[0], includes);
}

Deno.test("vale-vlan-ctl: every option becomes a step, in order", () => {
  const o = parse(
    "-n",
    "c1",
    "-s",
    "c1",
    "-t",
    "eth0",
    "-p",
    "tr",
    "-a",
    "p1=10",
    "-c",
    "p2=4094",
    "-A",
    "p1",
    "-C",
    "p2",
    "-T",
    "-P",
    "-l",
    "-r",
    "c1",
  );
  assertEquals(o.kind === "run" && o.plan.steps, [
    { op: "create-conf", conf: "c1" },
    { op: "select-conf", conf: "c1" },
    { op: "attach-trunk", port: "eth0", create: false },
    { op: "attach-trunk", port: "tr", create: true },
    { op: "attach-access", port: "p1", vid: 10, create: false },
    { op: "attach-access", port: "p2", vid: 4094, create: true },
    { op: "detach-access", port: "p1", destroy: false },
    { op: "detach-access", port: "p2", destroy: true },
    { op: "detach-trunk", destroy: false },
    { op: "detach-trunk", destroy: true },
    { op: "list" },
    { op: "delete-conf", conf: "c1" },
  ]);
});

Deno.test("vale-vlan-ctl: -h ends the line (steps after it are not run)", () => {
  const o = parse("-s", "c1", "-h", "-x");
  assertEquals(o.kind === "run" && o.plan.steps, [{ op: "select-conf", conf: "c1" }, {
    op: "help",
  }]);
});

Deno.test("vale-vlan-ctl: no argument -> usage on stderr, exit 1", () => {
  const o = parse();
  assertEquals(o.kind === "exit" && [o.code, o.stdout], [1, ""]);
  if (o.kind === "exit") assertIncludes(o.stderr, "usage: vale-vlan-ctl");
});

Deno.test("vale-vlan-ctl: a bad option prints the usage on stdout (as the C tool), exit 1", () => {
  const o = parse("-x");
  assertEquals(o.kind === "exit" && o.code, 1);
  if (o.kind === "exit") {
    assertIncludes(o.stdout, "usage: vale-vlan-ctl");
    assertIncludes(o.stderr, "invalid option -- 'x'");
  }
  fails(["-a"], "option requires an argument -- 'a'");
});

Deno.test("vale-vlan-ctl: bad names and VLAN ids", () => {
  fails(["-n", "abcdefg"], "too long");
  fails(["-n", "1abc"], "lower-case letter");
  fails(["-n", "Ab"], "lower-case letter");
  fails(["-t", "a b"], "may only contain");
  fails(["-s", ""], "empty configuration name");
  fails(["-t", "x".repeat(16)], "too long");
  fails(["-a", "p1"], "missing VLAN id");
  fails(["-a", "=10"], "empty port name");
  fails(["-a", "p1=4095"], "invalid VLAN id '4095'");
  fails(["-c", "p1=-1"], "invalid VLAN id");
  fails(["-a", "p1=x"], "invalid VLAN id");
  fails(["-a", "p1="], "invalid VLAN id");
  fails(["-A", ""], "empty port name");
  fails(["--nope"], "unrecognized option");
  // The whole line is checked first: nothing runs when a later value is bad.
  fails(["-n", "c1", "-a", "p=5000"], "invalid VLAN id");
});

Deno.test("vale-vlan-ctl: list lines", () => {
  assertEquals(
    formatVlanListLine({ bridge: "valeA:", port: "eth0", type: "trunk", vid: 0 }),
    "valeA:eth0, type:trunk port",
  );
  assertEquals(
    formatVlanListLine({ bridge: "valeA:", port: "p1", type: "access", vid: 10 }),
    "valeA:p1, type:access port, vlan id:10",
  );
});
