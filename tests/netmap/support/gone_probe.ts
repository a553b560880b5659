// Not part of the suite: run by tests/testing_suite_test.ts after a test was killed. Prints
// "port NAME: ERRNO-or-exists" for a persistent port and "switch NAME: N ports", then stops
// the uvale daemon of NMSCRIPT_UVALE_DIR.
import { NetmapError } from "../../../src/errors.ts";
import { backendName, uvaleStop } from "../../../src/ffi.ts";
import { portInfo, valeList } from "../../../src/vale.ts";

const [port, sw] = Deno.args;
try {
  portInfo(port);
  console.log(`port ${port}: exists`);
} catch (e) {
  console.log(`port ${port}: ${e instanceof NetmapError ? e.code : e}`);
}
let n = 0;
try {
  n = valeList().filter((e) => e.name.startsWith(`${sw}:`)).length;
} catch (e) {
  if (!(e instanceof NetmapError && e.code === "ENOENT")) throw e;
}
console.log(`switch ${sw}: ${n} ports`);
if (backendName() === "uvale") uvaleStop();
