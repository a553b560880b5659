// functional's command line: every option, every bad value, events, limits, exit codes.
import { assertEquals, assertIncludes, assertThrows } from "./cli_assert.ts";
import {
  type FunctionalPlan,
  type FunctionalRunPlan,
  MAX_EVENTS,
  parseFunctionalArgs,
  parsePauseEvent,
  parseTxRxEvent,
} from "../src/cli/functional_args.ts";
import { OptionValueError } from "../src/cli/numbers.ts";

const parse = (...argv: string[]) => parseFunctionalArgs(argv, { posixlyCorrect: false });

function plan(...argv: string[]): FunctionalPlan {
  const o = parse(...argv);
  if (o.kind !== "run") throw new Error(`expected a plan, got exit ${o.code}: ${o.stderr}`);
  return o.plan;
}

function runPlan(...argv: string[]): FunctionalRunPlan {
  const p = plan(...argv);
  if (p.action !== "run") throw new Error(`expected run, got ${p.action}`);
  return p;
}

function fails(argv: string[], includes: string): void {
  const o = parse(...argv);
  assertEquals(o.kind, "exit", `${argv.join(" ")} should fail`);
  if (o.kind !== "exit") return;
  assertEquals(o.code, 1, argv.join(" "));
  assertEquals(o.stdout, "");
  assertIncludes(o.stderr.split("\n")[0], includes);
}

Deno.test("functional: defaults", () => {
  const p = runPlan("-i", "vale0:a");
  assertEquals(p.port, "vale0:a");
  assertEquals(p.viaFdServer, true);
  assertEquals(Array.from(p.srcMac), [0, 0, 0, 0, 0, 0]);
  assertEquals(Array.from(p.dstMac), [255, 255, 255, 255, 255, 255]);
  assertEquals([p.timeoutSecs, p.waitSecs, p.loops, p.extraBuffers, p.verbosity], [1, 0, 1, 0, 0]);
  assertEquals(p.maxFragSize, 0xffffffff);
  assertEquals([p.ignoreMismatch, p.successIfNoReceive, p.sequentialFill], [false, false, false]);
});

Deno.test("functional: every option lands in the plan", () => {
  const p = runPlan(
    "-I",
    "vale0:b",
    "-s",
    "0:1:2:3:4:5",
    "-d",
    "a:b:c:d:e:f",
    "-F",
    "100",
    "-T",
    "3",
    "-w",
    "2",
    "-t",
    "60",
    "-r",
    "70:b:2",
    "-p",
    "5ms",
    "-g",
    "-n",
    "-q",
    "-e",
    "4",
    "-v",
    "-v",
    "-C",
    "3",
  );
  assertEquals(p.viaFdServer, false);
  assertEquals(Array.from(p.srcMac), [0, 1, 2, 3, 4, 5]);
  assertEquals(Array.from(p.dstMac), [10, 11, 12, 13, 14, 15]);
  assertEquals([p.maxFragSize, p.timeoutSecs, p.waitSecs, p.extraBuffers], [100, 3, 2, 4]);
  assertEquals([p.verbosity, p.loops], [2, 3]);
  assertEquals([p.ignoreMismatch, p.successIfNoReceive, p.sequentialFill], [true, true, true]);
  assertEquals(p.events, [
    { type: "tx", len: 60, fill: 97, num: 1 },
    { type: "rx", len: 70, fill: 98, num: 2 },
    { type: "pause", usecs: 5000 },
  ]);
});

Deno.test("functional: -I then -i keeps the direct open (as the C tool)", () => {
  const p = runPlan("-I", "a", "-i", "b");
  assertEquals([p.port, p.viaFdServer], ["b", false]);
});

Deno.test("functional: -h prints usage on stdout and exits 0", () => {
  const o = parse("-h");
  assertEquals(o.kind === "exit" && [o.code, o.stderr], [0, ""]);
  if (o.kind === "exit") assertIncludes(o.stdout, "usage: functional");
  const h = parse("--help");
  if (h.kind === "exit") assertIncludes(h.stdout, "Differences");
});

Deno.test("functional: -c and -o act where they appear; later options are ignored", () => {
  assertEquals(plan("-T", "4", "-v", "-c", "-x", "-t", "0"), {
    action: "stop-server",
    timeoutSecs: 4,
    verbosity: 1,
    legacy: false,
  });
  assertEquals(plan("-o", "-C", "0"), { action: "start-server", verbosity: 0, legacy: false });
  // ...but an error before them still counts.
  fails(["-T", "x", "-c"], "-T");
});

Deno.test("functional: unknown option, missing argument, missing port", () => {
  fails(["-x", "-i", "a"], "invalid option -- 'x'");
  fails(["-i"], "option requires an argument -- 'i'");
  fails(["-t", "60"], "missing port");
  fails(["--frob", "-i", "a"], "unrecognized option '--frob'");
  fails(["-i", ""], "empty port name");
  const o = parse("-x");
  if (o.kind === "exit") assertIncludes(o.stderr, "usage: functional");
});

Deno.test("functional: bad numbers for -e -F -T -w -C", () => {
  fails(["-I", "a", "-e", "0"], "-e");
  fails(["-I", "a", "-e", "x"], "-e");
  fails(["-I", "a", "-e", "-1"], "-e");
  fails(["-i", "a", "-F", "0"], "-F");
  fails(["-i", "a", "-F", "1k"], "-F");
  fails(["-i", "a", "-T", "-1"], "-T");
  fails(["-i", "a", "-T", "1.5"], "-T");
  fails(["-i", "a", "-w", "x"], "-w");
  fails(["-i", "a", "-C", "0"], "-C");
  fails(["-i", "a", "-C", "-2"], "-C");
});

Deno.test("functional: bad MACs", () => {
  fails(["-i", "a", "-s", "1:2:3:4:5"], "-s: invalid MAC address '1:2:3:4:5'");
  fails(["-i", "a", "-d", "zz:2:3:4:5:6"], "-d: invalid MAC address");
  fails(["-i", "a", "-d", "100:2:3:4:5:6"], "above ff");
});

Deno.test("functional: -e needs -I", () => {
  fails(["-i", "a", "-e", "2"], "-e needs -I");
});

Deno.test("functional: LEN:FILL:NUM, valid forms", () => {
  assertEquals(parseTxRxEvent("tx", "60"), { type: "tx", len: 60, fill: 97, num: 1 });
  assertEquals(parseTxRxEvent("rx", "60:z"), { type: "rx", len: 60, fill: 122, num: 1 });
  assertEquals(parseTxRxEvent("tx", "60:"), { type: "tx", len: 60, fill: 0, num: 1 });
  assertEquals(parseTxRxEvent("tx", "60::3"), { type: "tx", len: 60, fill: 0, num: 3 });
  assertEquals(parseTxRxEvent("tx", "65536:a:1").len, 65536);
  assertEquals(parseTxRxEvent("tx", "1").len, 1);
});

Deno.test("functional: LEN:FILL:NUM, every invalid case", () => {
  const cases: [string, string][] = [
    ["", "empty event"],
    ["0", "out of range"],
    ["65537", "out of range"],
    ["x", "LEN 'x'"],
    ["60x", "LEN '60x'"],
    ["-60", "LEN '-60'"],
    [":a:1", "LEN ''"],
    ["60:ab", "FILL 'ab'"],
    ["60:é", "ASCII"],
    ["60:a:", "NUM ''"],
    ["60:a:0", "NUM 0"],
    ["60:a:x", "NUM 'x'"],
    ["60:a:-1", "NUM '-1'"],
    ["60:a:1:2", "too many"],
  ];
  for (const [text, msg] of cases) {
    assertThrows(() => parseTxRxEvent("tx", text), OptionValueError, msg);
    fails(["-i", "a", "-r", text], "-r");
  }
});

Deno.test("functional: pause NUM[us|ms|s]", () => {
  assertEquals(parsePauseEvent("3").usecs, 3_000_000);
  assertEquals(parsePauseEvent("3s").usecs, 3_000_000);
  assertEquals(parsePauseEvent("3ms").usecs, 3_000);
  assertEquals(parsePauseEvent("3us").usecs, 3);
  for (const bad of ["", "0", "0ms", "ms", "3m", "3sec", "1.5s", "-1", "3 s", "99999999999"]) {
    assertThrows(() => parsePauseEvent(bad), OptionValueError, "-p");
    fails(["-i", "a", "-p", bad], "-p");
  }
});

Deno.test("functional: at most 64 events", () => {
  const many = Array.from({ length: MAX_EVENTS }, () => ["-t", "60"]).flat();
  assertEquals(runPlan("-i", "a", ...many).events.length, MAX_EVENTS);
  fails(["-i", "a", ...many, "-p", "1"], "too many events");
});

Deno.test("functional: extra operands are ignored with a warning (permuted like glibc)", () => {
  const o = parse("x", "-i", "a", "y");
  assertEquals(o.kind === "run" && o.warnings.length, 2);
});

Deno.test("functional --legacy: the mode in every plan, its name in messages and usage", () => {
  assertEquals(runPlan("--legacy", "-I", "vale0:a", "-e", "3").legacy, true);
  assertEquals(runPlan("-i", "vale0:a").legacy, false);
  assertEquals(plan("--legacy", "-c"), {
    action: "stop-server",
    timeoutSecs: 1,
    verbosity: 0,
    legacy: true,
  });
  assertEquals(plan("--legacy", "-o"), { action: "start-server", verbosity: 0, legacy: true });
  fails(["--legacy", "-t", "60"], "functional-legacy: missing port");
  fails(["--legacy", "-i", "a", "-e", "2"], "functional-legacy: -e needs -I");
  const h = parse("--legacy", "-h");
  if (h.kind === "exit") assertIncludes(h.stdout, "usage: functional-legacy {-c");
});
