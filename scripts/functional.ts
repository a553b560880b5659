/**
 * functional: netmap's single-port test driver, same options, events and exit
 * codes (see `functional --help`): it opens one port (directly with -I, or
 * from the fd server with -i), sends and expects UDP frames built as
 * functional's model frame, and exits 0 or 1. Errors are printed by default.
 *
 * `--legacy` (the `functional-legacy` launcher) is netmap's functional-legacy:
 * -i/-o/-c use fd_server-legacy (its socket and its reply, the legacy
 * `struct nmreq`); port names must suit the legacy `nm_open()` (no `@`
 * options, names under 16 bytes); the rings used come from the legacy
 * `nr_flags & NR_REG_MASK` (host ring only, NIC rings, NIC + host, one ring,
 * or ring 0 for pipes); -e asks for the extra buffers through `nr_arg3`.
 *
 * @example
 * ```sh
 * deno run -P=tools scripts/functional.ts -I vale0:a -t 60:a:4 &
 * deno run -P=tools scripts/functional.ts -I vale0:b -r 60:a:4
 * ```
 *
 * @module
 */

import { fdServer, type FdServerClient, layout, openPort, type Port, type Ring } from "../mod.ts";
import { describeMismatch, functionalFrame, match, nextFill } from "../src/frames/mod.ts";
import { errorLine, runTool } from "../src/cli/main.ts";
import { writeAll } from "../src/cli/outcome.ts";
import { sleep } from "../src/timer.ts";
import {
  FUNCTIONAL,
  FUNCTIONAL_LEGACY,
  type FunctionalPlan,
  type FunctionalRunPlan,
  MAX_FRAME,
  parseFunctionalArgs,
  type TxRxEvent,
} from "../src/cli/functional_args.ts";
import {
  legacyRequest,
  legacyRingRange,
  parseLegacyPortName,
  ringsIn,
} from "../src/cli/legacy_nmreq.ts";

/** The poll step of every wait, as in the C tool (ms). */
const STEP_MS = 100;
/** How long -o waits for the daemonizing fd_server (ms). */
const START_MS = 15_000;
/** Verbosity levels (the C tool's LV_*). */
const LV_ERROR = 0;
const LV_SEND_RECV = 2;
const LV_EXTRA_BUF = 3;

class Failure extends Error {}

class Log {
  constructor(readonly level: number, readonly prog: string) {}
  at(level: number, msg: string): void {
    if (this.level >= level) writeAll(Deno.stderr, `${this.prog}: ${msg}\n`);
  }
}

/** A client of the fd server with functional's timeouts (-T: connect retries, reply wait). */
function server(timeoutSecs: number, legacy: boolean): FdServerClient {
  return fdServer({
    connectTimeoutMs: timeoutSecs * 1000,
    replyTimeoutMs: Math.max(timeoutSecs, 1) * 1000,
    legacy,
  });
}

async function stopServer(timeoutSecs: number, legacy: boolean, log: Log): Promise<number> {
  log.at(LV_SEND_RECV, "shutting down fd_server");
  // Resolves once the server has closed its ports and gone, so that the next
  // run cannot reach the old server; no server at all is a silent success.
  try {
    const stopped = await server(timeoutSecs, legacy).stop();
    if (!stopped) log.at(LV_SEND_RECV, "fd_server already down");
  } catch (e) {
    log.at(LV_ERROR, errorLine(e));
  }
  return 0;
}

async function startServer(legacy: boolean, log: Log): Promise<number> {
  // fd-server.ts without -f daemonizes and exits once the server answers
  // (the C tool does not wait; later -i requests absorbed the race).
  const script = new URL("./fd-server.ts", import.meta.url).pathname;
  const config = new URL("../deno.json", import.meta.url).pathname;
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-q", "-P=tools", "--config", config, script].concat(
        legacy ? ["--legacy"] : [],
      ),
      stdin: "null",
      stdout: "null",
      stderr: "piped",
      signal: AbortSignal.timeout(START_MS),
    }).output();
    if (out.code !== 0) log.at(LV_ERROR, new TextDecoder().decode(out.stderr).trim());
  } catch (e) {
    log.at(LV_ERROR, `cannot start fd_server: ${errorLine(e)}`);
  }
  return 0; // as the C tool: -o returns 0 even when the server did not start
}

/**
 * How long this process took to get here (ms), from Deno's time origin (its runtime start;
 * the exec before it is not counted: /proc is closed to -P=tools). A C tool is ready a few
 * milliseconds after its start; this one after ~50 ms on a host, 2 s alone and 5 s with
 * another starting beside it under emulation (QEMU's TCG). netmap's tests start a receiver
 * and then, one after the other, the tools that make its frames arrive, counting on the
 * receiver still waiting (-T, 1 s) when they act; each of those tools pays this start-up too.
 */
function startupMs(): number {
  return Math.round(performance.now());
}

/** The port and the rings the events use. */
interface Opened {
  port: Port;
  txRings: readonly Ring[];
  rxRings: readonly Ring[];
}

/** The rings a legacy descriptor uses (functional-legacy): chosen by the legacy request. */
function legacyRings(port: Port, request: Uint8Array): Opened {
  const range = legacyRingRange(request);
  return {
    port,
    txRings: ringsIn(port.txRings, range.tx),
    rxRings: ringsIn(port.rxRings, range.rx),
  };
}

/** -i: the port from the fd server (FD_GET), as a Port over the received fd. */
async function openFromServer(plan: FunctionalRunPlan): Promise<Opened> {
  const grant = await server(plan.timeoutSecs, plan.legacy).getGrant(plan.port);
  if (!grant.legacyRequest) {
    return { ...grant, txRings: grant.port.txRings, rxRings: grant.port.rxRings };
  }
  return legacyRings(grant.port, grant.legacyRequest);
}

/** -I: the port opened here; -e asks for extra buffers (nr_extra_bufs, legacy nr_arg3). */
function openDirect(plan: FunctionalRunPlan): Opened {
  const options = plan.extraBuffers > 0 ? { extraBuffers: plan.extraBuffers } : {};
  if (!plan.legacy) {
    const port = openPort(plan.port, options);
    return { port, txRings: port.txRings, rxRings: port.rxRings };
  }
  const name = parseLegacyPortName(plan.port);
  const port = openPort(plan.port, options);
  try {
    return legacyRings(port, legacyRequest(name, port.registerBody()));
  } catch (e) {
    port.close();
    throw e;
  }
}

async function releaseToServer(name: string, legacy: boolean): Promise<void> {
  try {
    await server(0, legacy).release(name);
  } catch {
    // as the C tool: the release is best effort (the server may be gone)
  }
}

/** Frames of `len` bytes that fit in the free slots of `ring`. */
function framesFit(ring: Ring, len: number): number {
  return Math.floor(ring.space() / Math.ceil(len / ring.bufSize));
}

class Session {
  readonly #port: Port;
  readonly #txRings: readonly Ring[];
  readonly #rxRings: readonly Ring[];
  readonly #plan: FunctionalRunPlan;
  readonly #log: Log;
  readonly #moreFrag: number;
  readonly #report: number;
  readonly #bufChanged: number;
  /** How long TX-room and RX-arrival waits last (ms): -T plus our start-up (startupMs). */
  readonly #waitMs: number;
  #extra: number[] = [];

  constructor(opened: Opened, plan: FunctionalRunPlan, log: Log, graceMs: number) {
    this.#port = opened.port;
    this.#txRings = opened.txRings;
    this.#rxRings = opened.rxRings;
    this.#plan = plan;
    this.#log = log;
    this.#waitMs = plan.timeoutSecs * 1000 + graceMs;
    const l = layout();
    this.#moreFrag = l.constant("NS_MOREFRAG");
    this.#report = l.constant("NS_REPORT");
    this.#bufChanged = l.constant("NS_BUF_CHANGED");
  }

  #model(ev: TxRxEvent, fill: number): Uint8Array {
    return functionalFrame({
      len: ev.len,
      fill,
      src: this.#plan.srcMac,
      dst: this.#plan.dstMac,
    });
  }

  /** -e: swap the extra buffers into the TX slots (kept there, as the C tool does). */
  swapInExtraBuffers(): void {
    const list = this.#port.extraBuffers();
    this.#log.at(LV_EXTRA_BUF, `received ${list.length} extra buffers`);
    let left = Math.min(list.length, this.#plan.extraBuffers);
    for (const ring of this.#txRings) {
      for (let i = ring.head; i !== ring.tail && left > 0; i = ring.next(i), left--) {
        const idx = list.shift()!;
        list.push(ring.bufIdx(i));
        ring.setBufIdx(i, idx);
        ring.setSlotFlags(i, ring.slotFlags(i) | this.#bufChanged);
      }
    }
    this.#extra = list;
  }

  cleanupExtraBuffers(): void {
    if (this.#extra.length > 0) this.#port.returnExtraBuffers(this.#extra);
  }

  async tx(ev: TxRxEvent): Promise<void> {
    const port = this.#port;
    const rings = this.#txRings;
    let elapsed = 0;
    while (rings.reduce((n, r) => n + framesFit(r, ev.len), 0) < ev.num) {
      if (elapsed > this.#waitMs) {
        throw new Failure(
          `tx: no room for ${ev.num} frames of ${ev.len} bytes (timeout, ${this.#waitMs} ms)`,
        );
      }
      await sleep(STEP_MS);
      elapsed += STEP_MS;
      port.txsync();
    }
    let fill = ev.fill;
    let frame = this.#model(ev, fill);
    let left = ev.num;
    for (const ring of rings) {
      let cap = framesFit(ring, ev.len);
      let i = ring.head;
      while (cap > 0 && left > 0) {
        for (let pos = 0; pos < ev.len;) {
          const n = Math.min(ev.len - pos, ring.bufSize, this.#plan.maxFragSize);
          ring.frame(i, n).set(frame.subarray(pos, pos + n));
          ring.setLen(i, n);
          pos += n;
          ring.setSlotFlags(i, pos < ev.len ? this.#moreFrag : this.#report);
          i = ring.next(i);
        }
        ring.head = i;
        ring.cur = i;
        cap--;
        left--;
        if (this.#plan.sequentialFill) {
          fill = nextFill(fill);
          frame = this.#model(ev, fill);
        }
      }
    }
    port.txsync();
    this.#log.at(LV_SEND_RECV, `sent ${ev.num} frames of ${ev.len} bytes`);
  }

  /** Returns false when the frames did not come (timeout). */
  async rx(ev: TxRxEvent): Promise<boolean> {
    const port = this.#port;
    const rings = this.#rxRings;
    let fill = ev.fill;
    let model = this.#model(ev, fill);
    let left = ev.num;
    const buf = new Uint8Array(MAX_FRAME);
    let elapsed = 0;
    while (left > 0) {
      while (rings.reduce((n, r) => n + framesFit(r, ev.len), 0) < left) {
        if (elapsed > this.#waitMs) {
          this.#log.at(
            this.#plan.successIfNoReceive ? LV_SEND_RECV : LV_ERROR,
            `rx: ${left} of ${ev.num} frames of ${ev.len} bytes did not arrive ` +
              `(timeout, ${this.#waitMs} ms)`,
          );
          return false;
        }
        await sleep(STEP_MS);
        elapsed += STEP_MS;
        port.rxsync();
      }
      for (const ring of rings) {
        let head = ring.head;
        while (left > 0 && head !== ring.tail) {
          let len = 0;
          let i = head;
          let complete = false;
          while (i !== ring.tail) {
            const n = ring.len(i);
            if (len + n > MAX_FRAME) {
              throw new Failure(`rx: frame larger than ${MAX_FRAME} bytes`);
            }
            buf.set(ring.frame(i, n), len);
            len += n;
            const more = (ring.slotFlags(i) & this.#moreFrag) !== 0;
            i = ring.next(i);
            if (!more) {
              complete = true;
              break;
            }
          }
          if (!complete) break; // truncated: the rest of the frame is not there yet
          head = i;
          ring.head = head;
          ring.cur = head;
          const got = buf.subarray(0, len);
          if (this.#plan.ignoreMismatch && !sameHeader(got, model)) {
            this.#log.at(LV_SEND_RECV, "rx: ignoring a frame with another Ethernet header");
            elapsed = 0;
            continue;
          }
          const diff = firstDifference(got, model);
          if (diff !== undefined) {
            const fields = describeMismatch(match(got, model), "fields:").replace(/\s+/g, " ");
            throw new Failure(`rx: frame does not match the model: ${diff}; ${fields}`);
          }
          left--;
          if (this.#plan.sequentialFill) {
            fill = nextFill(fill);
            model = this.#model(ev, fill);
          }
        }
      }
    }
    port.rxsync();
    this.#log.at(LV_SEND_RECV, `received ${ev.num} frames of ${ev.len} bytes`);
    return true;
  }

  /** Waits (bounded by the timeout) for pending TX frames to leave; the result is ignored. */
  async flush(): Promise<void> {
    const pending = (r: Ring): boolean => r.next(r.tail) !== r.head;
    for (let elapsed = 0; this.#txRings.some(pending); elapsed += STEP_MS) {
      if (elapsed > this.#plan.timeoutSecs * 1000) return;
      await sleep(STEP_MS);
      this.#port.txsync();
    }
  }
}

function sameHeader(got: Uint8Array, model: Uint8Array): boolean {
  if (got.length < 14) return false;
  for (let i = 0; i < 14; i++) if (got[i] !== model[i]) return false;
  return true;
}

function firstDifference(got: Uint8Array, model: Uint8Array): string | undefined {
  if (got.length !== model.length) {
    return `length ${got.length}, expected ${model.length}`;
  }
  for (let i = 0; i < got.length; i++) {
    if (got[i] !== model[i]) {
      const hex = (b: number): string => "0x" + b.toString(16).padStart(2, "0");
      return `byte ${i} is ${hex(got[i])}, expected ${hex(model[i])}`;
    }
  }
  return undefined;
}

async function runEvents(plan: FunctionalRunPlan, log: Log): Promise<number> {
  const opened = plan.viaFdServer ? await openFromServer(plan) : openDirect(plan);
  const port = opened.port;
  // The waits for a peer get our start-up on top of -T, so that a peer started right after us
  // (itself a Deno tool, as slow to start) still finds us waiting, as a C peer would.
  const graceMs = startupMs();
  const session = new Session(opened, plan, log, graceMs);
  log.at(
    LV_SEND_RECV,
    `opened ${plan.port} (${opened.txRings.length} TX, ${opened.rxRings.length} RX rings)` +
      ` ${graceMs} ms after start`,
  );
  try {
    if (plan.extraBuffers > 0) session.swapInExtraBuffers();
    if (plan.waitSecs > 0) await sleep(plan.waitSecs * 1000);
    for (let c = 0; c < plan.loops; c++) {
      for (const ev of plan.events) {
        if (ev.type === "pause") await sleep(ev.usecs / 1000);
        else if (ev.type === "tx") await session.tx(ev);
        else if (!(await session.rx(ev))) return plan.successIfNoReceive ? 0 : 1;
      }
    }
    await session.flush();
    return 0;
  } finally {
    session.cleanupExtraBuffers();
    port.close();
    if (plan.viaFdServer) await releaseToServer(plan.port, plan.legacy);
  }
}

async function run(plan: FunctionalPlan): Promise<number> {
  const log = new Log(plan.verbosity, plan.legacy ? FUNCTIONAL_LEGACY : FUNCTIONAL);
  switch (plan.action) {
    case "stop-server":
      return await stopServer(plan.timeoutSecs, plan.legacy, log);
    case "start-server":
      return await startServer(plan.legacy, log);
    case "run":
      try {
        return await runEvents(plan, log);
      } catch (e) {
        log.at(LV_ERROR, errorLine(e));
        return 1;
      }
  }
}

if (import.meta.main) {
  const prog = Deno.args.includes("--legacy") ? FUNCTIONAL_LEGACY : FUNCTIONAL;
  await runTool(prog, Deno.args, parseFunctionalArgs, run, 1);
}
