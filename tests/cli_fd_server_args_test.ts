// fd_server's command line and the fd-server wire format.
import { assertEquals, assertIncludes } from "./cli_assert.ts";
import { parseFdServerArgs } from "../src/cli/fd_server_args.ts";
import {
  decodeFdRequest,
  decodeFdResponse,
  encodeFdRequest,
  encodeFdResponse,
  FD_GET,
  FD_REQUEST_SIZE,
  FD_RESPONSE_SIZE,
  FD_STOP,
} from "../src/cli/fd_protocol.ts";

Deno.test("fd_server: -f, no option, bad options", () => {
  const f = parseFdServerArgs(["-f"], { posixlyCorrect: false });
  assertEquals(f.kind === "run" && f.plan, { foreground: true });
  const d = parseFdServerArgs([], { posixlyCorrect: false });
  assertEquals(d.kind === "run" && d.plan, { foreground: false });
  const bad = parseFdServerArgs(["-x"], { posixlyCorrect: false });
  assertEquals(bad.kind === "exit" && bad.code, 1);
  if (bad.kind === "exit") assertIncludes(bad.stderr, "invalid option -- 'x'");
  const long = parseFdServerArgs(["--foreground"], { posixlyCorrect: false });
  assertEquals(long.kind === "exit" && long.code, 1);
  const help = parseFdServerArgs(["--help"], { posixlyCorrect: false });
  assertEquals(help.kind === "exit" && help.code, 0);
  const extra = parseFdServerArgs(["-f", "x"], { posixlyCorrect: false });
  assertEquals(extra.kind === "run" && extra.warnings, ["fd_server: ignoring extra argument 'x'"]);
});

Deno.test("fd protocol: request is 65 bytes, name cut to 63 and NUL-terminated", () => {
  const req = encodeFdRequest({ action: FD_GET, name: "vale0:a" });
  assertEquals(req.length, FD_REQUEST_SIZE);
  assertEquals([req[0], req[1], req[8]], [1, "v".charCodeAt(0), 0]);
  assertEquals(decodeFdRequest(req), { action: FD_GET, name: "vale0:a" });
  const long = encodeFdRequest({ action: FD_STOP, name: "x".repeat(100) });
  assertEquals(long[64], 0);
  assertEquals(decodeFdRequest(long)?.name.length, 63);
  assertEquals(decodeFdRequest(new Uint8Array(0)), undefined);
  assertEquals(decodeFdRequest(new Uint8Array([9])), { action: 9, name: "" });
});

Deno.test("fd protocol: response layout (result @0, hdr @8, reg @96, 152 bytes)", () => {
  const hdr = new Uint8Array(88).fill(7);
  const reg = new Uint8Array(56).fill(9);
  const res = encodeFdResponse(0, hdr, reg);
  assertEquals(res.length, FD_RESPONSE_SIZE);
  assertEquals([res[0], res[7], res[8], res[95], res[96], res[151]], [0, 0, 7, 7, 9, 9]);
  const d = decodeFdResponse(res);
  assertEquals(d?.header.length, 88);
  assertEquals(d?.register.length, 56);
  assertEquals(decodeFdResponse(encodeFdResponse(16))?.result, 16);
  assertEquals(decodeFdResponse(new Uint8Array(100)), undefined);
});
