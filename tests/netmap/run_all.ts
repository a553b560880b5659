// Runs netmap's ported suite (every tests/netmap/NNN_*.ts, or the files given) one test after
// the other in ONE Deno process: one start-up for the whole suite instead of one per test.
//
//   deno run -P=test tests/netmap/run_all.ts                 # the whole suite
//   deno run -P=test tests/netmap/run_all.ts 002 send_rec    # tests whose NNN_name has one of these
//   deno run -P=test tests/netmap/run_all.ts path/to/x.ts    # these test files, in this order
//   deno run -P=test tests/netmap/run_all.ts -t 10           # a test's limit: 10 s (default 60)
//   deno run -P=test tests/netmap/run_all.ts -l [NNN...]     # list the tests, run nothing
//
// Prints a "TEST: ..." line per test and kselftest's "# Totals" line; exits 1 when a test
// failed, 4 when every test was skipped, else 0 (XFAIL counts as passing). On uvale the run gets
// its own daemon (a temporary NMSCRIPT_UVALE_DIR, stopped at the end) unless
// NMSCRIPT_UVALE_DIR is set; on kernel netmap the tests share the one netmap, and each test's
// scope still checks that it left nothing behind. The tests run as a `deno test` child each
// (tests/testing_netmap_suite_test.ts) where isolation matters, e.g. in `make test`.
import { backendName, uvaleStop } from "../../src/ffi.ts";
import { listNetmapTests, runNetmapSuite } from "../../src/testing/suite.ts";

const USAGE = "usage: run_all.ts [-h] [-l] [-t SECONDS] [NNN|NAME|FILE.ts ...]";

/** The suite's files in order: every NNN_name.ts next to this runner. */
function suiteFiles(): URL[] {
  const dir = new URL("./", import.meta.url);
  return [...Deno.readDirSync(dir)]
    .filter((e) => e.isFile && /^\d{3}_[a-z0-9_]+\.ts$/.test(e.name))
    .map((e) => e.name)
    .sort()
    .map((name) => new URL(name, dir));
}

/** Imports each test module (which registers its test); false when one cannot be loaded. */
async function load(files: URL[]): Promise<boolean> {
  for (const f of files) {
    try {
      await import(f.href);
    } catch (e) {
      console.error(`run_all: cannot load ${f.pathname}: ${(e as Error).message}`);
      return false;
    }
  }
  return true;
}

async function main(args: string[]): Promise<number> {
  if (args.includes("-h") || args.includes("--help")) {
    console.log(USAGE);
    return 0;
  }
  const list = args.includes("-l");
  args = args.filter((a) => a !== "-l");
  let timeoutMs: number | undefined;
  const t = args.indexOf("-t");
  if (t >= 0) {
    const v = args[t + 1] ?? "";
    if (!/^\d+$/.test(v) || Number(v) < 1) {
      console.error(`run_all: invalid -t '${v}': expected whole seconds (1 or more)\n${USAGE}`);
      return 1;
    }
    timeoutMs = Number(v) * 1000;
    args = args.toSpliced(t, 2);
  }
  const bad = args.find((a) => a.startsWith("-"));
  if (bad !== undefined) {
    console.error(`run_all: unknown option '${bad}'\n${USAGE}`);
    return 1;
  }
  const paths = args.filter((a) => a.endsWith(".ts"));
  const match = args.filter((a) => !a.endsWith(".ts"));
  const files = paths.length > 0
    ? paths.map((p) => new URL(p, `file://${Deno.cwd()}/`))
    : suiteFiles();
  if (list) {
    if (!(await load(files))) return 1;
    for (const i of listNetmapTests(match)) console.log(`${i.id}_${i.name}  ${i.purpose}`);
    return 0;
  }
  let ownDir: string | undefined;
  if (!Deno.env.get("NMSCRIPT_UVALE_DIR")) {
    // Set before the first call that reaches the daemon; harmless on kernel netmap.
    ownDir = await Deno.makeTempDir({ prefix: "nms-suite-" });
    Deno.env.set("NMSCRIPT_UVALE_DIR", ownDir);
  }
  try {
    if (!(await load(files))) return 1;
    const summary = await runNetmapSuite({ match, timeoutMs });
    return summary.exitCode;
  } finally {
    if (ownDir !== undefined) {
      try {
        if (backendName() === "uvale") uvaleStop();
      } catch {
        // no daemon was started
      }
      await Deno.remove(ownDir, { recursive: true }).catch(() => {});
    }
  }
}

Deno.exit(await main(Deno.args));
