/**
 * One file, two ways to run: a netmap test written with {@linkcode netmapTest}
 * is a standalone script (`deno run -P=test tests/netmap/001_x.ts -l 274 -f c`)
 * that prints a kselftest-style result line and exits 0 (pass), 1 (fail),
 * 2 (xfail: a known bug of the backend, see {@linkcode NetmapTestContext.xfail})
 * or 4 (skip), and it is also collected by `deno test`, which runs the same
 * script as a child process with its own uvale daemon (own
 * NMSCRIPT_UVALE_DIR, stopped at the end), so that tests running in parallel
 * never share state and nothing outlives the test.
 *
 * When a test fails, the frames each port sent and saw are written to
 * `<artifacts>/<test>/<port>.pcap` (and `.sent.pcap`) with a readable
 * `diff.txt` (see capture.ts), where `<artifacts>` is NMSCRIPT_ARTIFACTS, else
 * `./nmscript-artifacts` (see artifacts.ts); under `deno test` the child runs
 * default to this checkout's `tests/out`.
 *
 * @module
 */
import { getopt } from "../cli/getopt.ts";
import { backendName, uvaleStop } from "../ffi.ts";
import type { PortConf } from "../port.ts";
import { sleep, TIMED_OUT, within } from "../timer.ts";
import { ARTIFACTS_ENV, removeStaleArtifacts, writeFailureArtifacts } from "./artifacts.ts";
import { Capture, setActiveCapture } from "./capture.ts";
import { LeakError, TestScope } from "./scope.ts";

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

/**
 * Static description of a test.
 *
 * @example
 * ```ts ignore
 * import { netmapTest, type NetmapTestInfo } from "../../mod.ts";
 * const info: NetmapTestInfo = { id: "902", name: "info", purpose: "shows the description" };
 * netmapTest(import.meta, info, async (t) => {});
 * ```
 */
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

/**
 * What a test body receives.
 *
 * @example
 * ```ts ignore
 * import { netmapTest, type NetmapTestContext } from "../../mod.ts";
 * const info = { id: "901", name: "ctx", purpose: "shows the context" };
 * netmapTest(import.meta, info, async (t: NetmapTestContext) => {
 *   t.log(`backend ${t.backend}`);
 * });
 * ```
 */
export interface NetmapTestContext {
  /** Owns everything the test creates; closed when the test ends. */
  scope: TestScope;
  /** Send/receive parameters (defaults, overridden by command-line options). */
  params: SendRecvParams;
  /** Prints a line when verbose. */
  log(message: string): void;
  /** Ends the test as skipped, with a reason. */
  skip(reason: string): never;
  /**
   * Ends the test as an expected failure: the backend has a known bug at this step (recognise it
   * precisely first: backend, step and errno). `leaves` names the fixtures (their scope labels,
   * e.g. "persistent port nmpab12") the bug makes impossible to remove; leaks of anything else
   * still fail the test.
   */
  xfail(reason: string, options: XfailOptions): never;
  /** Registers an action run only if the test fails (e.g. write pcaps). */
  onFailure(action: (error: unknown) => void | Promise<void>): void;
  /** The frame log send/expect record into (written out when the test fails). */
  capture: Capture;
  /** The backend the test runs on: "kernel" or "uvale". */
  backend: string;
  /**
   * Rings and slots for the ports the test creates (pass it to the fixtures:
   * `valeSwitch({ scope: t.scope, conf: t.conf })`): {@linkcode TEST_SLOTS_DEFAULT} slots per
   * ring unless `NMSCRIPT_TEST_SLOTS` says otherwise (0: netmap's own default, 1024). Why: a new
   * VALE port or pipe parent gets a private memory region sized by its rings, 42 MB at 1024
   * slots against netmap's 8 MB floor at 128, and setting that up is most of what a short test
   * costs on a slow machine (300 ms against 40 ms per port in a QEMU TCG guest).
   */
  conf: PortConf;
}

/** Environment variable: slots per ring of the ports a netmap test creates (0: netmap's). */
export const TEST_SLOTS_ENV = "NMSCRIPT_TEST_SLOTS";
/** Slots per ring of the ports a netmap test creates when NMSCRIPT_TEST_SLOTS is not set. */
export const TEST_SLOTS_DEFAULT = 128;

/**
 * The port configuration netmap tests create their ports with: `{ slots: N }` from
 * NMSCRIPT_TEST_SLOTS (default {@linkcode TEST_SLOTS_DEFAULT}), `{}` for 0.
 *
 * @example
 * ```ts
 * import { testPortConf } from "../../mod.ts";
 * console.log(testPortConf()); // { slots: 128 } unless NMSCRIPT_TEST_SLOTS is set
 * ```
 *
 * @returns The configuration; throws a RangeError naming the variable when it is not a whole
 * number from 0 to 16384.
 */
export function testPortConf(): PortConf {
  const raw = Deno.env.get(TEST_SLOTS_ENV);
  if (raw === undefined || raw === "") return { slots: TEST_SLOTS_DEFAULT };
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 16384) {
    throw new RangeError(
      `${TEST_SLOTS_ENV}='${raw}' is not a slot count: use a whole number from 1 to 16384, ` +
        "or 0 for netmap's default",
    );
  }
  return n === 0 ? {} : { slots: n };
}

/**
 * Thrown by {@linkcode NetmapTestContext.skip}.
 *
 * @example
 * ```ts
 * import { SkipError } from "../../mod.ts";
 * const e = new SkipError("needs tshark");
 * console.log(e instanceof Error, e.message); // true "needs tshark"
 * ```
 */
export class SkipError extends Error {
  /**
   * Creates the skip with its reason.
   *
   * @param reason Why the test cannot run here.
   */
  constructor(reason: string) {
    super(reason);
    this.name = "SkipError";
  }
}

/**
 * What {@linkcode NetmapTestContext.xfail} needs besides the reason.
 *
 * @example
 * ```ts
 * import { XfailError, type XfailOptions } from "../../mod.ts";
 * const opts: XfailOptions = { bug: "luigirizzo/netmap#882", leaves: ["vale0:v0"] };
 * const e = new XfailError("detach fails with ENXIO", opts);
 * ```
 */
export interface XfailOptions {
  /** The bug's reference, e.g. "luigirizzo/netmap#882". */
  bug: string;
  /** Scope labels of the fixtures the bug leaves behind (their cleanup is expected to fail). */
  leaves?: string[];
}

/**
 * Thrown by {@linkcode NetmapTestContext.xfail}.
 *
 * @example
 * ```ts
 * import { XfailError } from "../../mod.ts";
 * const e = new XfailError("detach fails with ENXIO", { bug: "luigirizzo/netmap#882" });
 * console.log(e.bug); // "luigirizzo/netmap#882"
 * ```
 */
export class XfailError extends Error {
  /** The bug's reference. */
  readonly bug: string;
  /** Scope labels of the fixtures the bug leaves behind. */
  readonly leaves: readonly string[];

  /**
   * Creates the expected failure.
   *
   * @example
   * ```ts
   * import { XfailError } from "../../mod.ts";
   * const e = new XfailError("detach fails with ENXIO", { bug: "luigirizzo/netmap#882" });
   * if (e.leaves.length !== 0) throw new Error("no leaves given");
   * ```
   *
   * @param reason What failed, at which step, with which errno.
   * @param options The bug reference and what it leaves behind.
   */
  constructor(reason: string, options: XfailOptions) {
    super(`${reason} (known bug: ${options.bug})`);
    this.name = "XfailError";
    this.bug = options.bug;
    this.leaves = options.leaves ?? [];
  }
}

/**
 * Splits the leaks of a scope into those a known bug explains (their label is one of `leaves`)
 * and the others.
 *
 * @example
 * ```ts
 * import { leaksExplainedBy } from "./suite.ts";
 * const r = leaksExplainedBy(["persistent port p1: busy", "veth v: gone"], ["persistent port p1"]);
 * if (r.explained.length !== 1 || r.other.length !== 1) throw new Error("wrong split");
 * ```
 *
 * @param leaks One line per failed undo ("<label>: <message>").
 * @param leaves Labels of the fixtures the bug leaves behind.
 * @returns The explained and the other leak lines.
 */
export function leaksExplainedBy(
  leaks: readonly string[],
  leaves: readonly string[],
): { explained: string[]; other: string[] } {
  const explained: string[] = [];
  const other: string[] = [];
  for (const l of leaks) {
    (leaves.some((label) => l.startsWith(`${label}: `)) ? explained : other).push(l);
  }
  return { explained, other };
}

/** Set in the environment of the child a `deno test` run starts; it owns its uvale daemon. */
const CHILD_ENV = "NMSCRIPT_TEST_CHILD";
/** How long a child test may run before it is killed. */
const CHILD_TIMEOUT_MS = 60_000;

/**
 * Exit codes of a standalone run, as kselftest uses them.
 *
 * @example
 * ```ts
 * import { EXIT } from "../../mod.ts";
 * console.log(EXIT.skip); // 4, as kselftest's KSFT_SKIP
 * ```
 */
export const EXIT = { pass: 0, fail: 1, xfail: 2, skip: 4 } as const;

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
  // netmap's test_lib reads these with bash's getopts: the same clusters ("-qv", "-l60") here.
  const r = getopt(args, ":hvql:f:n:", { posixlyCorrect: true });
  const values: { l?: string; f?: string; n?: string; q?: boolean; v: number } = { v: 0 };
  for (const it of r.items) {
    if (it.kind === "error") {
      throw new RangeError(
        it.reason === "invalid" ? `unknown option -${it.optopt}` : `-${it.optopt} needs a value`,
      );
    }
    if (it.name === "v") values.v++;
    else if (it.name === "q") values.q = true;
    else if (it.name === "l" || it.name === "f" || it.name === "n") values[it.name] = it.arg;
  }
  if (r.operands.length > 0) throw new RangeError(`unexpected argument '${r.operands[0]}'`);
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
    verbose: values.v,
  };
}

async function runFailureActions(
  actions: ((e: unknown) => void | Promise<void>)[],
  error: unknown,
): Promise<void> {
  for (const a of actions) {
    try {
      await a(error);
    } catch (e) {
      console.error(`# failure action failed: ${(e as Error).message}`);
    }
  }
}

/** A test's outcome: its status and, for a failure, the error. */
interface Outcome {
  status: keyof typeof EXIT;
  error?: unknown;
}

/** Runs `body`, failing with a clear error when it has not settled after `ms` (0: no limit). */
async function withTimeout(
  title: string,
  ms: number,
  body: () => void | Promise<void>,
): Promise<void> {
  if (ms <= 0) return await body();
  const r = await within(Promise.resolve().then(body), ms);
  if (r === TIMED_OUT) {
    throw new Error(
      `${title} did not finish within ${ms / 1000} s: a wait without a timeout? ` +
        "(its fixtures are removed now; run the test alone to see where it stops)",
    );
  }
}

async function runOnce(
  info: NetmapTestInfo,
  params: SendRecvParams,
  body: (t: NetmapTestContext) => void | Promise<void>,
  timeoutMs = 0,
): Promise<Outcome> {
  const title = `${info.id}_${info.name}`;
  const failureActions: ((e: unknown) => void | Promise<void>)[] = [];
  const scope = new TestScope(title);
  // Registered first, so it runs last: also on SIGINT/SIGTERM, after every fixture is gone.
  if (Deno.env.get(CHILD_ENV) === "1") scope.defer("own uvale daemon", stopOwnDaemon);
  const capture = new Capture(title);
  const before = setActiveCapture(capture);
  let backend = "unknown";
  const ctx: NetmapTestContext = {
    scope,
    conf: {},
    params,
    log: (m) => {
      if (params.verbose > 0) console.log(`# ${m}`);
    },
    skip: (reason) => {
      throw new SkipError(reason);
    },
    xfail: (reason, options) => {
      throw new XfailError(reason, options);
    },
    onFailure: (a) => void failureActions.push(a),
    capture,
    get backend(): string {
      return backend;
    },
  };
  let status: keyof typeof EXIT = "pass";
  let error: unknown;
  try {
    backend = backendName();
    ctx.conf = testPortConf();
    await withTimeout(title, timeoutMs, () => body(ctx));
  } catch (e) {
    if (e instanceof SkipError) {
      status = "skip";
      error = e;
    } else if (e instanceof XfailError) {
      status = "xfail";
      error = e;
    } else {
      status = "fail";
      error = e;
    }
  }
  if (status === "fail") await runFailureActions(failureActions, error);
  try {
    await scope[Symbol.asyncDispose]();
  } catch (e) {
    const leaves = error instanceof XfailError ? error.leaves : [];
    const split = e instanceof LeakError && status === "xfail"
      ? leaksExplainedBy(e.leaks, leaves)
      : undefined;
    if (split && split.other.length === 0) {
      // The known bug makes these fixtures impossible to remove: expected, but said.
      for (const l of split.explained) console.log(`# XFAIL left behind by the bug: ${l}`);
    } else if (status !== "fail") {
      // A leak fails the test even when the body passed (or hit a known bug that explains
      // only some of the leaks).
      if (status === "xfail") console.error(`# also: ${(error as Error).message}`);
      status = "fail";
      error = e;
    } else {
      console.error(`# also: ${(e as Error).message}`);
    }
  }
  setActiveCapture(before);
  if (status === "fail") await writeFailureArtifacts(capture, title, error);
  else await removeStaleArtifacts(title);
  if (status === "skip") {
    console.log(`# SKIP ${title}: ${(error as Error)?.message ?? ""}`);
  }
  if (status === "xfail") {
    console.log(
      `# XFAIL ${title} (expected failure, counted as passing): ${(error as Error).message}`,
    );
  }
  return { status, error: status === "skip" || status === "xfail" ? undefined : error };
}

async function runChild(file: string, title: string): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "nms-test-" });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", "-P=test", file],
      cwd: new URL("../../", import.meta.url).pathname,
      env: { NO_COLOR: "1", NMSCRIPT_UVALE_DIR: dir, [CHILD_ENV]: "1", ...childArtifacts() },
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(CHILD_TIMEOUT_MS),
    }).output();
    const dec = new TextDecoder();
    const text = `${dec.decode(out.stdout)}${dec.decode(out.stderr)}`.trimEnd();
    if (out.code === EXIT.skip) {
      const line = text.split("\n").find((l) => l.startsWith("# SKIP")) ?? `# SKIP ${title}`;
      console.log(line);
      return;
    }
    if (out.code === EXIT.xfail) {
      // The result line first, then what the bug left behind.
      const lines = text.split("\n").filter((l) => l.startsWith("# XFAIL "));
      const head = lines.filter((l) => l.startsWith(`# XFAIL ${title} `));
      const rest = lines.filter((l) => !l.startsWith(`# XFAIL ${title} `));
      console.log([...(head.length ? head : [`# XFAIL ${title}`]), ...rest].join("\n"));
      return;
    }
    if (out.code !== EXIT.pass) {
      throw new Error(
        `${title} failed (exit ${out.code}${out.signal ? `, ${out.signal}` : ""}):\n${text}`,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** Under `deno test`, artifacts go to this checkout's tests/out unless the caller chose. */
function childArtifacts(): Record<string, string> {
  if (Deno.env.get(ARTIFACTS_ENV) || Deno.env.get("NMSCRIPT_TEST_OUT")) return {};
  return {
    [ARTIFACTS_ENV]: decodeURIComponent(new URL("../../tests/out", import.meta.url).pathname),
  };
}

function stopOwnDaemon(): void {
  if (Deno.env.get(CHILD_ENV) !== "1") return;
  try {
    if (backendName() === "uvale") uvaleStop();
  } catch {
    // no daemon was started
  }
}

/** Labels of the result line, as the kselftest net scripts print them. */
const LABELS = { pass: "[ OK ]", skip: "[SKIP]", xfail: "[XFAIL]", fail: "[FAIL]" } as const;

/** Prints a test's error (if any) and its result line "TEST: title (purpose) [ OK ] 12 ms". */
function printResult(info: NetmapTestInfo, outcome: Outcome, ms: number): void {
  const { status, error } = outcome;
  if (error) console.error(error instanceof Error ? error.stack ?? error.message : error);
  const title = `${info.id}_${info.name}`;
  console.log(`TEST: ${title} (${info.purpose}) ${LABELS[status]} ${ms.toFixed(0)} ms`);
}

/** A test defined with {@linkcode netmapTest} by a module that is not the main module. */
interface RegisteredTest {
  info: NetmapTestInfo;
  body: (t: NetmapTestContext) => void | Promise<void>;
}

/** Every test defined by an imported module, in import order (see runNetmapSuite()). */
const registered: RegisteredTest[] = [];

/**
 * Environment variable: "1" makes the `deno test` collection of netmap tests run each test in
 * the `deno test` process instead of a child per test (one Deno start-up for the whole suite;
 * the tests then share the backend: one kernel netmap, or the one uvale daemon of the process).
 *
 * @example
 * ```ts
 * import { SUITE_IN_PROCESS_ENV } from "./suite.ts";
 * console.log(`${SUITE_IN_PROCESS_ENV}=1 deno test -P=test tests/testing_netmap_suite_test.ts`);
 * ```
 */
export const SUITE_IN_PROCESS_ENV = "NMSCRIPT_SUITE_IN_PROCESS";

/** How long one test may run in-process before it counts as failed and the next one starts. */
const IN_PROCESS_TIMEOUT_MS = CHILD_TIMEOUT_MS;

/**
 * Counts of an in-process suite run, as kselftest's "# Totals" line has them.
 *
 * @example
 * ```ts
 * import type { SuiteSummary } from "./suite.ts";
 * const s: SuiteSummary = { pass: 3, fail: 0, xfail: 1, skip: 0, exitCode: 0, ms: 812 };
 * if (s.fail !== 0) throw new Error("failed");
 * ```
 */
export interface SuiteSummary {
  /** Tests that passed. */
  pass: number;
  /** Tests that failed (including leaks, timeouts and stray rejections). */
  fail: number;
  /** Tests that hit a known bug of the backend (counted as passing). */
  xfail: number;
  /** Tests skipped. */
  skip: number;
  /** 1 when a test failed, 4 (skip) when every test was skipped, else 0. */
  exitCode: number;
  /** Wall time of the run, in milliseconds. */
  ms: number;
}

/**
 * Options of {@linkcode runNetmapSuite}.
 *
 * @example
 * ```ts
 * import type { RunSuiteOptions } from "./suite.ts";
 * const opts: RunSuiteOptions = { match: ["021", "send_rec"], timeoutMs: 30_000 };
 * ```
 */
/**
 * The tests registered by the imported test modules (what {@linkcode runNetmapSuite} would run),
 * in registration order.
 *
 * @example
 * ```ts
 * import { listNetmapTests } from "../../mod.ts";
 * for (const t of listNetmapTests()) console.log(`${t.id}_${t.name}: ${t.purpose}`);
 * ```
 *
 * @param match Only the tests whose "NNN_name" contains one of these (default: all).
 * @returns Their descriptions.
 */
export function listNetmapTests(match: string[] = []): NetmapTestInfo[] {
  return registered
    .filter(({ info }) =>
      match.length === 0 || match.some((m) => `${info.id}_${info.name}`.includes(m))
    )
    .map(({ info }) => info);
}

export interface RunSuiteOptions {
  /** Run only the tests whose "NNN_name" contains one of these (default: all). */
  match?: string[];
  /** Limit of one test in milliseconds (default 60 s; 0: none). */
  timeoutMs?: number;
}

/**
 * Runs every test registered by the imported test modules, one after the other in this
 * process, and prints a "TEST: ..." line per test and kselftest's "# Totals" line. A test that
 * fails, throws, times out, leaks or leaves a rejected promise behind is reported as [FAIL] and
 * the next one runs; each test keeps its scope's leak check and its failure artifacts.
 *
 * @example Run the ported suite in one process
 * ```ts ignore
 * import { runNetmapSuite } from "./suite.ts";
 * await import("../../tests/netmap/021_send_rec_ephemeral_vale_ports.ts");
 * const summary = await runNetmapSuite();
 * Deno.exit(summary.exitCode);
 * ```
 *
 * @param options Which tests, and the limit of one test.
 * @returns The counts and the exit code.
 */
export async function runNetmapSuite(options: RunSuiteOptions = {}): Promise<SuiteSummary> {
  const started = performance.now();
  const match = options.match ?? [];
  const selected = new Set(listNetmapTests(match));
  const tests = registered.filter(({ info }) => selected.has(info));
  const counts = { pass: 0, fail: 0, xfail: 0, skip: 0 };
  // A promise a test forgot and that rejects later must not end the process: it fails the
  // test running when it shows up.
  const stray: unknown[] = [];
  const onRejection = (e: PromiseRejectionEvent): void => {
    e.preventDefault();
    stray.push(e.reason);
  };
  globalThis.addEventListener("unhandledrejection", onRejection);
  console.log(`# ${tests.length} tests in one process (started ${started.toFixed(0)} ms ago)`);
  try {
    for (const { info, body } of tests) {
      const t0 = performance.now();
      let outcome: Outcome;
      try {
        const params = parseSendRecvArgs([], info.defaults ?? {});
        outcome = await runOnce(info, params, body, options.timeoutMs ?? IN_PROCESS_TIMEOUT_MS);
      } catch (e) {
        outcome = { status: "fail", error: e };
      }
      // Let rejections of this test surface before it is counted.
      await sleep(0);
      if (stray.length > 0) {
        const reasons = stray.splice(0).map((r) => (r instanceof Error ? r.message : String(r)));
        const error = new Error(`unhandled promise rejection: ${reasons.join("; ")}`);
        if (outcome.status === "fail") console.error(`# also: ${error.message}`);
        else outcome = { status: "fail", error };
      }
      printResult(info, outcome, performance.now() - t0);
      counts[outcome.status]++;
    }
  } finally {
    globalThis.removeEventListener("unhandledrejection", onRejection);
  }
  const ms = performance.now() - started;
  console.log(
    `# Totals: pass:${counts.pass} fail:${counts.fail} xfail:${counts.xfail} xpass:0 ` +
      `skip:${counts.skip} error:0 (${(ms / 1000).toFixed(1)} s)`,
  );
  const allSkipped = tests.length > 0 && counts.skip === tests.length;
  const exitCode = counts.fail > 0 ? EXIT.fail : allSkipped ? EXIT.skip : EXIT.pass;
  return { ...counts, exitCode, ms };
}

/**
 * Defines a netmap test. Pass `import.meta` of the test file: when the file is
 * the main module it runs at once and exits with the kselftest code; under
 * `deno test` it registers a `Deno.test` (a child per test, or in this process when
 * NMSCRIPT_SUITE_IN_PROCESS=1); imported by a runner, it is also registered for
 * {@linkcode runNetmapSuite}.
 *
 * @example A minimal test
 * ```ts ignore
 * import { netmapTest } from "../../mod.ts";
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
  body: (t: NetmapTestContext) => void | Promise<void>,
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
    runOnce(info, params, body).then((outcome) => {
      printResult(info, outcome, performance.now() - started);
      Deno.exit(EXIT[outcome.status]);
    });
    return;
  }
  registered.push({ info, body });
  const file = new URL(meta.url);
  // Imported from a URL (no file to run as a child) or asked for: run in this process.
  const inProcess = file.protocol !== "file:" || Deno.env.get(SUITE_IN_PROCESS_ENV) === "1";
  Deno.test({
    name: `${title}: ${info.purpose}`,
    fn: async () => {
      if (inProcess) {
        const { status, error } = await runOnce(
          info,
          parseSendRecvArgs([], info.defaults ?? {}),
          body,
          IN_PROCESS_TIMEOUT_MS,
        );
        if (status === "fail") throw error;
        return;
      }
      await runChild(decodeURIComponent(file.pathname), title);
    },
  });
}
