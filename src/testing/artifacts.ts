/**
 * Where failure artifacts (pcaps + diff.txt, see capture.ts) go, and writing
 * them without surprises: `NMSCRIPT_ARTIFACTS/<name>/` when that variable is
 * set, else `./nmscript-artifacts/<name>/` relative to the caller's working
 * directory, where `<name>` is the test's `<id>_<name>` or the script's file
 * name. Without write permission for that directory nothing is written and
 * one line says where the files would have gone and how to enable them.
 *
 * @module
 */
import { type Capture, portFileName } from "./capture.ts";

/**
 * The environment variable choosing the artifacts' root directory.
 *
 * @example
 * ```ts
 * import { ARTIFACTS_ENV } from "../../mod.ts";
 * console.log(`set ${ARTIFACTS_ENV}=/tmp/arts to keep failure artifacts there`);
 * ```
 */
export const ARTIFACTS_ENV = "NMSCRIPT_ARTIFACTS";
/** The older name of {@linkcode ARTIFACTS_ENV}, still honoured. */
const LEGACY_ENV = "NMSCRIPT_TEST_OUT";
/** The default root, relative to the working directory. */
export const DEFAULT_ARTIFACTS_ROOT = "nmscript-artifacts";

function env(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined; // no env permission: use the default
  }
}

/**
 * The artifacts' root: NMSCRIPT_ARTIFACTS (or the older NMSCRIPT_TEST_OUT),
 * else `nmscript-artifacts` in the working directory (absolute when the
 * working directory can be read).
 *
 * @returns A directory path without a trailing slash.
 *
 * @example
 * ```ts
 * import { artifactRoot } from "./artifacts.ts";
 * console.log(artifactRoot()); // e.g. /home/me/project/nmscript-artifacts
 * ```
 */
export function artifactRoot(): string {
  const set = env(ARTIFACTS_ENV) ?? env(LEGACY_ENV);
  if (set) return set.length > 1 ? set.replace(/\/+$/, "") : set;
  try {
    return `${Deno.cwd()}/${DEFAULT_ARTIFACTS_ROOT}`;
  } catch {
    return DEFAULT_ARTIFACTS_ROOT;
  }
}

/**
 * Where the artifacts of one test or script go: `<root>/<name>`.
 *
 * @param name The test's `<id>_<name>` or the script's name (made safe for a file name).
 * @returns The directory.
 *
 * @example
 * ```ts
 * import { artifactDir } from "../../mod.ts";
 * console.log(artifactDir("021_send_rec_ephemeral_vale_ports"));
 * ```
 */
export function artifactDir(name: string): string {
  return `${artifactRoot()}/${portFileName(name)}`;
}

/**
 * The running script's name: its file name without the extension
 * ("check_vlan" for `deno run check_vlan.ts`).
 *
 * @returns The name, or "script" when the main module has no file name.
 *
 * @example
 * ```ts
 * import { scriptName } from "./artifacts.ts";
 * console.log(scriptName());
 * ```
 */
export function scriptName(): string {
  const path = new URL(Deno.mainModule).pathname;
  const base = decodeURIComponent(path.slice(path.lastIndexOf("/") + 1));
  const name = base.replace(/\.[A-Za-z0-9]+$/, "");
  return name === "" ? "script" : name;
}

function canWrite(dir: string): boolean {
  try {
    return Deno.permissions.querySync({ name: "write", path: dir }).state === "granted";
  } catch {
    return false;
  }
}

const announced = new Set<string>();

/**
 * Writes a capture's artifacts to {@linkcode artifactDir}(name), replacing
 * what an earlier failure left there, and prints one line saying where they
 * are. Without write permission it writes nothing and prints (once per
 * directory) where they would have gone and what enables them. Never throws.
 *
 * @param capture The frames and notes to write.
 * @param name The test or script name.
 * @param error The failure, appended to diff.txt.
 * @returns The files written (empty when nothing could be written).
 *
 * @example
 * ```ts ignore
 * await writeFailureArtifacts(capture, "021_send_rec_ephemeral_vale_ports", error);
 * ```
 */
export async function writeFailureArtifacts(
  capture: Capture,
  name: string,
  error: unknown,
): Promise<string[]> {
  const dir = artifactDir(name);
  if (!canWrite(dir)) {
    if (!announced.has(dir)) {
      announced.add(dir);
      console.error(
        `# failure artifacts not written: no write permission for ${dir} ` +
          `(grant it with --allow-write=${dir}, or set ${ARTIFACTS_ENV} to a writable directory)`,
      );
    }
    return [];
  }
  try {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    const files = await capture.writeArtifacts(dir, error);
    rootsSeen.set(artifactRoot(), true);
    console.error(`# failure artifacts: ${files.join(" ")}`);
    return files;
  } catch (e) {
    console.error(`# could not write failure artifacts to ${dir}: ${(e as Error).message}`);
    return [];
  }
}

/**
 * Removes what an earlier failure of the same test wrote (a passing run would
 * otherwise leave a misleading diff). Never throws.
 *
 * @param name The test name.
 *
 * @example
 * ```ts ignore
 * await removeStaleArtifacts("021_send_rec_ephemeral_vale_ports");
 * ```
 */
export async function removeStaleArtifacts(name: string): Promise<void> {
  // Without the root there is nothing stale: one stat per root, not a failed remove per test
  // (a thrown NotFound costs ~10 ms per test in a TCG guest).
  const root = artifactRoot();
  if (!rootsSeen.has(root)) {
    try {
      Deno.lstatSync(root);
      rootsSeen.set(root, true);
    } catch (e) {
      rootsSeen.set(root, !(e instanceof Deno.errors.NotFound));
    }
  }
  if (!rootsSeen.get(root)) return;
  const dir = artifactDir(name);
  if (!canWrite(dir)) return;
  try {
    await Deno.remove(dir, { recursive: true });
  } catch {
    // nothing there
  }
}

/** Artifact roots looked at by removeStaleArtifacts(): whether each existed (or got written). */
const rootsSeen = new Map<string, boolean>();
