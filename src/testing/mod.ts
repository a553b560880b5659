/**
 * nmscript's test library: scopes that undo everything a test created (also
 * on a throw or a signal), netmap and Linux fixtures, send/expect over a
 * port, a frame log written as pcaps when a test fails, and the definer of
 * netmap's ported test suite.
 *
 * @example Two ports on a fresh switch exchange a frame
 * ```ts ignore
 * import { expect, send, TestScope, valeSwitch } from "./mod.ts";
 * import { functionalFrame } from "../frames/mod.ts";
 * await using scope = new TestScope("example");
 * const sw = valeSwitch({ scope });
 * const [a, b] = [sw.open("a"), sw.open("b")];
 * const frame = functionalFrame({ len: 60, fill: "x" });
 * await send(a, frame);
 * await expect(b, frame, { timeoutMs: 500 });
 * ```
 *
 * @module
 */
export * from "./scope.ts";
export * from "./command.ts";
export * from "./netlink.ts";
export * from "./capture.ts";
export {
  artifactDir,
  artifactRoot,
  ARTIFACTS_ENV,
  scriptName,
  writeFailureArtifacts,
} from "./artifacts.ts";
export { type UnsyncedTx, unsyncedTx, unsyncedTxHint } from "./tx_pending.ts";
export * from "./io.ts";
export * from "./fixtures.ts";
export * from "./suite.ts";
export { type Assert, assert, AssertionError, type ErrorCheck } from "./assert.ts";
