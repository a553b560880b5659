/**
 * Finds and loads libnmscript.so with `Deno.dlopen`, once per process.
 *
 * Where the library is looked for, in order:
 * 1. `$NMSCRIPT_LIB` (a path to the .so; nothing else is tried when it is set);
 * 2. when nmscript itself was imported from a `file:` URL (a checkout), that
 *    checkout's `build/libnmscript.so` (found from `import.meta.url`, never from
 *    the current directory); build it with `make build`;
 * 3. otherwise (imported over http(s)), the per-version cache
 *    `$NMSCRIPT_CACHE/<version>/libnmscript.so` (default
 *    `~/.cache/nmscript/<version>/libnmscript.so`), filled by
 *    `deno run -A <base-url>/scripts/install.ts`.
 *
 * Permissions are checked before anything is touched. Zero-copy ring access
 * (`Deno.UnsafePointerView.getArrayBuffer`, `Deno.UnsafePointer.of`) needs an
 * **unscoped** `--allow-ffi` on Deno 2.9.6: with `--allow-ffi=<path>` the
 * library loads but every pointer view throws NotCapable, so nmscript refuses
 * scoped ffi up front.
 *
 * @module
 */

import { ERRNO, NetmapError } from "./errors.ts";
import { readEnv, requireFfi, requireRead } from "./permissions.ts";

/**
 * nmscript's version; the library's `nms_version()` must match it.
 *
 * @example
 * ```ts
 * import { VERSION } from "../mod.ts";
 * console.log(`nmscript ${VERSION}`);
 * ```
 */
export const VERSION = "0.1.0";

/**
 * The C entry points of nmscript.h, as `Deno.dlopen` declares them, in groups. Binding a
 * symbol costs Deno a compiled call stub (about 0.3 ms here, 10 ms in a TCG guest), so
 * {@link library} binds `core` at once and each other group on the first use of one of its
 * functions.
 */
export const SYMBOL_GROUPS = {
  core: {
    nms_backend: { parameters: [], result: "i32" },
    nms_backend_name: { parameters: [], result: "pointer" },
    nms_version: { parameters: [], result: "pointer" },
    nms_layout_json: { parameters: [], result: "pointer" },
    nms_errno_name: { parameters: ["i32"], result: "pointer" },
    nms_last_error: { parameters: [], result: "pointer" },
    nms_open: { parameters: [], result: "i32" },
    nms_close: { parameters: ["i32"], result: "i32" },
    nms_ctrl: { parameters: ["i32", "buffer"], result: "i32" },
    nms_mmap: { parameters: ["i32", "u64", "buffer"], result: "pointer" },
    nms_munmap: { parameters: ["pointer", "u64"], result: "i32" },
    nms_txsync: { parameters: ["i32"], result: "i32" },
    nms_rxsync: { parameters: ["i32"], result: "i32" },
    nms_poll: { parameters: ["i32", "i32", "i32"], result: "i32", nonblocking: true },
    nms_poll_now: { name: "nms_poll", parameters: ["i32", "i32", "i32"], result: "i32" },
    nms_dup: { parameters: ["i32"], result: "i32" },
    nms_fd_close: { parameters: ["i32"], result: "i32" },
  },
  timer: {
    nms_sleep: { parameters: ["i32"], result: "i32", nonblocking: true },
    nms_alarm_open: { parameters: [], result: "i32" },
    nms_alarm_wait: { parameters: ["i32", "i32"], result: "i32", nonblocking: true },
    nms_alarm_cancel: { parameters: ["i32"], result: "i32" },
    nms_yield: { parameters: [], result: "i32" },
  },
  fdpass: {
    nms_seqpacket_listen: { parameters: ["buffer", "i32"], result: "i32" },
    nms_seqpacket_accept: { parameters: ["i32", "i32"], result: "i32", nonblocking: true },
    nms_seqpacket_connect: { parameters: ["buffer", "i32"], result: "i32", nonblocking: true },
    nms_send_fd: { parameters: ["i32", "buffer", "usize", "i32"], result: "i32" },
    nms_recv_fd: {
      parameters: ["i32", "buffer", "usize", "buffer", "i32"],
      result: "i32",
      nonblocking: true,
    },
  },
  tap: {
    nms_tap_open: { parameters: ["buffer", "buffer", "usize"], result: "i32" },
    nms_tap_write: { parameters: ["i32", "buffer", "usize"], result: "i32" },
    nms_tap_read: { parameters: ["i32", "buffer", "usize", "i32"], result: "i32" },
  },
  vlan: {
    nms_vlan_open: { parameters: [], result: "i32" },
    nms_vlan_ioctl: { parameters: ["i32", "buffer"], result: "i32" },
    nms_vlan_write: { parameters: ["i32", "buffer", "usize"], result: "i32" },
    nms_vlan_read: { parameters: ["i32", "buffer", "usize"], result: "i32" },
    nms_vlan_close: { parameters: ["i32"], result: "i32" },
    nms_vlan_reason_text: { parameters: ["u32"], result: "pointer" },
  },
  uvale: {
    nms_uvale_start: { parameters: [], result: "i32" },
    nms_uvale_stop: { parameters: [], result: "i32" },
    nms_uvale_status: { parameters: ["buffer", "usize"], result: "i32" },
    nms_uvale_socket_path: { parameters: [], result: "pointer" },
  },
} as const;

/** Every C entry point of nmscript.h, as `Deno.dlopen` declares it (all groups). */
export const SYMBOLS = {
  ...SYMBOL_GROUPS.core,
  ...SYMBOL_GROUPS.timer,
  ...SYMBOL_GROUPS.fdpass,
  ...SYMBOL_GROUPS.tap,
  ...SYMBOL_GROUPS.vlan,
  ...SYMBOL_GROUPS.uvale,
} as const;

/** The loaded library's functions. */
export type NmsSymbols = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

/**
 * Where the library was looked for, and the command that puts it there.
 *
 * @example
 * ```ts ignore
 * import { type LibrarySearch, librarySearch } from "../mod.ts";
 * const where: LibrarySearch = librarySearch();
 * console.log(where.paths.join("\n"), "\nfix:", where.fix);
 * ```
 */
export interface LibrarySearch {
  /** Every path tried, in order. */
  paths: string[];
  /** The command that makes the first path exist. */
  fix: string;
}

let loaded: { symbols: NmsSymbols; path: string } | undefined;

function env(variable: string): string | undefined {
  return readEnv(variable, "to find libnmscript.so");
}

function checkoutRoot(): string | undefined {
  const here = new URL(import.meta.url);
  if (here.protocol !== "file:") return undefined;
  return decodeURIComponent(new URL("..", here).pathname).replace(/\/$/, "");
}

/**
 * The per-version cache directory the installer fills:
 * `$NMSCRIPT_CACHE/<version>` or `~/.cache/nmscript/<version>`.
 *
 * @example
 * ```ts ignore
 * import { cacheDir } from "../mod.ts";
 * console.log(cacheDir()); // e.g. /root/.cache/nmscript/0.1.0
 * ```
 */
export function cacheDir(): string {
  const root = env("NMSCRIPT_CACHE") || `${env("HOME") || "/root"}/.cache/nmscript`;
  return `${root.replace(/\/$/, "")}/${VERSION}`;
}

/**
 * The paths where the library is looked for, in order, and the fixing command.
 *
 * @example
 * ```ts ignore
 * import { librarySearch } from "../mod.ts";
 * console.log(librarySearch().paths);
 * ```
 */
export function librarySearch(): LibrarySearch {
  const explicit = env("NMSCRIPT_LIB");
  if (explicit) {
    return {
      paths: [explicit],
      fix: "point NMSCRIPT_LIB at a built libnmscript.so, or unset it",
    };
  }
  const root = checkoutRoot();
  if (root !== undefined) {
    return { paths: [`${root}/build/libnmscript.so`], fix: `make -C ${root} build` };
  }
  const base = new URL("..", import.meta.url).href;
  return {
    paths: [`${cacheDir()}/libnmscript.so`],
    fix: `deno run -A ${base}scripts/install.ts`,
  };
}

function exists(path: string): boolean {
  requireRead(path, "to check whether the library is there");
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/**
 * The loaded library (loads it on first use).
 *
 * @example
 * ```ts ignore
 * import { library } from "./ffi.ts";
 * console.log(library().nms_backend());
 * ```
 */
export function library(): NmsSymbols {
  if (loaded) return loaded.symbols;
  requireFfi();
  const search = librarySearch();
  const path = search.paths.find(exists);
  if (path === undefined) {
    throw new NetmapError({
      op: "load library",
      errno: ERRNO.ENOENT,
      summary: "libnmscript.so not found",
      detail: `tried: ${search.paths.join(", ")}`,
      hint: `run: ${search.fix}`,
    });
  }
  let lib: Deno.DynamicLibrary<typeof SYMBOL_GROUPS.core>;
  try {
    lib = Deno.dlopen(path, SYMBOL_GROUPS.core);
  } catch (e) {
    throw new NetmapError({
      op: "load library",
      port: path,
      errno: ERRNO.ENOEXEC,
      summary: "dlopen failed",
      detail: e instanceof Error ? e.message : String(e),
      hint: `rebuild it: ${search.fix}`,
    });
  }
  const version = cString(lib.symbols.nms_version());
  if (version !== VERSION) {
    lib.close();
    throw new NetmapError({
      op: "load library",
      port: path,
      errno: ERRNO.ENOEXEC,
      summary: "library version mismatch",
      detail: `${path} is version ${version}, the TypeScript is ${VERSION}`,
      hint: `rebuild it: ${search.fix}`,
    });
  }
  loaded = { symbols: withLazyGroups(path, search.fix, lib.symbols), path };
  return loaded.symbols;
}

/**
 * `core` plus every other group's functions as getters that bind their group (one more
 * `Deno.dlopen` of the same file) on first use. The object never changes shape, so the core
 * functions stay plain, fast properties.
 */
function withLazyGroups(path: string, fix: string, core: Record<string, unknown>): NmsSymbols {
  const out: Record<string, unknown> = { ...core };
  for (const [group, decls] of Object.entries(SYMBOL_GROUPS)) {
    if (group === "core") continue;
    let bound: Record<string, unknown> | undefined;
    const bind = (): Record<string, unknown> => {
      if (bound) return bound;
      try {
        bound = Deno.dlopen(path, decls as Deno.ForeignLibraryInterface).symbols;
      } catch (e) {
        throw new NetmapError({
          op: "load library",
          port: path,
          errno: ERRNO.ENOEXEC,
          summary: `dlopen failed for the ${group} functions`,
          detail: e instanceof Error ? e.message : String(e),
          hint: `the library is older than the TypeScript: rebuild it: ${fix}`,
        });
      }
      return bound;
    };
    for (const name of Object.keys(decls)) {
      Object.defineProperty(out, name, { enumerable: true, get: () => bind()[name] });
    }
  }
  return out as NmsSymbols;
}

/**
 * The path of the loaded library (loads it if needed).
 *
 * @example
 * ```ts ignore
 * import { libraryPath } from "../mod.ts";
 * console.log(libraryPath());
 * ```
 */
export function libraryPath(): string {
  library();
  return loaded!.path;
}

/**
 * A NUL-terminated C string read from a pointer ("" for NULL).
 *
 * @example
 * ```ts ignore
 * import { cString, library } from "./ffi.ts";
 * console.log(cString(library().nms_backend_name()));
 * ```
 */
export function cString(ptr: Deno.PointerValue): string {
  if (ptr === null) return "";
  return Deno.UnsafePointerView.getCString(ptr);
}

/**
 * A NUL-terminated UTF-8 copy of `s`, for `buffer` parameters.
 *
 * @example
 * ```ts
 * import { toCString } from "./ffi.ts";
 * console.log(toCString("ab").length); // 3
 * ```
 */
export function toCString(s: string): Uint8Array<ArrayBuffer> {
  const bytes = new TextEncoder().encode(s);
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
}

/**
 * The name of the active backend: "kernel" or "uvale".
 *
 * @example
 * ```ts ignore
 * import { backendName } from "../mod.ts";
 * console.log(backendName());
 * ```
 */
export function backendName(): string {
  const lib = library();
  const r = lib.nms_backend();
  if (r < 0) check(r, "select backend", "");
  return cString(lib.nms_backend_name());
}

/**
 * Turns a library return value into a NetmapError when it is `-errno`; returns
 * it unchanged otherwise. The error carries `nms_last_error()` as detail.
 *
 * @example
 * ```ts ignore
 * import { check, library } from "./ffi.ts";
 * const fd = check(library().nms_open(), "open", "vale0:a");
 * ```
 */
export function check(ret: number, op: string, port: string, extra?: string): number {
  if (ret >= 0) return ret;
  throw errorFrom(-ret, op, port, extra);
}

/**
 * Like check(), for the result of a `nonblocking` call: that call ran on
 * another thread, so this thread's `nms_last_error()` says nothing about it
 * and is not used.
 *
 * @example
 * ```ts ignore
 * import { checkAsync, library } from "./ffi.ts";
 * const revents = checkAsync(await library().nms_poll(fd, 1, 100), "poll", "vale0:a");
 * ```
 */
export function checkAsync(ret: number, op: string, port: string, detail?: string): number {
  if (ret >= 0) return ret;
  const code = cString(library().nms_errno_name(-ret));
  throw new NetmapError({ op, port, errno: -ret, code, detail });
}

/**
 * A NetmapError for errno `errno`, with the library's last message as detail.
 *
 * @example
 * ```ts ignore
 * import { errorFrom } from "./ffi.ts";
 * throw errorFrom(22, "register", "vale0:a");
 * ```
 */
export function errorFrom(errno: number, op: string, port: string, extra?: string): NetmapError {
  const lib = library();
  const code = cString(lib.nms_errno_name(errno));
  const sentence = cString(lib.nms_last_error());
  const detail = [extra, sentence].filter((s) => s).join("; ");
  return new NetmapError({ op, port, errno, code, detail });
}

/**
 * Starts this user's uvale daemon if it is not running (no-op on the kernel
 * backend). `NMSCRIPT_UVALE_DIR` chooses where its socket and state live.
 *
 * @example
 * ```ts ignore
 * import { uvaleStart } from "../mod.ts";
 * uvaleStart();
 * ```
 */
export function uvaleStart(): void {
  check(library().nms_uvale_start(), "uvale start", "");
}

/**
 * Asks the running uvale daemon to exit (its persistent state is saved first).
 *
 * @example
 * ```ts ignore
 * import { uvaleStop } from "../mod.ts";
 * uvaleStop();
 * ```
 */
export function uvaleStop(): void {
  check(library().nms_uvale_stop(), "uvale stop", "");
}

/**
 * The running uvale daemon's status line (JSON text).
 *
 * @example
 * ```ts ignore
 * import { uvaleStatus } from "../mod.ts";
 * console.log(uvaleStatus());
 * ```
 */
export function uvaleStatus(): string {
  const buf = new Uint8Array(4096);
  const n = check(library().nms_uvale_status(buf, BigInt(buf.length)), "uvale status", "");
  return new TextDecoder().decode(buf.subarray(0, Math.min(n, buf.length)));
}
