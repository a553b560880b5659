// The port-name parser: every example of libnetmap's ctrl-api-test table, each error path
// (position and expected token), the `@` options, round trips, and the constants table
// checked against netmap_abi.h, build/layout and the library's layout table.
import assert from "node:assert/strict";
import { NetmapError } from "../src/errors.ts";
import {
  formatPortName,
  parsePortName,
  parsePortNameHead,
  PORT_NAME_CONSTANTS,
  type PortNameConstants,
  PortNameError,
  type PortSpec,
} from "../src/port_name.ts";

const C = PORT_NAME_CONSTANTS;
const X = BigInt(C.NR_EXCLUSIVE);
const Z = BigInt(C.NR_ZCOPY_MON);
const MT = BigInt(C.NR_MONITOR_TX);
const MR = BigInt(C.NR_MONITOR_RX);
const RO = BigInt(C.NR_RX_RINGS_ONLY);
const TO = BigInt(C.NR_TX_RINGS_ONLY);

/** Asserts that parsing `input` fails at `position` expecting `expected` (a prefix of it). */
function fails(input: string, position: number, expected: string): PortNameError {
  let err: unknown;
  try {
    parsePortName(input);
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof PortNameError, `'${input}' should fail, got ${err}`);
  assert.equal(err.input, input);
  assert.equal(err.position, position, `position for '${input}': ${err.message}`);
  assert.ok(
    err.expected.startsWith(expected),
    `expected for '${input}': '${err.expected}' does not start with '${expected}'`,
  );
  assert.equal(err.code, "EINVAL");
  return err;
}

/** The mode part of a spec, for compact asserts. */
function mode(spec: PortSpec): [string, number, number, bigint, number] {
  return [spec.name, spec.mode, spec.ringId, spec.flags, spec.memId];
}

function withoutInput(spec: PortSpec): Omit<PortSpec, "input"> {
  const { input: _input, ...rest } = spec;
  return rest;
}

Deno.test("ctrl-api-test examples that parse", () => {
  const all = C.NR_REG_ALL_NIC;
  const cases: [string, [string, number, number, bigint, number]][] = [
    ["netmap:eth0", ["eth0", all, 0, 0n, 0]],
    ["netmap:eth0-1", ["eth0", C.NR_REG_ONE_NIC, 1, 0n, 0]],
    ["netmap:eth0-2/Tx", ["eth0", C.NR_REG_ONE_NIC, 2, TO | X, 0]],
    ["netmap:eth0*", ["eth0", C.NR_REG_NIC_SW, 0, 0n, 0]],
    ["netmap:eth0^", ["eth0", C.NR_REG_SW, 0, 0n, 0]],
    ["netmap:eth0@2/R", ["eth0", all, 0, RO, 2]],
    ["vale:0", ["vale:0", all, 0, 0n, 0]],
    ["vale0:0", ["vale0:0", all, 0, 0n, 0]],
    ["valeXXX:YYY", ["valeXXX:YYY", all, 0, 0n, 0]],
    ["valeXXX:YYY-4", ["valeXXX:YYY", C.NR_REG_ONE_NIC, 4, 0n, 0]],
    ["netmap:14", ["14", all, 0, 0n, 0]],
    ["netmap:pipe{in-7", ["pipe{in", C.NR_REG_ONE_NIC, 7, 0n, 0]],
    // Stale entries of the table (EINVAL before netmap commit 765f0979, accepted since).
    ["netmap:vale0:0", ["vale0:0", all, 0, 0n, 0]],
    ["netmap:eth0&", ["eth0&", all, 0, 0n, 0]],
  ];
  for (const [input, want] of cases) {
    const spec = parsePortName(input);
    assert.deepEqual(mode(spec), want, input);
    assert.equal(spec.input, input);
    assert.deepEqual(spec.options, {}, input);
  }
  assert.equal(parsePortName("netmap:eth0").subsystem, "netmap");
  const v = parsePortName("vale:0");
  assert.deepEqual([v.subsystem, v.bridge, v.port], ["vale", "vale", "0"]);
  const x = parsePortName("valeXXX:YYY-4");
  assert.deepEqual([x.bridge, x.port, x.pipe], ["valeXXX", "YYY", undefined]);
  assert.deepEqual(parsePortName("netmap:pipe{in-7").pipe, {
    parent: "pipe",
    id: "in",
    end: "master",
  });
});

Deno.test("ctrl-api-test examples with an options suffix", () => {
  const cases: [string, string, number, bigint, string, number][] = [
    ["netmap:eth0@netmap:lo/R", "eth0", C.NR_REG_ALL_NIC, 0n, "@netmap:lo/R", 11],
    ["netmap:eth0/R@xxx", "eth0", C.NR_REG_ALL_NIC, RO, "@xxx", 13],
    ["vale0:0/Tx@opt", "vale0:0", C.NR_REG_ALL_NIC, TO | X, "@opt", 10],
  ];
  for (const [input, name, m, flags, rest, at] of cases) {
    const head = parsePortNameHead(input);
    assert.deepEqual(
      [head.spec.name, head.spec.mode, head.spec.flags, head.optionsText, head.optionsPosition],
      [name, m, flags, rest, at],
      input,
    );
    // The full parser then rejects the unknown option, pointing at its name.
    fails(input, at + 1, "an option name (conf, extmem, offset or share)");
  }
  assert.equal(parsePortNameHead("vale0:a-1").optionsText, "");
});

Deno.test("ctrl-api-test examples that fail: position and expected token", () => {
  fails("netmap:eth0-", 12, "a ring number after '-'");
  fails("netmap:", 7, "a port name after 'netmap:'");
  fails("netmap:^", 7, "a port name after 'netmap:'");
  fails("netmap:{", 7, "a port name before '{'");
  fails("eth0", 0, "'netmap:' or 'vale' at the start");
  fails("netmapXXX:eth0", 6, "':' right after 'netmap'");
  fails("", 0, "'netmap:' or 'vale' at the start");
  fails("netmap:pipe{1}2", 13, "a letter, digit or '_' in the pipe id");
  fails("vale0:0@", 8, "a memory id or an option name after '@'");
});

Deno.test("error message names the input, the position and the expected token", () => {
  const e = fails("vale0:a-", 8, "a ring number after '-'");
  assert.equal(
    e.message,
    "Invalid port name 'vale0:a-' at position 8: expected a ring number after '-'",
  );
  assert.ok(e instanceof NetmapError);
  assert.equal(e.name, "PortNameError");
  assert.equal(e.port, "vale0:a-");
  assert.equal(e.errno, 22);
  assert.ok(e.hint.includes("vale0:a"));
});

Deno.test("ring selectors", () => {
  assert.deepEqual(mode(parsePortName("netmap:eth0^3")), ["eth0", C.NR_REG_ONE_SW, 3, 0n, 0]);
  assert.deepEqual(mode(parsePortName("netmap:eth0^/R")), ["eth0", C.NR_REG_SW, 0, RO, 0]);
  assert.deepEqual(mode(parsePortName("netmap:eth0*@4")), ["eth0", C.NR_REG_NIC_SW, 0, 0n, 4]);
  assert.equal(parsePortName("netmap:eth0-4094").ringId, C.NETMAP_RING_MASK - 1);
  assert.equal(parsePortName("netmap:eth0-007").ringId, 7);
  fails("netmap:eth0-4095", 12, "a ring number after '-' from 0 to 4094");
  fails("netmap:eth0-99999999999999999999", 12, "a ring number after '-' from 0 to 4094");
  fails("netmap:eth0^4095", 12, "a host ring number after '^' from 0 to 4094");
  fails("netmap:eth0-x", 12, "a ring number after '-'");
  fails("netmap:eth0-1x", 13, "'/', '@' or the end of the name after the ring selector");
  fails("netmap:eth0*2", 12, "'/', '@' or the end of the name after the ring selector");
  fails("netmap:eth0^^", 12, "'/', '@' or the end of the name after the ring selector");
  fails("netmap:eth0-1-2", 13, "'/', '@' or the end of the name after the ring selector");
  fails("netmap:eth0/R-1", 13, "a flag (x, z, t, r, R or T), '@' or the end of the name");
  fails("netmap:eth0@2*", 13, "'/', '@' or the end of the name");
});

Deno.test("flags", () => {
  assert.equal(parsePortName("netmap:eth0/xztrRT").flags, X | Z | MT | MR | RO | TO);
  assert.equal(parsePortName("vale0:a/t").flags, MT);
  assert.equal(parsePortName("vale0:a/rr").flags, MR);
  assert.equal(parsePortName("vale0:a/z").flags, Z);
  fails("netmap:eth0/", 12, "a flag after '/': x, z, t, r, R or T");
  fails("netmap:eth0/q", 12, "a flag after '/'");
  fails("netmap:eth0/@2", 12, "a flag after '/'");
  fails("netmap:eth0/Rq", 13, "a flag (x, z, t, r, R or T), '@' or the end");
  fails("netmap:eth0/R/T", 13, "a flag (x, z, t, r, R or T), '@' or the end");
});

Deno.test("memory ids", () => {
  assert.equal(parsePortName("netmap:eth0@2/R@2").memId, 2);
  assert.deepEqual(mode(parsePortName("vale0:a-1@3/x")), ["vale0:a", C.NR_REG_ONE_NIC, 1, X, 3]);
  assert.equal(parsePortName("vale0:a@65535").memId, 65535);
  assert.equal(parsePortName("vale0:a@1@conf:rings=2").memId, 1);
  fails("netmap:eth0@2/R@3", 16, "memory id 2 again");
  fails("vale0:a@0", 8, "a memory id from 1 to 65535");
  fails("vale0:a@65536", 8, "a memory id from 1 to 65535");
  fails("vale0:a@2@", 10, "a memory id or an option name after '@'");
  fails("vale0:a/R@", 10, "a memory id or an option name after '@'");
  fails(
    "vale0:a@conf:rings=1@3",
    21,
    "an option name (conf, extmem, offset or share); a memory id",
  );
});

Deno.test("names: prefixes, VALE switches, pipes, lengths, characters", () => {
  const p = parsePortName("vale1:p}x_9");
  assert.deepEqual([p.name, p.bridge, p.port], ["vale1:p}x_9", "vale1", "p"]);
  assert.deepEqual(p.pipe, { parent: "vale1:p", id: "x_9", end: "slave" });
  assert.deepEqual(parsePortName("netmap:a.b{1").pipe, { parent: "a.b", id: "1", end: "master" });
  assert.equal(parsePortName("netmap:em0.123").name, "em0.123");
  fails("vale0-x:a", 5, "a letter, digit, '_' or ':' in the VALE switch name");
  fails("vale0", 5, "':' after the VALE switch name");
  fails("vale0:", 6, "a port name after 'vale0:'");
  fails("vale0:-1", 6, "a port name after 'vale0:'");
  fails("netmap:{1", 7, "a port name before '{'");
  fails("netmap:x}", 9, "a pipe id after '}'");
  fails("netmap:x{-1", 9, "a pipe id after '{'");
  fails("netmap:a{b{c", 10, "a letter, digit or '_' in the pipe id");
  fails("netmap:e th0", 8, "a printable ASCII character in the port name");
  fails("netmap:eth\u00e9", 10, "a printable ASCII character in the port name");
  fails("netmap:eth\0", 10, "a printable ASCII character in the port name");
  fails("other:eth0", 0, "'netmap:' or 'vale' at the start");
  // nr_name holds 63 characters plus the NUL.
  const n63 = "n".repeat(63);
  assert.equal(parsePortName(`netmap:${n63}-1`).name, n63);
  fails(`netmap:${n63}x`, 7 + 63, "the end of the port name (nr_name holds at most 63");
  const v63 = `vale0:${"p".repeat(57)}`;
  assert.equal(parsePortName(v63).name.length, 63);
  fails(`${v63}p`, 63, "the end of the port name");
  const bad = parsePortNameHead as unknown as (x: unknown) => unknown;
  assert.throws(() => bad(42), (e: unknown) => e instanceof NetmapError && e.code === "EINVAL");
});

Deno.test("@conf: every key, '-' and '_' alike, empty values unset", () => {
  const spec = parsePortName(
    "vale0:a@conf:rings=2,host-rings=1,slots=512,tx_rings=3,rx-rings=4,host_tx_rings=5," +
      "host-rx-rings=6,tx_slots=128,rx-slots=256",
  );
  assert.deepEqual(spec.options, {
    conf: {
      rings: 2,
      hostRings: 1,
      slots: 512,
      txRings: 3,
      rxRings: 4,
      hostTxRings: 5,
      hostRxRings: 6,
      txSlots: 128,
      rxSlots: 256,
    },
  });
  assert.deepEqual(parsePortName("vale0:a@conf:rings=,slots=8").options, { conf: { slots: 8 } });
  assert.deepEqual(parsePortName("vale0:a@conf:rings=65535").options.conf, { rings: 65535 });
  assert.deepEqual(
    parsePortName("vale0:a@conf:slots=4294967295").options.conf,
    { slots: 4294967295 },
  );
});

Deno.test("@conf errors", () => {
  fails("vale0:a@conf", 12, "':' after 'conf'");
  fails("vale0:a@conf=2", 12, "':' after 'conf' (it has no default key");
  fails("vale0:a@conf:", 13, "a key after 'conf:' (rings, host_rings, slots");
  fails("vale0:a@conf:ring=2", 13, "a key of @conf (rings, host_rings");
  fails("vale0:a@conf:rings=2,", 21, "a key of @conf");
  fails("vale0:a@conf:rings", 18, "'=' after key 'rings'");
  fails("vale0:a@conf:rings,slots=2", 18, "'=' after key 'rings'");
  fails("vale0:a@conf:rings=2,rings=3", 21, "each key once ('rings' is already set)");
  fails("vale0:a@conf:tx-rings=2,tx_rings=3", 24, "each key once ('tx_rings' is already set)");
  fails("vale0:a@conf:rings=,rings=3", 20, "each key once");
  fails("vale0:a@conf:rings=2x", 19, "a decimal number for 'rings'");
  fails("vale0:a@conf:rings=-1", 19, "a decimal number for 'rings'");
  fails("vale0:a@conf:rings=0x10", 19, "a decimal number for 'rings'");
  fails("vale0:a@conf:rings=65536", 19, "a value from 0 to 65535 for 'rings'");
  fails("vale0:a@conf:slots=4294967296", 19, "a value from 0 to 4294967295 for 'slots'");
  fails("vale0:a@conf:rings=1@conf:slots=2", 21, "each option once ('@conf' is already given)");
  fails("vale0:a@conf:rings=1@", 21, "an option name after '@'");
  fails("vale0:a@conf:rings=1@@", 21, "an option name after '@'");
  fails("vale0:a@bogus=1", 8, "an option name (conf, extmem, offset or share)");
});

Deno.test("@offset: enabled, with initial, max and bits", () => {
  assert.deepEqual(parsePortName("vale0:a@offset=64").options, { offset: { initial: 64 } });
  assert.deepEqual(parsePortName("vale0:a@offset:initial=8,max=128,bits=16").options, {
    offset: { initial: 8, max: 128, bits: 16 },
  });
  assert.deepEqual(parsePortName("vale0:a@offset:bits=64,initial=0").options, {
    offset: { initial: 0, bits: 64 },
  });
  fails("vale0:a@offset", 14, "'=' or ':' after 'offset'");
  fails("vale0:a@offset=", 15, "a value after 'offset='");
  fails("vale0:a@offset:bits=3", 21, "a value for 'initial' (mandatory for @offset)");
  fails("vale0:a@offset:initial=,bits=3", 30, "a value for 'initial' (mandatory for @offset)");
  fails("vale0:a@offset:initial=9,max=8", 23, "an initial offset no larger than max (8)");
  fails("vale0:a@offset:initial=1,bits=65", 30, "a value from 0 to 64 for 'bits'");
  fails("vale0:a@offset:initial=1,min_gap=3", 25, "a key of @offset (initial, max, bits)");
});

Deno.test("@extmem and @share", () => {
  assert.deepEqual(parsePortName("netmap:eth0@extmem=/tmp/mem.bin").options, {
    extmem: { file: "/tmp/mem.bin" },
  });
  assert.deepEqual(
    parsePortName(
      "netmap:eth0@extmem:file=/tmp/m,if_num=1,if-size=2,ring_num=3,ring_size=4,buf_num=5," +
        "buf_size=6",
    ).options,
    {
      extmem: {
        file: "/tmp/m",
        ifNum: 1,
        ifSize: 2,
        ringNum: 3,
        ringSize: 4,
        bufNum: 5,
        bufSize: 6,
      },
    },
  );
  fails("netmap:eth0@extmem:buf_num=5", 28, "a value for 'file' (mandatory for @extmem)");
  fails("netmap:eth0@extmem:file=/x,buf_num=a", 35, "a decimal number for 'buf_num'");

  assert.deepEqual(parsePortName("vale0:a@share=vale0:b").options, { share: "vale0:b" });
  assert.deepEqual(parsePortName("vale0:a@share:port=netmap:eth0").options, {
    share: "netmap:eth0",
  });
  const all = parsePortName("vale0:a-0/x@5@conf:slots=64@offset=0@share=vale1:b{2");
  assert.deepEqual(all.options, {
    conf: { slots: 64 },
    offset: { initial: 0 },
    share: "vale1:b{2",
  });
  // The shared port's name is checked with the same grammar, positions in the whole input.
  fails("vale0:a@share=vale0:b-1", 21, "the end of the shared port's name");
  fails("vale0:a@share=eth0", 14, "'netmap:' or 'vale' at the start");
  fails("vale0:a@share=netmap:", 21, "a port name after 'netmap:'");
  fails("vale0:a@share=", 14, "a value after 'share='");
  fails("vale0:a@share", 13, "'=' or ':' after 'share'");
  fails("vale0:a@share:port=", 19, "a value for 'port' (mandatory for @share)");
});

const CANONICAL = [
  "netmap:eth0",
  "netmap:eth0-1",
  "netmap:eth0^",
  "netmap:eth0^2",
  "netmap:eth0*",
  "netmap:eth0/xztrRT",
  "netmap:eth0-3/T@2",
  "netmap:pipe{in-7",
  "netmap:p}1",
  "vale:0",
  "vale0:a",
  "vale0:a{1/x",
  "valeXXX:YYY-4",
  "vale0:a@conf:rings=2,host_rings=1,slots=512,tx_rings=3,rx_rings=4,host_tx_rings=5," +
  "host_rx_rings=6,tx_slots=7,rx_slots=8",
  "vale0:a@offset=64",
  "vale0:a@offset:initial=8,max=128,bits=16",
  "netmap:eth0@extmem=/tmp/m",
  "netmap:eth0@extmem=/tmp/a,b", // the '=' form takes the rest of the option, commas too
  "netmap:eth0@extmem:file=/tmp/m,buf_num=5",
  "vale0:a@share=vale0:b",
  "vale0:a-1/x@3@conf:slots=64@offset=0@extmem=/f@share=netmap:eth0",
];

Deno.test("round trips: canonical names format to themselves", () => {
  for (const name of CANONICAL) {
    const spec = parsePortName(name);
    assert.equal(formatPortName(spec), name);
    assert.deepEqual(withoutInput(parsePortName(formatPortName(spec))), withoutInput(spec));
  }
});

Deno.test("round trips: other spellings normalise to the same spec", () => {
  const cases: [string, string][] = [
    ["netmap:eth0-2/Tx", "netmap:eth0-2/xT"],
    ["netmap:eth0@2/R@2", "netmap:eth0/R@2"],
    ["netmap:eth0-007", "netmap:eth0-7"],
    ["vale0:a@conf:tx-rings=4,rings=2", "vale0:a@conf:rings=2,tx_rings=4"],
    ["vale0:a@conf:rings=,slots=8", "vale0:a@conf:slots=8"],
    ["vale0:a@offset:initial=5", "vale0:a@offset=5"],
    ["vale0:a@share:port=vale0:b", "vale0:a@share=vale0:b"],
    ["vale0:a@share=vale0:b@conf:slots=1", "vale0:a@conf:slots=1@share=vale0:b"],
  ];
  for (const [input, canonical] of cases) {
    const spec = parsePortName(input);
    assert.equal(formatPortName(spec), canonical, input);
    assert.deepEqual(withoutInput(parsePortName(canonical)), withoutInput(spec), input);
  }
});

Deno.test("formatPortName refuses specs that no name expresses", () => {
  const base = parsePortName("vale0:a");
  const bad = (patch: Partial<PortSpec>, detail: string): void => {
    assert.throws(
      () => formatPortName({ ...base, ...patch }),
      (e: unknown) => e instanceof NetmapError && e.code === "EINVAL" && e.detail.includes(detail),
    );
  };
  bad({ mode: 7 }, "mode 7 has no port-name form"); // NR_REG_NULL
  bad({ ringId: 3 }, "ringId 3 needs mode NR_REG_ONE_NIC or NR_REG_ONE_SW");
  bad({ flags: 0x8000n }, "nr_flags bits 0x8000 have no port-name form"); // NR_ACCEPT_VNET_HDR
  bad({ subsystem: "vale", name: "eth0" }, "must start with 'vale'");
  bad({ name: "vale0:a b" }, "the spec gives an invalid name");
  bad({ options: { extmem: { file: "/a@b" } } }, "the spec gives an invalid name");
  bad({ options: { extmem: { file: "/a,b", bufNum: 5 } } }, "the spec gives an invalid name");
  bad(
    { options: { conf: { ringz: 1 } as unknown as PortSpec["options"]["conf"] } },
    "@conf has no key 'ringz'",
  );
});

Deno.test("constants come from the caller when given", () => {
  const small: PortNameConstants = { ...C, NETMAP_REQ_IFNAMSIZ: 8, NETMAP_RING_MASK: 16 };
  assert.equal(parsePortName("netmap:1234567", { constants: small }).name, "1234567");
  assert.throws(
    () => parsePortName("netmap:12345678", { constants: small }),
    (e: unknown) => e instanceof PortNameError && e.position === 14,
  );
  assert.throws(
    () => parsePortName("netmap:eth0-16", { constants: small }),
    (e: unknown) => e instanceof PortNameError && e.expected.endsWith("from 0 to 15"),
  );
  const swapped = parsePortName("netmap:eth0/x", { constants: { ...C, NR_EXCLUSIVE: 1 } });
  assert.equal(swapped.flags, 1n);
  assert.equal(formatPortName(swapped, { constants: { ...C, NR_EXCLUSIVE: 1 } }), "netmap:eth0/x");
});

// ---- the constants table against the C side -------------------------------------------------

/** netmap name → name in ffi/include/netmap_abi.h. */
function abiName(name: string): string {
  return name.replace(/^NR_REG_/, "NMA_REG_").replace(/^NR_/, "NMA_").replace(/^NETMAP_/, "NMA_");
}

Deno.test("constants table matches ffi/include/netmap_abi.h", () => {
  const header = Deno.readTextFileSync(new URL("../ffi/include/netmap_abi.h", import.meta.url));
  for (const [name, value] of Object.entries(C)) {
    const re = new RegExp(`\\b${abiName(name)}\\b\\s*=?\\s*(0x[0-9a-fA-F]+|[0-9]+)`);
    const m = re.exec(header);
    assert.ok(m, `${abiName(name)} (for ${name}) not found in netmap_abi.h`);
    assert.equal(Number(m[1]), value, name);
  }
});

/** Values of `names` in a layout document (JSON with "constants", or NAME value lines). */
function layoutValues(text: string, names: string[]): Map<string, number> {
  const out = new Map<string, number>();
  let table: Record<string, unknown> | undefined;
  try {
    const doc = JSON.parse(text);
    table = typeof doc?.constants === "object" ? doc.constants : doc;
  } catch {
    table = undefined;
  }
  for (const name of names) {
    const v = table?.[name];
    if (typeof v === "number") {
      out.set(name, v);
      continue;
    }
    const m = new RegExp(`\\b${name}\\b\\W*(0x[0-9a-fA-F]+|[0-9]+)`).exec(text);
    if (m) out.set(name, Number(m[1]));
  }
  return out;
}

function assertSameConstants(text: string, source: string): void {
  const names = Object.keys(C);
  const got = layoutValues(text, names);
  for (const name of names) {
    assert.ok(got.has(name), `${name} is missing from ${source}`);
    assert.equal(got.get(name), C[name as keyof PortNameConstants], `${name} in ${source}`);
  }
}

const LAYOUT_BIN = "./build/layout";
const layoutSkip = ((): string => {
  try {
    Deno.statSync(LAYOUT_BIN);
  } catch {
    return "build/layout is not built (make build)";
  }
  const perm = Deno.permissions.querySync({ name: "run", command: LAYOUT_BIN });
  return perm.state === "granted" ? "" : "no run permission for ./build/layout (-P=test)";
})();

Deno.test({
  name: `constants table matches build/layout${layoutSkip ? ` (skipped: ${layoutSkip})` : ""}`,
  ignore: layoutSkip !== "",
  fn: async () => {
    const out = await new Deno.Command(LAYOUT_BIN, { stdout: "piped", stderr: "piped" }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assertSameConstants(new TextDecoder().decode(out.stdout), "build/layout");
  },
});

const libraryLayout = await (async (): Promise<{ json?: string; skip: string }> => {
  try {
    const { library, cString } = await import("../src/ffi.ts");
    return { json: cString(library().nms_layout_json()), skip: "" };
  } catch (e) {
    const why = e instanceof Error ? e.message.split("\n")[0] : String(e);
    return { skip: `libnmscript.so not loadable: ${why.split(" — ")[0].slice(0, 80)}` };
  }
})();

Deno.test({
  name: `constants table matches the library's layout table${
    libraryLayout.skip ? ` (skipped: ${libraryLayout.skip})` : ""
  }`,
  ignore: libraryLayout.skip !== "",
  fn: () => assertSameConstants(libraryLayout.json!, "nms_layout_json()"),
});
