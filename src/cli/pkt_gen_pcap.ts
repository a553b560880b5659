/**
 * pkt-gen on a live capture (`-i pcap:NAME`): the system's libpcap, loaded
 * with Deno.dlopen when such a run starts (never otherwise), opened with
 * pcap_open_live as netmap's pkt-gen does; tx injects frames, rx counts the
 * frames captured. The loops are the tap's (pkt_gen_tap.ts).
 *
 * @module
 */

import { NetmapError } from "../errors.ts";
import type { FrameDevice } from "./pkt_gen_tap.ts";

/** Where libpcap is looked for (Debian's runtime package, then the dev symlink). */
const LIBPCAP = ["libpcap.so.0.8", "libpcap.so.1", "libpcap.so"];
/** Bytes captured per frame (the C tool uses 256; frames are counted, not parsed). */
const SNAPLEN = 65535;
/** pcap_open_live's read timeout in ms: the longest a read blocks the event loop. */
const READ_TIMEOUT_MS = 20;
/** PCAP_ERRBUF_SIZE. */
const ERRBUF = 256;

const SYMBOLS = {
  pcap_open_live: { parameters: ["buffer", "i32", "i32", "i32", "buffer"], result: "pointer" },
  pcap_inject: { parameters: ["pointer", "buffer", "usize"], result: "i32" },
  pcap_next_ex: { parameters: ["pointer", "buffer", "buffer"], result: "i32" },
  pcap_geterr: { parameters: ["pointer"], result: "pointer" },
  pcap_close: { parameters: ["pointer"], result: "void" },
} as const;

type Pcap = Deno.DynamicLibrary<typeof SYMBOLS>;
let lib: Pcap | undefined;

function pcapError(op: string, name: string, detail: string, hint: string): NetmapError {
  return new NetmapError({ op, port: `pcap:${name}`, errno: 0, summary: "failed", detail, hint });
}

function load(name: string): Pcap {
  if (lib !== undefined) return lib;
  for (const file of LIBPCAP) {
    try {
      lib = Deno.dlopen(file, SYMBOLS);
      return lib;
    } catch {
      // try the next name
    }
  }
  throw pcapError(
    "pcap open",
    name,
    `libpcap not found (tried ${LIBPCAP.join(", ")})`,
    "install it (apt-get install libpcap0.8), or use tap:NAME or a netmap port",
  );
}

function cText(p: Deno.PointerValue): string {
  return p === null ? "" : Deno.UnsafePointerView.getCString(p);
}

/**
 * A live capture on an interface, through libpcap.
 *
 * @example
 * ```ts ignore
 * using dev = PcapDevice.open("eth0");
 * dev.write(frame);
 * ```
 */
export class PcapDevice implements FrameDevice {
  #p: Deno.PointerValue;
  readonly #hdr = new BigUint64Array(1);
  readonly #data = new BigUint64Array(1);

  private constructor(p: Deno.PointerValue, readonly name: string) {
    this.#p = p;
  }

  /**
   * Opens a live capture on interface `name` (promiscuous, as the C tool).
   * Throws NetmapError with libpcap's message when that fails.
   *
   * @example
   * ```ts ignore
   * const dev = PcapDevice.open("eth0");
   * ```
   */
  static open(name: string): PcapDevice {
    const l = load(name);
    const err = new Uint8Array(ERRBUF);
    const p = l.symbols.pcap_open_live(
      new TextEncoder().encode(name + "\0"),
      SNAPLEN,
      1,
      READ_TIMEOUT_MS,
      err,
    );
    if (p === null) {
      const end = err.indexOf(0);
      throw pcapError(
        "pcap open",
        name,
        new TextDecoder().decode(err.subarray(0, end < 0 ? err.length : end)),
        "check the interface name (ip link) and run as root (or with CAP_NET_RAW)",
      );
    }
    return new PcapDevice(p, name);
  }

  /**
   * Injects one frame; true when libpcap sent it.
   *
   * @example
   * ```ts ignore
   * dev.write(frame);
   * ```
   */
  write(frame: Uint8Array): boolean {
    const r = load(this.name).symbols.pcap_inject(this.#live(), frame, BigInt(frame.length));
    if (r < 0) {
      throw pcapError("pcap inject", this.name, this.#error(), "is the interface up?");
    }
    return r > 0;
  }

  /**
   * Reads one captured frame into `buf` (at most `buf.length` bytes); its
   * captured length, 0 when none came within libpcap's read timeout (20 ms;
   * `timeoutMs` 0 still waits that long once).
   *
   * @example
   * ```ts ignore
   * const n = dev.read(new Uint8Array(65536), 20);
   * ```
   */
  read(buf: Uint8Array, _timeoutMs: number): number {
    const r = load(this.name).symbols.pcap_next_ex(this.#live(), this.#hdr, this.#data);
    if (r === 0) return 0;
    if (r < 0) throw pcapError("pcap read", this.name, this.#error(), "is the interface up?");
    const hdr = Deno.UnsafePointer.create(this.#hdr[0]);
    const data = Deno.UnsafePointer.create(this.#data[0]);
    if (hdr === null || data === null) return 0;
    const caplen = new Deno.UnsafePointerView(hdr).getUint32(16); // after struct timeval
    const n = Math.min(caplen, buf.length);
    Deno.UnsafePointerView.copyInto(data, buf.subarray(0, n));
    return n;
  }

  /**
   * Closes the capture (idempotent).
   *
   * @example
   * ```ts ignore
   * dev.close();
   * ```
   */
  close(): void {
    if (this.#p !== null) load(this.name).symbols.pcap_close(this.#p);
    this.#p = null;
  }

  /** Closes the capture (for `using`). */
  [Symbol.dispose](): void {
    this.close();
  }

  #live(): NonNullable<Deno.PointerValue> {
    if (this.#p === null) throw pcapError("pcap", this.name, "the capture is closed", "");
    return this.#p;
  }

  #error(): string {
    return this.#p === null ? "closed" : cText(load(this.name).symbols.pcap_geterr(this.#p));
  }
}
