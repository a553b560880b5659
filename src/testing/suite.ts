/**
 * One file, two ways to run: a netmap test written with {@linkcode netmapTest}
 * is a standalone script (`deno run -P=test tests/netmap/001_x.ts -l 274 -f c`)
 * that prints a kselftest-style result line and exits 0 (pass), 1 (fail) or
 * 4 (skip), and it is also collected by `deno test`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { TestScope } from "./scope.ts";

/** Parameters of netmap's send/receive tests (`-l LEN -f FILL -n NUM -q -v`). */
export interface SendRecvParams {
  /** Frame length in bytes. */
  len: number;
  /** Fill character. */
  fill: string;
  /** Number of frames per event. */
  num: number;
  /** Sequential fill (`-q`). */
  seq: boolean;
  /** Verbosity (number of `-v`). */
  verbose: number;
}

/** Static description of a test. */
export interface NetmapTestInfo {
  /** Short id, e.g. "001". */
  id: string;
  /** Name, e.g. "exclusive_open_ephemeral_vale_port". */
  name: string;
  /** One line: what the test checks. */
  purpose: string;
  /** Defaults of the send/receive parameters for this test. */
  defaults?: Partial<SendRecvParams>;
}

/** What a test body receives. */
export interface NetmapTestContext {
  /** Owns everything the test creates; closed when the test ends. */
  scope: TestScope;
  /** Send/receive parameters (defaults, overridden by command-line options). */
  params: SendRecvParams;
  /** Prints a line when verbose. */
  log(message: string): void;
  /** Ends the test as skipped, with a reason. */
  skip(reason: string): never;
  /** Registers an action run only if the test fails (e.g. write pcaps). */
  onFailure(action: (error: unknown) => void | Promise<void>): void;
}

/** Thrown by {@linkcode NetmapTestContext.skip}. */
export class SkipError extends Error {
  /** @param reason Why the test cannot run here. */
  constructor(reason: string) {
    super(reason);
    this.name = "SkipError";
  }
}

/** Exit codes of a standalone run, as kselftest uses them. */
export const EXIT = { pass: 0, fail: 1, skip: 4 } as const;

/**
 * Parses netmap's test options (`-h -v -q -l LEN -f FILL -n NUM`).
 *
 * @example Override the length
 * ```ts
 * import { parseSendRecvArgs } from "./suite.ts";
 * const p = parseSendRecvArgs(["-l", "60", "-q"], {});
 * if (p.len !== 60 || !p.seq || p.fill !== "c") throw new Error("unexpected parameters");
 * ```
 *
 * @param args Command-line arguments.
 * @param defaults This test's defaults.
 * @returns The parameters.
 */
export function parseSendRecvArgs(
  args: string[],
  defaults: Partial<SendRecvParams>,
): SendRecvParams {
  const { values } = parseArgs({
    args,
    options: {
      l: { type: "string" },
      f: { type: "string" },
      n: { type: "string" },
      q: { type: "boolean" },
      v: { type: "boolean", multiple: true },
      h: { type: "boolean" },
    },
    strict: true,
    allowPositionals: false,
  });
  const num = (flag: string, v: string | undefined, d: number): number => {
    if (v === undefined) return d;
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < 1) {
      throw new RangeError(`Invalid -${flag} '${v}': expected a positive integer`);
    }
    return n;
  };
  const fill = values.f ?? defaults.fill ?? "c";
  if (fill.length < 1) throw new RangeError("Invalid -f '': expected one character");
  return {
    len: num("l", values.l, defaults.len ?? 274),
    fill: fill[0],
    num: num("n", values.n, defaults.num ?? 1),
    seq: values.q ?? defaults.seq ?? false,
    verbose: values.v?.length ?? 0,
  };
}

async function runOnce(
  info: NetmapTestInfo,
  params: SendRecvParams,
  body: (t: NetmapTestContext) => Promise<void>,
): Promise<{ status: keyof typeof EXIT; error?: unknown }> {
  const failureActions: ((e: unknown) => void | Promise<void>)[] = [];
  const scope = new TestScope(`${info.id}_${info.name}`);
  const ctx: NetmapTestContext = {
    scope,
    params,
    log: (m) => {
      if (params.verbose > 0) console.log(`# ${m}`);
    },
    skip: (reason) => {
      throw new SkipError(reason);
    },
    onFailure: (a) => void failureActions.push(a),
  };
  let status: keyof typeof EXIT = "pass";
  let error: unknown;
  try {
    await body(ctx);
  } catch (e) {
    if (e instanceof SkipError) status = "skip";
    else {
      status = "fail";
      error = e;
    }
  }
  if (status === "fail") {
    for (const a of failureActions) {
      try {
        await a(error);
      } catch (e) {
        console.error(`# failure action failed: ${(e as Error).message}`);
      }
    }
  }
  try {
    await scope[Symbol.asyncDispose]();
  } catch (e) {
    // A leak fails the test even when the body passed.
    if (status !== "fail") {
      status = "fail";
      error = e;
    }
  }
  if (status === "skip") {
    console.log(`# SKIP ${info.id} ${info.name}: ${(error as Error)?.message ?? ""}`);
  }
  return { status, error };
}

/**
 * Defines a netmap test. Pass `import.meta` of the test file: when the file is
 * the main module it runs at once and exits with the kselftest code; under
 * `deno test` it registers a `Deno.test`.
 *
 * @example A minimal test
 * ```ts ignore
 * netmapTest(import.meta, { id: "900", name: "example", purpose: "shows the shape" }, async (t) => {
 *   t.log(`len ${t.params.len}`);
 * });
 * ```
 *
 * @param meta The test module's `import.meta`.
 * @param info Id, name, purpose and parameter defaults.
 * @param body The test.
 */
export function netmapTest(
  meta: ImportMeta,
  info: NetmapTestInfo,
  body: (t: NetmapTestContext) => Promise<void>,
): void {
  const title = `${info.id}_${info.name}`;
  if (meta.main) {
    let params: SendRecvParams;
    try {
      params = parseSendRecvArgs(Deno.args, info.defaults ?? {});
    } catch (e) {
      console.error(`${title}: ${(e as Error).message}`);
      console.error("usage: [-h] [-v] [-q] [-l LEN] [-f FILL] [-n NUM]");
      Deno.exit(EXIT.fail);
    }
    if (Deno.args.includes("-h")) {
      console.log(`${title}: ${info.purpose}\nusage: [-h] [-v] [-q] [-l LEN] [-f FILL] [-n NUM]`);
      Deno.exit(0);
    }
    const started = performance.now();
    runOnce(info, params, body).then(({ status, error }) => {
      if (error) console.error(error instanceof Error ? error.stack ?? error.message : error);
      const label = status === "pass" ? "[ OK ]" : status === "skip" ? "[SKIP]" : "[FAIL]";
      const ms = (performance.now() - started).toFixed(0);
      console.log(`TEST: ${title} (${info.purpose}) ${label} ${ms} ms`);
      Deno.exit(EXIT[status]);
    });
    return;
  }
  Deno.test({
    name: `${title}: ${info.purpose}`,
    fn: async () => {
      const { status, error } = await runOnce(
        info,
        parseSendRecvArgs([], info.defaults ?? {}),
        body,
      );
      if (status === "fail") throw error;
    },
  });
}
