/**
 * The frame log of a test: every frame each port sent or saw, and a note for
 * every expectation that failed. When a test fails, the log is written next to
 * its other output: `<port>.pcap` (frames the port saw), `<port>.sent.pcap`
 * (frames it sent) and `diff.txt` (expected vs. received, readable).
 *
 * send/expect/expectNothing record into the *active* capture, which
 * netmapTest() sets for the duration of a test; scripts may set their own.
 *
 * @module
 */
import { PcapRecorder } from "../frames/pcap.ts";

interface PortLog {
  sent: PcapRecorder;
  seen: PcapRecorder;
}

/** How many frames per port and direction a capture keeps (the newest). */
export const CAPTURE_LIMIT = 4096;

/**
 * A file name for a port name: characters other than letters, digits, `.`,
 * `-` and `_` become `_` ("vale0:v0/x" → "vale0_v0_x").
 *
 * @example
 * ```ts
 * import { portFileName } from "./capture.ts";
 * if (portFileName("netmap:pipeA{1") !== "netmap_pipeA_1") throw new Error("unexpected");
 * ```
 *
 * @param port A port name.
 * @returns A name safe for a file.
 */
export function portFileName(port: string): string {
  const s = port.replace(/[^A-Za-z0-9._-]/g, "_");
  return s === "" || s === "." || s === ".." ? "_port" : s;
}

/**
 * Frames sent and seen per port, plus notes, for one test.
 *
 * @example Record and write artifacts
 * ```ts
 * import { Capture } from "./capture.ts";
 * const c = new Capture("example");
 * c.sent("vale0:a", new Uint8Array(60));
 * c.note("vale0:b: expected 1 frame, received 0");
 * const files = await c.writeArtifacts(await Deno.makeTempDir());
 * if (files.length !== 2) throw new Error("expected a pcap and diff.txt");
 * ```
 */
export class Capture {
  /** The test's name (for the header of diff.txt). */
  readonly name: string;
  readonly #ports = new Map<string, PortLog>();
  readonly #notes: string[] = [];

  /**
   * Creates an empty capture.
   *
   * @param name The test's name.
   */
  constructor(name: string) {
    this.name = name;
  }

  #log(port: string): PortLog {
    let l = this.#ports.get(port);
    if (!l) {
      l = {
        sent: new PcapRecorder({ limit: CAPTURE_LIMIT }),
        seen: new PcapRecorder({ limit: CAPTURE_LIMIT }),
      };
      this.#ports.set(port, l);
    }
    return l;
  }

  /**
   * Records a frame `port` sent (copied).
   *
   * @param port The port name.
   * @param frame The frame.
   */
  sent(port: string, frame: Uint8Array): void {
    this.#log(port).sent.record(frame);
  }

  /**
   * Records a frame `port` received (copied).
   *
   * @param port The port name.
   * @param frame The frame.
   */
  seen(port: string, frame: Uint8Array): void {
    this.#log(port).seen.record(frame);
  }

  /**
   * Adds a paragraph to diff.txt (e.g. the diff of a failed expectation).
   *
   * @param text The paragraph.
   */
  note(text: string): void {
    this.#notes.push(text);
  }

  /** The notes so far, oldest first. */
  get notes(): readonly string[] {
    return this.#notes;
  }

  /**
   * The ports that sent or saw frames, in the order first seen.
   *
   * @returns Port names.
   */
  ports(): string[] {
    return [...this.#ports.keys()];
  }

  /**
   * How many frames a port sent and saw.
   *
   * @param port The port name.
   * @returns The counts (0 for an unknown port).
   */
  counts(port: string): { sent: number; seen: number } {
    const l = this.#ports.get(port);
    return { sent: l?.sent.count ?? 0, seen: l?.seen.count ?? 0 };
  }

  /**
   * Writes `<port>.pcap` (seen) and `<port>.sent.pcap` (sent) for every port
   * with frames, and `diff.txt` with the notes and the error. The directory
   * is created when missing.
   *
   * @param dir The output directory, e.g. tests/out/021_send_rec_ephemeral_vale_ports.
   * @param error The test's error, appended to diff.txt.
   * @returns The paths written.
   */
  async writeArtifacts(dir: string, error?: unknown): Promise<string[]> {
    await Deno.mkdir(dir, { recursive: true });
    const written: string[] = [];
    const summary: string[] = [];
    for (const [port, l] of this.#ports) {
      const base = `${dir}/${portFileName(port)}`;
      if (l.seen.count > 0) {
        await l.seen.save(`${base}.pcap`);
        written.push(`${base}.pcap`);
      }
      if (l.sent.count > 0) {
        await l.sent.save(`${base}.sent.pcap`);
        written.push(`${base}.sent.pcap`);
      }
      summary.push(`  ${port}: sent ${l.sent.count}, saw ${l.seen.count}`);
    }
    const text = [
      `test: ${this.name}`,
      "frames per port:",
      ...(summary.length ? summary : ["  (no frames sent or seen)"]),
      "",
      ...this.#notes.flatMap((n) => [n, ""]),
    ];
    if (error !== undefined) {
      text.push("error:", error instanceof Error ? error.stack ?? error.message : String(error));
    }
    await Deno.writeTextFile(`${dir}/diff.txt`, text.join("\n") + "\n");
    written.push(`${dir}/diff.txt`);
    return written;
  }
}

let active: Capture | undefined;

/**
 * The capture send/expect record into, when a test (or script) set one.
 *
 * @example
 * ```ts
 * import { activeCapture } from "./capture.ts";
 * console.log(activeCapture()?.name ?? "no capture");
 * ```
 *
 * @returns The active capture or undefined.
 */
export function activeCapture(): Capture | undefined {
  return active;
}

/**
 * Makes `capture` the active one (undefined: none). Returns the previous one
 * so that a caller can restore it.
 *
 * @example
 * ```ts
 * import { Capture, setActiveCapture } from "./capture.ts";
 * const before = setActiveCapture(new Capture("mine"));
 * setActiveCapture(before);
 * ```
 *
 * @param capture The capture, or undefined.
 * @returns The capture that was active before.
 */
export function setActiveCapture(capture: Capture | undefined): Capture | undefined {
  const before = active;
  active = capture;
  return before;
}
