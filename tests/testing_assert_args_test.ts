// The test library's own checks (src/testing/assert.ts) against node:assert/strict's meaning,
// and netmap's test options read as bash getopts reads them (parseSendRecvArgs).
import nodeAssert from "node:assert/strict";
import { assert, AssertionError } from "../mod.ts";
import { parseSendRecvArgs } from "../src/testing/suite.ts";

Deno.test("assert.equal/notEqual/ok: Object.is, messages name the check and both values", () => {
  assert.equal(NaN, NaN);
  assert.notEqual(0, -0);
  assert.ok(1);
  nodeAssert.throws(() => assert.equal(3, 4, "pending slots"), {
    name: "AssertionError",
    message: "pending slots: expected 4, got 3",
  });
  nodeAssert.throws(() => assert.equal("a", 1), { message: 'expected 1, got "a"' });
  nodeAssert.throws(() => assert.notEqual(2, 2, "x"), { message: "x: expected anything but 2" });
  nodeAssert.throws(() => assert.ok(0, "granted"), AssertionError);
});

Deno.test("assert.rejects: an Error class or a predicate; resolving or another error fails", async () => {
  await assert.rejects(() => Promise.reject(new RangeError("r")), RangeError);
  await assert.rejects(() => Promise.reject(new Error("e")), (e) => (e as Error).message === "e");
  await assert.rejects(() => Promise.reject(new Error("any")));
  await nodeAssert.rejects(() => assert.rejects(() => Promise.resolve(1), Error, "send"), {
    message: "send: expected a rejection, but it resolved",
  });
  await nodeAssert.rejects(() => assert.rejects(() => Promise.reject(new Error("z")), TypeError), {
    message: "rejected with an unexpected error: z",
  });
});

Deno.test("parseSendRecvArgs: getopts clusters and attached values, defaults, clear errors", () => {
  const p = parseSendRecvArgs(["-qvv", "-l60", "-f", "x", "-n", "3"], { len: 274 });
  nodeAssert.deepEqual(p, { len: 60, fill: "x", num: 3, seq: true, verbose: 2 });
  nodeAssert.deepEqual(parseSendRecvArgs([], { len: 150, fill: "d" }), {
    len: 150,
    fill: "d",
    num: 1,
    seq: false,
    verbose: 0,
  });
  nodeAssert.throws(() => parseSendRecvArgs(["-x"], {}), /unknown option -x/);
  nodeAssert.throws(() => parseSendRecvArgs(["-l"], {}), /-l needs a value/);
  nodeAssert.throws(() => parseSendRecvArgs(["-l", "0"], {}), /Invalid -l '0'/);
  nodeAssert.throws(() => parseSendRecvArgs(["extra"], {}), /unexpected argument 'extra'/);
});
