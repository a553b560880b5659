// openPort() options and offsets are checked before any system call; NetmapError carries
// op, port, errno name and a hint; the layout parser rejects malformed tables.
import assert from "node:assert/strict";
import { errnoName, errnoValue, NetmapError, openPort, type PortOptions } from "../mod.ts";
import { parseLayout } from "../src/layout.ts";
import { maskFromBits, resolveOffsets } from "../src/offsets.ts";

function refused(options: unknown, pattern: RegExp): void {
  assert.throws(
    () => openPort("vale0:opts", options as PortOptions),
    (e: unknown) => {
      assert.ok(e instanceof NetmapError, String(e));
      assert.equal(e.code, "EINVAL");
      assert.equal(e.errno, 22);
      assert.equal(e.port, "vale0:opts");
      assert.match(e.message, pattern);
      assert.match(e.hint, /nothing was sent to netmap/);
      return true;
    },
  );
}

Deno.test("unknown option names are refused before anything is opened", () => {
  refused({ extraBufs: 2 }, /unknown option 'extraBufs'.*known: offsets, extraBuffers/);
  refused({ conf: { ringz: 2 } }, /unknown key options\.conf\.ringz/);
  refused({ offsets: { inital: 2 } }, /unknown key options\.offsets\.inital/);
  refused(null, /options must be an object/);
});

Deno.test("bad option values are refused with the value and the range", () => {
  refused({ extraBuffers: -1 }, /options\.extraBuffers must be an integer in 0\.\.\d+, got -1/);
  refused({ extraBuffers: 1.5 }, /got 1\.5/);
  refused({ conf: { slots: "many" } }, /options\.conf\.slots/);
  refused({ conf: { rings: 70000 } }, /options\.conf\.rings must be an integer in 0\.\.65535/);
  refused({ memId: 1 << 16 }, /options\.memId/);
  refused({ exclusive: "yes" }, /options\.exclusive must be a boolean/);
});

Deno.test("offsets: bits > 64, initial > max, max beyond the mask", () => {
  refused(
    { offsets: { initial: 0, bits: 65 } },
    /offsets\.bits must be an integer in 0\.\.64, got 65/,
  );
  refused({ offsets: { initial: 300, max: 200 } }, /initial \(300\) is larger than .*max \(200\)/);
  refused({ offsets: { max: 4096, bits: 8 } }, /max \(4096\) does not fit in 8 bits/);
  refused({ offsets: { initial: -4 } }, /offsets\.initial/);
  assert.deepEqual(resolveOffsets("p", { initial: 64 }), {
    initial: 64,
    max: 64,
    bits: 0,
    minGap: 0,
  });
  assert.deepEqual(resolveOffsets("p", { max: 255, bits: 8 }), {
    initial: 0,
    max: 255,
    bits: 8,
    minGap: 0,
  });
  assert.equal(maskFromBits(0), 0xffffffffffffffffn);
  assert.equal(maskFromBits(64), 0xffffffffffffffffn);
  assert.equal(maskFromBits(12), 0xfffn);
});

Deno.test("NetmapError: fields, message, default hints", () => {
  const e = new NetmapError({
    op: "register",
    port: "vale0:a",
    errno: -16,
    detail: "held by pid 1",
  });
  assert.equal(e.name, "NetmapError");
  assert.equal(e.errno, 16);
  assert.equal(e.code, "EBUSY");
  assert.equal(e.op, "register");
  assert.equal(e.port, "vale0:a");
  assert.match(e.message, /^register vale0:a: EBUSY — held by pid 1 \(hint: close .*exclusive/);
  assert.match(new NetmapError({ op: "register", errno: 6 }).hint, /unknown port/);
  // With a detail, the hint says only what to do, never repeats the errno, or is omitted.
  const busy = new NetmapError({ op: "register", errno: 1, detail: "switch owned (EPERM)" });
  assert.equal(busy.message, `register: EPERM — switch owned (hint: ${busy.hint})`);
  assert.doesNotMatch(busy.hint, /permission denied/);
  const inval = new NetmapError({ op: "register", errno: 22, detail: "invalid ring id 9" });
  assert.equal(inval.message, "register: EINVAL — invalid ring id 9");
  assert.match(new NetmapError({ op: "register", errno: 22 }).hint, /invalid/);
  assert.doesNotMatch(new NetmapError({ op: "x", errno: 1, detail: "a\nb" }).message, /\n/);
  assert.match(new NetmapError({ op: "register", errno: 12 }).hint, /254 ports/);
  assert.match(new NetmapError({ op: "register", errno: 95 }).hint, /option/);
  assert.match(new NetmapError({ op: "register", errno: 19 }).hint, /uvale/);
  assert.equal(errnoName(22), "EINVAL");
  assert.equal(errnoName(-95), "EOPNOTSUPP");
  assert.equal(errnoName(4000), "E4000");
  assert.equal(errnoValue("ENXIO"), 6);
});

Deno.test("layout tables are checked: bad JSON and missing names are clear errors", () => {
  assert.throws(() => parseLayout("{"), /not valid JSON/);
  assert.throws(() => parseLayout('{"abi":14}'), /lacks 'structs'/);
  const l = parseLayout(
    '{"abi":14,"structs":{"s":{"size":8,"fields":{"a":{"offset":4,"size":4}}}},' +
      '"constants":{"K":3},"ioctls":{}}',
  );
  assert.equal(l.offset("s", "a"), 4);
  assert.equal(l.size("s"), 8);
  assert.equal(l.constant("K"), 3);
  assert.equal(l.has("s", "b"), false);
  assert.throws(() => l.offset("s", "b"), /field s\.b is not in the library's layout table/);
  assert.throws(() => l.constant("NOPE"), /constant NOPE/);
});

Deno.test("the errno table agrees with the C library's names, entry by entry", async () => {
  const { ERRNO } = await import("../mod.ts");
  const { library, cString } = await import("../src/ffi.ts");
  for (const [name, value] of Object.entries(ERRNO)) {
    assert.equal(cString(library().nms_errno_name(value)), name, `ERRNO.${name} = ${value}`);
  }
  // a library load failure is ENOEXEC, not a NaN errno
  assert.equal(new NetmapError({ op: "load library", errno: ERRNO.ENOEXEC }).code, "ENOEXEC");
});
