/**
 * nmscript: open netmap ports from `deno run` scripts and work on their rings
 * zero-copy, on kernel netmap or on uvale (nmscript's userspace netmap).
 *
 * @example Send one frame from vale0:a to vale0:b
 * ```ts ignore
 * import { openPort } from "./mod.ts";
 *
 * using a = openPort("vale0:a");
 * using b = openPort("vale0:b");
 * const tx = a.txRings[0];
 * if (tx.reserve(1) === 1) {
 *   tx.write(tx.slot(0), new Uint8Array(60).fill(0xff)); // broadcast frame
 *   tx.submit(1);
 *   a.txsync();
 * }
 * if (await b.ready("rx", { timeoutMs: 1000 })) {
 *   const rx = b.rxRings[0];
 *   const n = rx.peek(1);
 *   console.log(n, "frame of", rx.len(rx.slot(0)), "bytes");
 *   rx.release(n);
 * }
 * ```
 *
 * Run with a permission set from deno.json: `deno run -P=script my_script.ts`.
 *
 * @module
 */

export * from "./src/errors.ts";
export {
  backendName,
  cacheDir,
  libraryPath,
  type LibrarySearch,
  librarySearch,
  uvaleStart,
  uvaleStatus,
  uvaleStop,
  VERSION,
} from "./src/ffi.ts";
export * from "./src/layout.ts";
export * from "./src/offsets.ts";
export * from "./src/request.ts";
export * from "./src/ring.ts";
export * from "./src/port.ts";
export * from "./src/vale.ts";
export * from "./src/vlan.ts";
export * from "./src/fdpass.ts";
export * from "./src/fd_server_client.ts";
export * from "./src/port_name.ts";
export * from "./src/frames/mod.ts";
export * from "./src/testing/mod.ts";
