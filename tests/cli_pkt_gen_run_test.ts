// pkt-gen.ts running for real on uvale (its own daemon per test) and on a TAP interface in a
// network namespace: address/port ranges and -z seen by a receiver, a pipe with and without
// --spin, -p 2 threads on ports
// with 2 rings, -H, tap:NAME tx and rx, and the exit code and one-line message of bad values.
import { assertEquals, assertIncludes } from "./cli_assert.ts";
import { parseFrame } from "../src/frames/mod.ts";
import { workerReplies } from "../src/cli/pkt_gen_threads.ts";
import { within } from "../src/timer.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const TIMEOUT_MS = 30_000;
const dec = new TextDecoder();

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** A pkt-gen command line under `dir`'s uvale daemon, optionally inside netns `ns`. */
function command(dir: string, args: string[], ns?: string): Deno.Command {
  const deno = ["run", "-q", "-P=tools", `${ROOT}scripts/pkt-gen.ts`, ...args];
  const [cmd, argv] = ns === undefined
    ? [Deno.execPath(), deno]
    : ["ip", ["netns", "exec", ns, Deno.execPath(), ...deno]];
  return new Deno.Command(cmd, {
    args: argv,
    cwd: ROOT,
    env: { NO_COLOR: "1", NMSCRIPT_UVALE_DIR: `${dir}/uvale` },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
}

async function run(dir: string, args: string[], ns?: string): Promise<Result> {
  const o = await command(dir, args, ns).output();
  return { code: o.code, stdout: dec.decode(o.stdout), stderr: dec.decode(o.stderr) };
}

/** Starts a pkt-gen; resolves once its stdout includes `ready` (bounded), with its end. */
async function background(
  dir: string,
  args: string[],
  ready: string,
  ns?: string,
): Promise<{ child: Deno.ChildProcess; done: Promise<Result> }> {
  const child = command(dir, args, ns).spawn();
  const reader = child.stdout.getReader();
  let stdout = "";
  const deadline = Date.now() + 15_000;
  while (!stdout.includes(ready) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    stdout += dec.decode(value, { stream: true });
  }
  const done = (async (): Promise<Result> => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      stdout += dec.decode(value, { stream: true });
    }
    const [status, err] = await Promise.all([child.status, new Response(child.stderr).text()]);
    return { code: status.code, stdout, stderr: err };
  })();
  return { child, done };
}

/** Runs `fn` with a fresh uvale daemon directory; stops the daemon afterwards. */
async function withUvale(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "nms-pktgen-" });
  try {
    await fn(dir);
  } finally {
    await new Deno.Command(Deno.execPath(), {
      args: ["eval", "-q", "import { uvaleStop } from './mod.ts'; try { uvaleStop(); } catch {}"],
      cwd: ROOT,
      env: { NMSCRIPT_UVALE_DIR: `${dir}/uvale` },
      stdout: "null",
      stderr: "null",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    }).output();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** The frames of -X's "RX" dumps, as "src:port>dst:port" (checksums checked). */
function dumpedFlows(stderr: string): string[] {
  const flows: string[] = [];
  for (const block of stderr.split(/^RX \d+ bytes\n/m).slice(1)) {
    const bytes = block.split("\n").filter((l) => /^[0-9a-f]{4}: /.test(l))
      .flatMap((l) => l.slice(6).split(" ").map((h) => parseInt(h, 16)));
    const f = parseFrame(new Uint8Array(bytes));
    if (f.ipv4 === undefined || f.udp === undefined) throw new Error("a dumped frame is not UDP");
    assertEquals([f.ipv4.checksumOk, f.udp.checksumOk], [true, true]);
    flows.push(`${f.ipv4.src}:${f.udp.srcPort}>${f.ipv4.dst}:${f.udp.dstPort}`);
  }
  return flows;
}

Deno.test("pkt-gen run: -s/-d ranges reach the receiver in pkt-gen's order", async () => {
  await withUvale(async (dir) => {
    const rx = await background(dir, ["-i", "vale0:b", "-f", "rx", "-n", "6", "-X"], "Receiving");
    const tx = await run(dir, [
      "-i",
      "vale0:a",
      "-f",
      "tx",
      "-n",
      "6",
      "-s",
      "10.0.0.1:100-10.0.0.3:100",
      "-d",
      "10.1.0.7:1-10.1.0.7:2",
    ]);
    assertEquals(tx.code, 0, tx.stderr);
    const r = await rx.done;
    assertEquals(r.code, 0, r.stderr);
    assertIncludes(r.stdout, "Received 6 packets");
    assertEquals(dumpedFlows(r.stderr), [
      "10.0.0.1:100>10.1.0.7:1",
      "10.0.0.2:100>10.1.0.7:1",
      "10.0.0.3:100>10.1.0.7:1",
      "10.0.0.1:100>10.1.0.7:2",
      "10.0.0.2:100>10.1.0.7:2",
      "10.0.0.3:100>10.1.0.7:2",
    ]);
  });
});

Deno.test("pkt-gen run: -z sends random sources on the fast path's every slot", async () => {
  await withUvale(async (dir) => {
    const rx = await background(dir, ["-i", "vale0:b", "-f", "rx", "-n", "40", "-X"], "Receiving");
    const tx = await run(dir, ["-i", "vale0:a", "-f", "tx", "-n", "40", "-z"]);
    assertEquals(tx.code, 0, tx.stderr);
    const r = await rx.done;
    assertEquals(r.code, 0, r.stderr);
    const flows = dumpedFlows(r.stderr);
    assertEquals(flows.length, 40);
    assertEquals(new Set(flows.map((f) => f.split(">")[0])).size > 30, true);
    assertEquals(new Set(flows.map((f) => f.split(">")[1])), new Set(["10.1.0.1:1234"]));
  });
});

Deno.test("pkt-gen run: a pipe carries every frame, spinning (default) or polling at once (--spin 0)", async () => {
  await withUvale(async (dir) => {
    for (const spin of [[], ["--spin", "0"]]) {
      // 300 000 frames through 1024-slot rings: both sides wait for the other many times
      const pipe = `netmap:sp${spin.length}`;
      const n = "300000";
      const rx = await background(
        dir,
        ["-i", `${pipe}}1`, "-f", "rx", "-n", n, "-w", "0", ...spin],
        "Receiving",
      );
      const tx = await run(dir, ["-i", `${pipe}{1`, "-f", "tx", "-n", n, "-w", "0", ...spin]);
      assertEquals(tx.code, 0, tx.stderr);
      assertIncludes(tx.stdout, `Sent ${n} packets`);
      const r = await rx.done;
      assertEquals(r.code, 0, r.stderr);
      assertIncludes(r.stdout, `Received ${n} packets 18000000 bytes`);
    }
  });
});

Deno.test("pkt-gen -p: a worker's replies are kept until asked for, in order", async () => {
  // The hang behind a flaky -p run: worker 1 said "ready" while the main thread still waited for
  // worker 0, the reply was dropped, and the main thread waited for it until its 30 s limit.
  const code = `self.postMessage({ kind: "ready" }); self.postMessage({ kind: "done" });`;
  const url = URL.createObjectURL(new Blob([code], { type: "application/javascript" }));
  const w = new Worker(url, { type: "module" });
  try {
    const replies = workerReplies(w, 1);
    // nobody asks until both replies are in
    await new Promise<void>((r) => {
      let n = 0;
      w.addEventListener("message", () => ++n === 2 && r());
    });
    assertEquals(await within(replies.next(), 5000), { kind: "ready" });
    assertEquals(await within(replies.next(), 5000), { kind: "done" });
  } finally {
    w.terminate();
    URL.revokeObjectURL(url);
  }
});

Deno.test("pkt-gen run: ^C right after the banner, while -p 2 threads start, ends with a summary", async () => {
  // As the C tool (SIGINT blocked in start_threads()), the start-up completes, the threads start
  // stopped, and the run ends as after any ^C: exit 0 and the summary line.
  await withUvale(async (dir) => {
    const rx = await background(
      dir,
      ["-i", "vale0:c@conf:rings=2", "-f", "rx", "-p", "2", "--json"],
      "Receiving",
    );
    rx.child.kill("SIGINT");
    const r = await rx.done;
    assertEquals(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
    assertEquals(summary.type, "summary");
    assertEquals(summary.pkts, 0);
  });
});

Deno.test("pkt-gen run: -p 2 on ports with 2 rings, one summary over both threads", async () => {
  await withUvale(async (dir) => {
    // VALE delivers into rx ring 0: thread 1 of the receiver waits; ^C stops both
    const rx = await background(
      dir,
      ["-i", "vale0:b@conf:rings=2", "-f", "rx", "-p", "2", "--json"],
      "Receiving",
    );
    const tx = await run(dir, [
      "-i",
      "vale0:a@conf:rings=2",
      "-f",
      "tx",
      "-p",
      "2",
      "-n",
      "40000",
      "-R",
      "100000",
      "-T",
      "30",
    ]);
    assertEquals(tx.code, 0, tx.stderr);
    assertIncludes(tx.stdout, "Sending on vale0:a@conf:rings=2: 2 queues, 2 threads and 1 cpus.");
    assertIncludes(tx.stdout, "Sent 40000 packets 2400000 bytes");
    assertIncludes(tx.stderr, "main_thread [2781] "); // per-interval lines over both threads
    await new Promise((r) => setTimeout(r, 300));
    rx.child.kill("SIGINT");
    const r = await rx.done;
    assertEquals(r.code, 0, r.stderr);
    assertIncludes(r.stdout, "Receiving from vale0:b@conf:rings=2: 2 queues, 2 threads");
    const summary = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
    assertEquals(summary.type, "summary");
    assertEquals(summary.pkts > 0 && summary.pkts <= 40000, true, r.stdout);
    assertEquals(summary.bytes, summary.pkts * 60);
  });
});

Deno.test("pkt-gen run: -H 12 sends the header in front; bad -p, pcap:, -f on a tap", async () => {
  await withUvale(async (dir) => {
    const h = await run(dir, ["-i", "vale0:a", "-f", "tx", "-n", "10", "-H", "12"]);
    assertEquals(h.code, 0, h.stderr);
    assertIncludes(h.stdout, "Sent 10 packets 720 bytes");
    const cases: [string[], string][] = [
      [["-i", "vale0:a", "-f", "tx", "-p", "2"], "-p 2: vale0:a has 1 NIC tx ring"],
      [["-i", "vale0:a", "-f", "ping", "-p", "2"], "-p 2: -f ping runs one thread only"],
      [["-i", "pcap:nmsnosuchif0", "-f", "tx"], "pcap open pcap:nmsnosuchif0"],
      [["-i", "pcap:lo", "-f", "ping"], "-f ping is not supported on a pcap"],
      [["-i", "tap:nmsx0", "-f", "pong"], "-f pong is not supported on a tap"],
      [["-i", "tap:nmsx0", "-f", "tx", "-p", "2"], "a tap device is served by one thread"],
      [["-i", "tap:a-name-of-20-chars", "-f", "tx"], "EINVAL"],
    ];
    for (const [args, message] of cases) {
      const r = await run(dir, args);
      assertEquals(r.code, 255, args.join(" "));
      const lines = r.stderr.trim().split("\n");
      assertEquals(lines.length, 1, r.stderr);
      assertIncludes(lines[0], message);
    }
  });
});

/** Creates netns `ns` with an up TAP `tap` (192.0.2.1/24); false when that is not possible. */
async function tapNamespace(ns: string, tap: string): Promise<boolean> {
  const ip = async (...args: string[]): Promise<boolean> =>
    (await new Deno.Command("ip", { args, stdout: "null", stderr: "null" }).output()).success;
  if (!(await ip("netns", "add", ns))) return false;
  return await ip("-n", ns, "tuntap", "add", "dev", tap, "mode", "tap") &&
    await ip("-n", ns, "link", "set", tap, "up") &&
    await ip("-n", ns, "addr", "add", "192.0.2.1/24", "dev", tap);
}

Deno.test("pkt-gen run: tap:NAME sends into and receives from a TAP interface", async () => {
  const ns = `nmspg${Deno.pid}`;
  const tap = "nmspgtap0";
  try {
    if (!(await tapNamespace(ns, tap))) {
      console.log("SKIP: cannot make a network namespace with a TAP interface (needs root)");
      return;
    }
    await withUvale(async (dir) => {
      const tx = await run(dir, ["-i", `tap:${tap}`, "-f", "tx", "-n", "100", "-z"], ns);
      assertEquals(tx.code, 0, tx.stderr);
      assertIncludes(tx.stdout, "Sent 100 packets 6000 bytes");
      const stats = await new Deno.Command("ip", {
        args: ["-n", ns, "-s", "-j", "link", "show", tap],
      }).output();
      const link = JSON.parse(dec.decode(stats.stdout))[0];
      assertEquals(link.stats64.rx.packets >= 100, true); // what pkt-gen wrote, the kernel got
      // rx: what the kernel sends out of the tap (an ARP request for 192.0.2.2) reaches pkt-gen
      const rx = run(dir, ["-i", `tap:${tap}`, "-f", "rx", "-n", "1"], ns);
      await new Promise((r) => setTimeout(r, 1000));
      await new Deno.Command("ip", {
        args: ["netns", "exec", ns, "ping", "-c", "1", "-W", "1", "192.0.2.2"],
        stdout: "null",
        stderr: "null",
      }).output();
      const r = await rx;
      assertEquals(r.code, 0, r.stderr);
      assertIncludes(r.stdout, "Received 1 packets");
    });
  } finally {
    await new Deno.Command("ip", { args: ["netns", "del", ns], stdout: "null", stderr: "null" })
      .output();
  }
});

Deno.test("pkt-gen run: pcap:NAME injects into and captures from a veth pair", async () => {
  const ns = `nmspc${Deno.pid}`;
  const ip = async (...args: string[]): Promise<boolean> =>
    (await new Deno.Command("ip", { args, stdout: "null", stderr: "null" }).output()).success;
  try {
    const made = await ip("netns", "add", ns) &&
      await ip("-n", ns, "link", "add", "nmspc0", "type", "veth", "peer", "name", "nmspc1") &&
      await ip("-n", ns, "link", "set", "nmspc0", "up") &&
      await ip("-n", ns, "link", "set", "nmspc1", "up");
    if (!made) {
      console.log("SKIP: cannot make a network namespace with a veth pair (needs root)");
      return;
    }
    await withUvale(async (dir) => {
      const tx = await run(dir, ["-i", "pcap:nmspc0", "-f", "tx", "-n", "100"], ns);
      if (tx.code !== 0 && tx.stderr.includes("libpcap not found")) {
        console.log("SKIP: no libpcap on this system");
        return;
      }
      assertEquals(tx.code, 0, tx.stderr);
      assertIncludes(tx.stdout, "Sent 100 packets 6000 bytes");
      const stats = await new Deno.Command("ip", {
        args: ["-n", ns, "-s", "-j", "link", "show", "nmspc1"],
      }).output();
      assertEquals(JSON.parse(dec.decode(stats.stdout))[0].stats64.rx.packets >= 100, true);
      const rx = run(dir, ["-i", "pcap:nmspc1", "-f", "rx", "-n", "20"], ns);
      await new Promise((r) => setTimeout(r, 1000));
      const tx2 = await run(dir, ["-i", "pcap:nmspc0", "-f", "tx", "-n", "50"], ns);
      assertEquals(tx2.code, 0, tx2.stderr);
      const r = await rx;
      assertEquals(r.code, 0, r.stderr);
      assertIncludes(r.stdout, "Received 20 packets");
    });
  } finally {
    await new Deno.Command("ip", { args: ["netns", "del", ns], stdout: "null", stderr: "null" })
      .output();
  }
});

Deno.test("pkt-gen run: rx -W waits for traffic, then 1 s of silence ends it (as the C tool)", async () => {
  await withUvale(async (dir) => {
    const rx = await background(dir, ["-i", "vale0:b", "-f", "rx", "-W"], "Receiving");
    await new Promise((r) => setTimeout(r, 1500)); // longer than the silence limit: still waiting
    const tx = await run(dir, ["-i", "vale0:a", "-f", "tx", "-n", "50", "-l", "60", "-R", "1000"]);
    assertEquals(tx.code, 0, tx.stderr);
    const r = await rx.done; // ends by itself, 1 s after the last frame
    assertEquals(r.code, 0, r.stderr);
    assertIncludes(r.stdout, "Received 50 packets 3000 bytes");
  });
});
