/**
 * Test scopes: everything a test creates is registered with its undo, and the
 * undos run in reverse order when the scope ends, when the test throws, and
 * when the process gets SIGINT or SIGTERM. A scope that cannot undo something
 * reports it, so that a leaking test fails instead of poisoning the next one.
 *
 * @module
 */

type Undo = () => void | Promise<void>;

interface Entry {
  label: string;
  undo: Undo;
}

const liveScopes = new Set<TestScope>();
let signalsInstalled = false;

function installSignalHandlers(): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  for (const [sig, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    try {
      Deno.addSignalListener(sig, () => {
        void cleanupAllScopes().finally(() => Deno.exit(code));
      });
    } catch {
      // signals not available (e.g. in a Worker): cleanup still runs on dispose
    }
  }
}

/**
 * Runs the undos of every scope still open, newest first. Called on SIGINT and
 * SIGTERM; also useful from a top-level `finally`.
 *
 * @example Clean up after a crash handler
 * ```ts ignore
 * globalThis.addEventListener("unhandledrejection", () => cleanupAllScopes());
 * ```
 *
 * @returns Resolves when every scope is closed.
 */
export async function cleanupAllScopes(): Promise<void> {
  for (const scope of [...liveScopes].reverse()) {
    await scope[Symbol.asyncDispose]().catch(() => {});
  }
}

/**
 * Raised by a scope whose undos failed: the resources named are probably leaked.
 *
 * @example
 * ```ts ignore
 * import { LeakError, TestScope } from "../../mod.ts";
 * try {
 *   await using scope = new TestScope("demo");
 *   scope.defer("remove v0", () => { throw new Error("busy"); });
 * } catch (e) {
 *   if (e instanceof LeakError) console.log(e.leaks); // ["remove v0: busy"]
 * }
 * ```
 */
export class LeakError extends Error {
  /** One line per undo that failed. */
  readonly leaks: string[];

  /**
   * Creates the error from the failed undos.
   *
   * @param scopeName The scope's name.
   * @param leaks One line per failed undo.
   */
  constructor(scopeName: string, leaks: string[]) {
    super(`Test '${scopeName}' left resources behind:\n  ${leaks.join("\n  ")}`);
    this.name = "LeakError";
    this.leaks = leaks;
  }
}

/**
 * A LIFO list of undos with a name, closed with `await using`.
 *
 * @example Register an undo
 * ```ts
 * import { TestScope } from "../../mod.ts";
 * const log: string[] = [];
 * {
 *   await using scope = new TestScope("example");
 *   scope.defer("first", () => void log.push("first"));
 *   scope.defer("second", () => void log.push("second"));
 * }
 * if (log.join() !== "second,first") throw new Error("undos must run newest first");
 * ```
 */
export class TestScope implements AsyncDisposable {
  /** The scope's name (used in leak reports and resource names). */
  readonly name: string;
  #entries: Entry[] = [];
  #closed = false;

  /**
   * Creates an open scope with no undos yet.
   *
   * @param name A name for messages, e.g. the test's name.
   */
  constructor(name: string) {
    this.name = name;
    liveScopes.add(this);
    installSignalHandlers();
  }

  /**
   * Registers an undo, run when the scope closes (newest first).
   *
   * @param label What the undo removes, for leak reports (e.g. "veth nmA").
   * @param undo The action.
   */
  defer(label: string, undo: Undo): void {
    if (this.#closed) throw new Error(`Scope '${this.name}' is closed: cannot defer '${label}'`);
    this.#entries.push({ label, undo });
  }

  /**
   * Adopts a disposable resource: it is disposed when the scope closes.
   *
   * @param label What the resource is, for leak reports.
   * @param resource Anything with `Symbol.dispose` or `Symbol.asyncDispose`.
   * @returns The same resource.
   */
  use<T extends Disposable | AsyncDisposable>(label: string, resource: T): T {
    this.defer(label, async () => {
      if (Symbol.asyncDispose in resource) {
        await (resource as AsyncDisposable)[Symbol.asyncDispose]();
      } else (resource as Disposable)[Symbol.dispose]();
    });
    return resource;
  }

  /** Runs every undo (newest first); throws {@linkcode LeakError} if any failed. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    liveScopes.delete(this);
    const leaks: string[] = [];
    for (const { label, undo } of this.#entries.reverse()) {
      try {
        await undo();
      } catch (e) {
        leaks.push(`${label}: ${(e as Error).message}`);
      }
    }
    this.#entries = [];
    if (leaks.length) throw new LeakError(this.name, leaks);
  }
}
