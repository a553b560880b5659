// vale-ctl's command line and output lines: actions, -C/-m, errors, exit codes.
import { assertEquals, assertIncludes, assertThrows } from "./cli_assert.ts";
import type { CliOutcome } from "../src/cli/outcome.ts";
import { OptionValueError } from "../src/cli/numbers.ts";
import {
  formatListAllLine,
  formatListOne,
  formatNewIf,
  formatPortInfo,
  parsePollingConfig,
  parseRingConfig,
  parseValeCtlArgs,
  type ValeCtlPlan,
} from "../src/cli/vale_ctl_args.ts";

const parse = (...argv: string[]): CliOutcome<ValeCtlPlan> =>
  parseValeCtlArgs(argv, { posixlyCorrect: false });

function plan(...argv: string[]): ValeCtlPlan {
  const o = parse(...argv);
  if (o.kind !== "run") throw new Error(`expected a plan, got exit ${o.code}: ${o.stderr}`);
  return o.plan;
}

function fails(argv: string[], includes: string): void {
  const o = parse(...argv);
  assertEquals(o.kind, "exit", argv.join(" "));
  if (o.kind !== "exit") return;
  assertEquals(o.code, 1, argv.join(" "));
  assertIncludes(o.stderr.split("\n")[0], includes);
}

Deno.test("vale-ctl: no arguments lists everything", () => {
  assertEquals(plan().action, "list-all");
});

Deno.test("vale-ctl: each action option", () => {
  const cases: [string, ValeCtlPlan["action"], boolean][] = [
    ["-g", "info", false],
    ["-a", "attach", false],
    ["-h", "attach", true],
    ["-d", "detach", false],
    ["-n", "newif", false],
    ["-r", "delif", false],
    ["-l", "list", false],
    ["-P", "polling-disable", false],
  ];
  for (const [o, action, host] of cases) {
    const p = plan(o, "vale0:x");
    assertEquals([p.action, p.name, p.hostRings], [action, "vale0:x", host], o);
  }
  const p = plan("-p", "vale0:x", "-C", "1,2,4");
  assertEquals(p.polling, { mode: 2, firstCpu: 2, numCpus: 4 });
});

Deno.test("vale-ctl: the last action wins; -C/-m/-v modify it", () => {
  const p = plan("-n", "v0", "-a", "vale0:v0", "-C", "512,256,2,3", "-m", "3", "-v");
  assertEquals([p.action, p.name, p.verbose], ["attach", "vale0:v0", 1]);
  assertEquals(p.ringConfig, { txSlots: 512, rxSlots: 256, txRings: 2, rxRings: 3 });
  assertEquals(p.memId, 3);
  assertEquals(plan("-n", "v1", "-m", "netmap:v0").memId, { port: "netmap:v0" });
});

Deno.test("vale-ctl: -C ring config as strtok+atoi would read well-formed input", () => {
  assertEquals(parseRingConfig("1024").config, {
    txSlots: 1024,
    rxSlots: 1024,
    txRings: 0,
    rxRings: 0,
  });
  assertEquals(parseRingConfig("1,,2").config, { txSlots: 1, rxSlots: 2, txRings: 0, rxRings: 0 });
  assertEquals(parseRingConfig("1,2,3,4,5").ignored, ["5"]);
  const o = parse("-n", "v0", "-C", "1,2,3,4,5");
  assertEquals(o.kind === "run" && o.warnings, ["vale-ctl: -C: ignored extra field '5'"]);
  assertThrows(() => parseRingConfig("x"), OptionValueError, "-C");
  assertThrows(() => parseRingConfig("1,2,70000"), OptionValueError, "out of range");
});

Deno.test("vale-ctl: polling -C x[,y[,z]]", () => {
  assertEquals(parsePollingConfig("0"), { mode: 1, firstCpu: 0, numCpus: 0 });
  assertEquals(parsePollingConfig("0,3"), { mode: 1, firstCpu: 3, numCpus: 0 });
  assertThrows(() => parsePollingConfig("0,1,2"), OptionValueError, "too many numbers");
  assertThrows(() => parsePollingConfig("1,1,2,3"), OptionValueError, "too many numbers");
  assertThrows(() => parsePollingConfig(""), OptionValueError, "empty");
  fails(["-p", "vale0:a"], "-p needs -C");
  assertEquals(plan("-P", "vale0:a").polling, undefined);
});

Deno.test("vale-ctl: errors exit 1 with a message", () => {
  fails(["-x"], "invalid option -- 'x'");
  fails(["-a"], "option requires an argument -- 'a'");
  fails(["-v"], "no action given");
  fails(["-C", "1"], "no action given");
  fails(["-a", "vale0:a", "extra"], "unexpected argument 'extra'");
  fails(["-l", "foo:bar"], "invalid vale port name 'foo:bar'");
  fails(["-n", "x".repeat(64)], "too long");
  fails(["-n", "v0", "-C", "abc"], "-C");
  fails(["-n", "v0", "-m", "70000"], "-m");
  fails(["-a", ""], "empty name");
  fails(["--nope"], "unrecognized option");
  const o = parse("-x");
  if (o.kind === "exit") assertIncludes(o.stderr, "usage: vale-ctl");
});

Deno.test("vale-ctl: --help documents the listing's exit code", () => {
  const o = parse("--help");
  assertEquals(o.kind === "exit" && o.code, 0);
  if (o.kind === "exit") assertIncludes(o.stdout, "exits 1");
});

Deno.test("vale-ctl: output lines have the C tool's format", () => {
  assertEquals(formatListAllLine("vale0:a", 0, 3), "vale0:a bridge_idx 0 port_idx 3");
  assertEquals(formatListOne(1, 255), "bridge_idx: 1\nport_idx:   255\n");
  assertEquals(
    formatPortInfo({ memsize: 4096, txSlots: 1, rxSlots: 2, txRings: 3, rxRings: 4, memId: 5 }),
    "memsize:    4096\ntx_slots:   1\nrx_slots:   2\ntx_rings:   3\nrx_rings    4\nmem_id:     5\n",
  );
  assertEquals(
    formatNewIf({ txSlots: 1, rxSlots: 2, txRings: 3, rxRings: 4, memId: 5 }),
    "tx_slots:   1\nrx_slots:   2\ntx_rings:   3\nrx_ring:    4\nmem_id:     5\n",
  );
});
