/**
 * Deno permission checks made before nmscript touches anything, so that a
 * missing flag gives one clear sentence naming the flag instead of a
 * NotCapable error from deep inside a call.
 *
 * Facts verified on Deno 2.9.6: `Deno.dlopen` works with a scoped
 * `--allow-ffi=<absolute path of the .so>`, but `Deno.UnsafePointerView` and
 * `Deno.UnsafePointer.of` (zero-copy ring memory, request pointers) throw
 * NotCapable unless `--allow-ffi` is unscoped. nmscript therefore asks for
 * unscoped ffi.
 *
 * @module
 */

import { ERRNO, NetmapError } from "./errors.ts";

/**
 * The error for a missing permission: names the flag and why it is needed.
 *
 * @example
 * ```ts
 * import { missingPermission } from "./permissions.ts";
 * console.log(missingPermission("--allow-ffi", "to map rings").message);
 * ```
 */
export function missingPermission(flag: string, why: string): NetmapError {
  return new NetmapError({
    op: "permissions",
    errno: ERRNO.EACCES,
    summary: `missing permission ${flag}`,
    detail: `nmscript needs it ${why}`,
    hint: `run deno with ${flag} (or a permission set from nmscript's deno.json: -P=script)`,
  });
}

/**
 * Throws unless unscoped `--allow-ffi` is granted.
 *
 * @example
 * ```ts
 * import { requireFfi } from "./permissions.ts";
 * try { requireFfi(); } catch (e) { console.log(String(e)); }
 * ```
 */
export function requireFfi(): void {
  if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") {
    throw missingPermission(
      "--allow-ffi",
      "unscoped to map netmap rings into the script (Deno 2.9.6 forbids pointer views " +
        "under --allow-ffi=<path>)",
    );
  }
}

/**
 * Reads an environment variable after checking `--allow-env` for it.
 *
 * @example
 * ```ts
 * import { readEnv } from "./permissions.ts";
 * try { console.log(readEnv("HOME", "to find the cache")); } catch (e) { console.log(String(e)); }
 * ```
 */
export function readEnv(variable: string, why: string): string | undefined {
  if (Deno.permissions.querySync({ name: "env", variable }).state !== "granted") {
    throw missingPermission(`--allow-env=${variable}`, `to read ${variable} ${why}`);
  }
  return Deno.env.get(variable);
}

/**
 * Throws unless `--allow-read` covers `path`.
 *
 * @example
 * ```ts
 * import { requireRead } from "./permissions.ts";
 * try { requireRead("/etc/hostname", "for the demo"); } catch (e) { console.log(String(e)); }
 * ```
 */
export function requireRead(path: string, why: string): void {
  if (Deno.permissions.querySync({ name: "read", path }).state !== "granted") {
    throw missingPermission(`--allow-read=${path}`, why);
  }
}
