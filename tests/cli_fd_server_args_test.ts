// fd_server's command line and the fd-server wire format (current and legacy), and the legacy
// struct nmreq that functional-legacy and fd_server-legacy exchange.
import { assertEquals, assertIncludes } from "./cli_assert.ts";
import { FD_SERVER_LEGACY_SOCKET, parseFdServerArgs } from "../src/cli/fd_server_args.ts";
import { layout, NetmapError } from "../mod.ts";
import { Struct } from "../src/request.ts";
import {
  legacyRequest,
  type LegacyRingRange,
  legacyRingRange,
  parseLegacyPortName,
  registerFromLegacy,
  ringsIn,
} from "../src/cli/legacy_nmreq.ts";
import {
  decodeFdLegacyResponse,
  decodeFdRequest,
  decodeFdResponse,
  encodeFdLegacyResponse,
  encodeFdRequest,
  encodeFdResponse,
  FD_GET,
  FD_REQUEST_SIZE,
  FD_RESPONSE_SIZE,
  FD_STOP,
  fdLegacyResponseSize,
} from "../src/cli/fd_protocol.ts";

Deno.test("fd_server: -f, no option, bad options", () => {
  const f = parseFdServerArgs(["-f"], { posixlyCorrect: false });
  assertEquals(f.kind === "run" && f.plan, { foreground: true, legacy: false });
  const d = parseFdServerArgs([], { posixlyCorrect: false });
  assertEquals(d.kind === "run" && d.plan, { foreground: false, legacy: false });
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

Deno.test("fd_server --legacy: the plan, the name in messages, the legacy socket", () => {
  const l = parseFdServerArgs(["--legacy", "-f"], { posixlyCorrect: false });
  assertEquals(l.kind === "run" && l.plan, { foreground: true, legacy: true });
  const bad = parseFdServerArgs(["--legacy", "-x"], { posixlyCorrect: false });
  assertEquals(bad.kind === "exit" && bad.code, 1);
  if (bad.kind === "exit") assertIncludes(bad.stderr, "fd_server-legacy: invalid option -- 'x'");
  assertEquals(FD_SERVER_LEGACY_SOCKET, "/tmp/netmap-fdserver-legacy");
});

Deno.test("fd protocol (legacy): result @0, struct nmreq @4, 64 bytes, zeroed on failure", () => {
  assertEquals(layout().size("nmreq"), 60);
  assertEquals(fdLegacyResponseSize(), 64);
  const req = new Uint8Array(60).map((_, i) => i + 1);
  const res = encodeFdLegacyResponse(0, req);
  assertEquals(res.length, 64);
  assertEquals([...res.subarray(0, 6)], [0, 0, 0, 0, 1, 2]);
  assertEquals(res[63], 60);
  assertEquals(decodeFdLegacyResponse(res)?.request, req);
  const busy = encodeFdLegacyResponse(16);
  assertEquals(decodeFdLegacyResponse(busy)?.result, 16);
  assertEquals(busy.subarray(4).every((b) => b === 0), true);
  assertEquals(decodeFdLegacyResponse(new Uint8Array(63)), undefined);
  // A 152-byte reply of the current server is not mistaken for a short one.
  assertEquals(decodeFdLegacyResponse(encodeFdResponse(2))?.result, 2);
});

/** An nmreq_register body as netmap returns it for a 2+1-ring port. */
function registered(): Uint8Array {
  return Struct.alloc("nmreq_register")
    .set("nr_offset", 4096).set("nr_memsize", 1 << 20)
    .set("nr_tx_slots", 1024).set("nr_rx_slots", 512)
    .set("nr_tx_rings", 2).set("nr_rx_rings", 3)
    .set("nr_mem_id", 7).set("nr_extra_bufs", 12)
    .copyBytes();
}

Deno.test("legacy nmreq: what nm_open() holds after NIOCREGIF, from the register body", () => {
  const k = (n: string): number => layout().constant(n);
  const pipe = parseLegacyPortName("netmap:pipeA{1/x");
  assertEquals([pipe.nrName, pipe.nrRingId], ["pipeA", 1]);
  assertEquals(pipe.nrFlags, k("NR_REG_PIPE_MASTER") | k("NR_EXCLUSIVE"));
  const bytes = legacyRequest(pipe, registered());
  const req = new Struct("nmreq", bytes);
  assertEquals(req.getString("nr_name"), "pipeA");
  assertEquals(req.get("nr_version"), k("NETMAP_API"));
  assertEquals(
    ["nr_offset", "nr_memsize", "nr_tx_slots", "nr_rx_slots", "nr_tx_rings", "nr_rx_rings"]
      .map((f) => req.get(f)),
    [4096, 1 << 20, 1024, 512, 2, 3],
  );
  assertEquals([req.get("nr_arg2"), req.get("nr_arg3"), req.get("nr_ringid")], [7, 12, 1]);
  // Back to a register body (what Port.fromFd takes): the pipe is ALL_NIC, ring 0, as in the kernel.
  const reg = new Struct("nmreq_register", registerFromLegacy(bytes));
  assertEquals([reg.get("nr_mode"), reg.get("nr_ringid")], [k("NR_REG_ALL_NIC"), 0]);
  assertEquals([reg.get("nr_flags"), reg.get("nr_extra_bufs")], [k("NR_EXCLUSIVE"), 12]);
  assertEquals(parseLegacyPortName("vale0:v1}3").nrFlags, k("NR_REG_PIPE_SLAVE"));
  assertEquals(parseLegacyPortName("vale0:v1").nrName, "vale0:v1");
  const mon = parseLegacyPortName("netmap:eth0-2/rz");
  assertEquals(mon.nrFlags, k("NR_REG_ONE_NIC") | k("NR_MONITOR_RX") | k("NR_ZCOPY_MON"));
  assertEquals([mon.nrName, mon.nrRingId], ["eth0", 2]);
});

Deno.test("legacy nmreq: names nm_open() refuses are EINVAL with the reason", () => {
  const refused = (name: string, why: string): void => {
    try {
      parseLegacyPortName(name);
    } catch (e) {
      if (!(e instanceof NetmapError)) throw e;
      assertEquals(e.code, "EINVAL");
      assertIncludes(e.message, why);
      return;
    }
    throw new Error(`${name} was accepted`);
  };
  refused("vale0:a@conf:rings=2", "no @options");
  refused("netmap:eth0^1", "no '^N'");
  refused("vale0:abcdefghijklmnop", "at most 15 bytes");
  refused("netmap:pipe{x", "pipe id that is a number");
  refused("netmap:pipe{1-0", "no ring selector after a pipe id");
});

Deno.test("legacy ring range: from nr_flags & NR_REG_MASK (SW, ALL_NIC, NIC_SW, ONE_NIC, pipes)", () => {
  const k = (n: string): number => layout().constant(n);
  const range = (mode: string, ringId = 0): LegacyRingRange =>
    legacyRingRange(
      Struct.alloc("nmreq").set("nr_tx_rings", 2).set("nr_rx_rings", 3)
        .set("nr_flags", k(mode) | k("NR_EXCLUSIVE")).set("nr_ringid", ringId).copyBytes(),
    );
  const span = (first: number, last: number): { first: number; last: number } => ({ first, last });
  assertEquals(range("NR_REG_SW"), { tx: span(2, 2), rx: span(3, 3) });
  assertEquals(range("NR_REG_ALL_NIC"), { tx: span(0, 1), rx: span(0, 2) });
  assertEquals(range("NR_REG_NIC_SW"), { tx: span(0, 2), rx: span(0, 3) });
  assertEquals(range("NR_REG_ONE_NIC", 1), { tx: span(1, 1), rx: span(1, 1) });
  assertEquals(range("NR_REG_PIPE_MASTER", 5), { tx: span(0, 0), rx: span(0, 0) });
  const rings = [0, 1, 2].map((index) => ({ index }));
  assertEquals(ringsIn(rings, span(1, 2)), [{ index: 1 }, { index: 2 }]);
});
