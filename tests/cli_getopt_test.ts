// getopt(3) clone: glibc semantics (optstring, clustering, permutation, messages).
import { assertEquals } from "./cli_assert.ts";
import { getopt, type GetoptItem, splitLongOptions } from "../src/cli/getopt.ts";

const opt = (name: string, arg?: string): GetoptItem =>
  arg === undefined ? { kind: "option", name } : { kind: "option", name, arg };
const P = { programName: "prog", posixlyCorrect: false };

Deno.test("getopt: flags, clusters and required arguments", () => {
  const r = getopt(["-ab", "-cX", "-c", "Y", "-bcZ"], "abc:", P);
  assertEquals(r.items, [
    opt("a"),
    opt("b"),
    opt("c", "X"),
    opt("c", "Y"),
    opt("b"),
    opt("c", "Z"),
  ]);
  assertEquals(r.operands, []);
});

Deno.test("getopt: a required argument may start with '-' and may be '--'", () => {
  assertEquals(getopt(["-c", "-a"], "ac:", P).items, [opt("c", "-a")]);
  const r = getopt(["-c", "--", "x"], "c:", P);
  assertEquals(r.items, [opt("c", "--")]);
  assertEquals(r.operands, ["x"]);
});

Deno.test("getopt: missing argument and invalid option give glibc's messages", () => {
  const r = getopt(["-x", "-c"], "c:", P);
  assertEquals(r.items, [
    {
      kind: "error",
      name: "?",
      optopt: "x",
      reason: "invalid",
      message: "prog: invalid option -- 'x'",
    },
    {
      kind: "error",
      name: "?",
      optopt: "c",
      reason: "missing-argument",
      message: "prog: option requires an argument -- 'c'",
    },
  ]);
});

Deno.test("getopt: leading ':' silences messages and reports ':' for a missing argument", () => {
  const r = getopt(["-x", "-c"], ":c:", P);
  assertEquals(r.items.map((i) => [i.name, i.kind === "error" ? i.message : ""]), [["?", ""], [
    ":",
    "",
  ]]);
});

Deno.test("getopt: ':' and ';' in argv are invalid options even if in the optstring", () => {
  const r = getopt(["-:"], "a:", P);
  assertEquals(r.items[0].kind, "error");
});

Deno.test("getopt: permutes operands after options by default (glibc)", () => {
  const r = getopt(["x", "-a", "y", "-c", "v", "z"], "ac:", P);
  assertEquals(r.items, [opt("a"), opt("c", "v")]);
  assertEquals(r.operands, ["x", "y", "z"]);
});

Deno.test("getopt: POSIXLY_CORRECT and '+' stop at the first operand", () => {
  for (
    const [args, o] of [[["x", "-a"], { ...P, posixlyCorrect: true }], [["x", "-a"], P]] as const
  ) {
    const r = getopt(args, o.posixlyCorrect ? "a" : "+a", o);
    assertEquals(r.items, []);
    assertEquals(r.operands, ["x", "-a"]);
  }
});

Deno.test("getopt: '-' prefix returns operands in order as option \\x01", () => {
  const r = getopt(["x", "-a", "y"], "-a", P);
  assertEquals(r.items, [opt("\x01", "x"), opt("a"), opt("\x01", "y")]);
});

Deno.test("getopt: '--' ends options; a lone '-' is an operand", () => {
  const r = getopt(["-", "-a", "--", "-b"], "ab", P);
  assertEquals(r.items, [opt("a")]);
  assertEquals(r.operands, ["-", "-b"]);
});

Deno.test("getopt: '::' takes an optional argument only from the same word", () => {
  const r = getopt(["-o", "x", "-oy"], "o::", P);
  assertEquals(r.items, [opt("o"), opt("o", "y")]);
  assertEquals(r.operands, ["x"]);
});

Deno.test("splitLongOptions: finds --help/--json only in option position", () => {
  assertEquals(splitLongOptions(["-i", "--help", "--json"], "i:", ["help", "json"]), {
    found: ["json"],
    rest: ["-i", "--help"],
    unknown: undefined,
  });
  assertEquals(splitLongOptions(["-i--help"], "i:", ["help"]).found, []);
  assertEquals(splitLongOptions(["--", "--help"], "", ["help"]).found, []);
  assertEquals(splitLongOptions(["--frob"], "", ["help"]).unknown, "--frob");
});

Deno.test("splitLongOptions: valued long options, both spellings, last wins, a missing value", () => {
  const s = splitLongOptions(["--vlan", "3", "-i", "--spin", "--vlan=4", "x"], "i:", [], [
    "vlan",
    "spin",
  ]);
  assertEquals([s.values, s.rest, s.missing], [{ vlan: "4" }, ["-i", "--spin", "x"], undefined]);
  assertEquals(splitLongOptions(["--spin"], "", [], ["spin"]).missing, "--spin");
  assertEquals(splitLongOptions(["--", "--spin", "1"], "", [], ["spin"]).values, {});
});
