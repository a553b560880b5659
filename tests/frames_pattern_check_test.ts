// Pattern typos are errors, not silently ignored keys; explicit padding of built frames.
import assert from "node:assert/strict";
import { NetmapError } from "../src/errors.ts";
import { eth, ETH_MIN_FRAME, functionalFrame, match, parseFrame } from "../src/frames/mod.ts";
import { checkPattern, patternProblem } from "../src/frames/pattern_check.ts";
import type { FramePattern } from "../src/frames/matcher.ts";

const frame = eth({ dst: "02:00:00:00:00:02" }).vlan(10).ipv4({ src: "10.0.0.1", dst: "10.0.0.2" })
  .udp({ dstPort: 9 }).payload("hi").build();

function rejects(pattern: unknown, message: RegExp, hint?: RegExp): void {
  const e = (() => {
    try {
      match(frame, pattern as FramePattern);
    } catch (x) {
      return x;
    }
    return undefined;
  })();
  assert.ok(e instanceof NetmapError, `expected an error for ${JSON.stringify(pattern)}`);
  assert.equal(e.code, "EINVAL");
  assert.match(e.message, message);
  if (hint) assert.match(e.hint, hint);
}

Deno.test("an unknown top-level key throws, naming it and the known keys", () => {
  rejects(
    { ip: { dst: "1.2.3.4" } },
    /unknown key 'ip' in the pattern \(known: length, eth, vlan/,
    /did you mean 'ipv4' or 'ipv6'\?/,
  );
  rejects({ ipv4dst: "9.9.9.9" }, /unknown key 'ipv4dst' in the pattern/, /did you mean 'ipv4'\?/);
  rejects(
    { payloadLen: 2 },
    /unknown key 'payloadLen'/,
    /did you mean 'payload' or 'payloadLength'\?/,
  );
  rejects({ zzz: 1 }, /unknown key 'zzz'/, /use one of the known keys/);
});

Deno.test("an unknown key inside a layer or a VLAN tag throws with its path", () => {
  rejects(
    { vlan: [{ id: 10 }] },
    /unknown key 'id' in vlan\[0\] \(known: vid, pcp, dei, tpid, type\)/,
    /did you mean 'vid'\?/,
  );
  rejects({ vlan: { vid: 10, prio: 1 } }, /unknown key 'prio' in vlan \(known/);
  rejects({ udp: { dstport: 9 } }, /unknown key 'dstport' in udp/, /did you mean 'dstPort'\?/);
  rejects({ ipv4: { destination: "10.0.0.2" } }, /unknown key 'destination' in ipv4/);
  rejects({ tcp: { flag: "S" } }, /unknown key 'flag' in tcp/, /'flags'/);
  rejects({ eth: "02:00:00:00:00:02" }, /eth must be an object of fields/);
  rejects({ vlan: [10] }, /vlan\[0\] must be an object of fields/);
  rejects(null, /must be a FrameBuilder, a Uint8Array or an object/);
});

Deno.test("valid patterns still match and mismatch as before", () => {
  assert.equal(match(frame, { vlan: [{ vid: 10 }], ipv4: { dst: "10.0.0.2" } }).ok, true);
  assert.equal(match(frame, { vlan: { vid: 10, type: 0x0800 }, udp: { dstPort: 9 } }).ok, true);
  const r = match(frame, { ipv4: { dst: "9.9.9.9" } });
  assert.deepEqual(r.differences.map((d) => d.field), ["ipv4.dst"]);
  // keys given as undefined are allowed (optional fields spread from elsewhere)
  assert.equal(
    match(frame, { ipv4: { dst: "10.0.0.2", ttl: undefined }, tcp: undefined }).ok,
    true,
  );
  assert.equal(patternProblem({ checksumsOk: true, length: frame.length }), undefined);
  assert.throws(() => checkPattern({ ip: {} }), /unknown key 'ip'/);
});

Deno.test("build pads only when asked: padTo(60) or build({ minLength: 60 })", () => {
  const b = eth({}).ipv4({ src: "10.0.0.1", dst: "10.0.0.2" }).udp().payload("hi");
  assert.equal(b.build().length, 44, "default output unchanged");
  const padded = b.build({ minLength: ETH_MIN_FRAME });
  assert.equal(padded.length, 60);
  assert.deepEqual(padded.subarray(0, 44), b.build(), "headers, lengths and checksums unchanged");
  assert.ok(padded.subarray(44).every((x) => x === 0), "zero fill");
  assert.deepEqual(b.padTo(60).build(), padded, "padTo gives the same bytes");
  const p = parseFrame(padded);
  assert.equal(p.udp?.checksumOk, true);
  assert.equal(p.ipv4?.totalLength, 30);
  assert.equal(p.trailer.length, 16);
  assert.equal(b.build({ minLength: 10 }).length, 44, "never truncates");
  assert.throws(() => b.build({ minLength: -1 }), /minLength/);
  // functional's model frame is still byte-exact (its own length, no padding added)
  assert.equal(functionalFrame({ len: 42 }).length, 42);
});
