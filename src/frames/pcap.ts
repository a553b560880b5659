/**
 * Classic pcap files (linktype 1, Ethernet; microsecond timestamps): a
 * writer to bytes or a file, a reader, and a recorder that keeps the last
 * frames a port saw so a failing test can save them for tshark/wireshark.
 *
 * @module
 */
import { frameError } from "./frame_error.ts";

/**
 * One captured frame.
 *
 * @example
 * ```ts
 * import { encodePcap, type PcapPacket } from "../../mod.ts";
 * const pkt: PcapPacket = { data: new Uint8Array(60), timestampUs: 1_000_000 };
 * console.log(encodePcap([pkt]).length); // 24 + 16 + 60 = 100
 * ```
 */
export interface PcapPacket {
  /** The captured bytes. */
  data: Uint8Array;
  /** Capture time in microseconds since the epoch; default: now. */
  timestampUs?: number;
  /** Length on the wire when `data` was cut short; default `data.length`. */
  originalLength?: number;
}

/**
 * Writer options.
 *
 * @example
 * ```ts
 * import { encodePcap, type PcapWriteOptions } from "../../mod.ts";
 * const opts: PcapWriteOptions = { snaplen: 128 };
 * const bytes = encodePcap([{ data: new Uint8Array(200) }], opts); // frames cut to 128 bytes
 * ```
 */
export interface PcapWriteOptions {
  /** Longest frame kept; longer ones are cut (default 65535). */
  snaplen?: number;
  /** Link type (default 1, LINKTYPE_ETHERNET). */
  linktype?: number;
}

/**
 * A decoded pcap file.
 *
 * @example
 * ```ts
 * import { decodePcap, encodePcap, type PcapFile } from "../../mod.ts";
 * const file: PcapFile = decodePcap(encodePcap([{ data: new Uint8Array(60) }]));
 * console.log(file.packets.length, file.snaplen);
 * ```
 */
export interface PcapFile {
  /** Link type (1 for Ethernet). */
  linktype: number;
  /** The file's snapshot length. */
  snaplen: number;
  /** The frames, timestamps in microseconds. */
  packets: Required<PcapPacket>[];
}

/** The magic number of a classic microsecond pcap file. */
export const PCAP_MAGIC = 0xa1b2c3d4;
/** The magic number of the nanosecond variant (read, never written). */
export const PCAP_MAGIC_NS = 0xa1b23c4d;
/**
 * LINKTYPE_ETHERNET.
 *
 * @example
 * ```ts
 * import { decodePcap, encodePcap, LINKTYPE_ETHERNET } from "../../mod.ts";
 * const file = decodePcap(encodePcap([{ data: new Uint8Array(60) }]));
 * console.log(file.linktype === LINKTYPE_ETHERNET); // true
 * ```
 */
export const LINKTYPE_ETHERNET = 1;

const FILE_HEADER = 24;
const RECORD_HEADER = 16;

/**
 * Encodes frames as a classic pcap file (little-endian, microseconds).
 *
 * @param packets Frames, as bytes or {@link PcapPacket}s.
 * @param options snaplen and linktype.
 * @returns The file's bytes.
 *
 * @example
 * ```ts
 * import { encodePcap } from "../../mod.ts";
 * const file = encodePcap([new Uint8Array(60)]);
 * console.log(file.length); // 24 + 16 + 60
 * ```
 */
export function encodePcap(
  packets: Iterable<PcapPacket | Uint8Array>,
  options: PcapWriteOptions = {},
): Uint8Array {
  const snaplen = options.snaplen ?? 65535;
  const linktype = options.linktype ?? LINKTYPE_ETHERNET;
  if (!Number.isInteger(snaplen) || snaplen < 1 || snaplen > 0x3ffff) {
    throw frameError(
      "write pcap",
      `Invalid snaplen ${snaplen}: expected 1..262143`,
      "use the default (65535)",
    );
  }
  const list = [...packets].map((p) => p instanceof Uint8Array ? { data: p } : p);
  const now = Date.now() * 1000;
  let size = FILE_HEADER;
  for (const p of list) size += RECORD_HEADER + Math.min(p.data.length, snaplen);
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  v.setUint32(0, PCAP_MAGIC, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setInt32(8, 0, true);
  v.setUint32(12, 0, true);
  v.setUint32(16, snaplen, true);
  v.setUint32(20, linktype, true);
  let at = FILE_HEADER;
  for (const p of list) {
    const ts = Math.max(0, Math.trunc(p.timestampUs ?? now));
    const caplen = Math.min(p.data.length, snaplen);
    v.setUint32(at, Math.floor(ts / 1e6), true);
    v.setUint32(at + 4, ts % 1e6, true);
    v.setUint32(at + 8, caplen, true);
    v.setUint32(at + 12, p.originalLength ?? p.data.length, true);
    out.set(p.data.subarray(0, caplen), at + RECORD_HEADER);
    at += RECORD_HEADER + caplen;
  }
  return out;
}

/**
 * Writes frames to a pcap file (needs write permission for `path`).
 *
 * @param path The file to create or replace.
 * @param packets Frames, as bytes or {@link PcapPacket}s.
 * @param options snaplen and linktype.
 * @returns Resolves when the file is written.
 *
 * @example
 * ```ts
 * import { writePcapFile } from "../../mod.ts";
 * await writePcapFile("/tmp/example.pcap", [new Uint8Array(60)]);
 * ```
 */
export async function writePcapFile(
  path: string,
  packets: Iterable<PcapPacket | Uint8Array>,
  options: PcapWriteOptions = {},
): Promise<void> {
  await Deno.writeFile(path, encodePcap(packets, options));
}

/**
 * Decodes a classic pcap file (either byte order, microsecond or nanosecond).
 *
 * @param bytes The file's bytes.
 * @param name The file name, for messages.
 * @returns Link type, snaplen and frames (timestamps in microseconds).
 * @throws NetmapError (EINVAL) naming what is wrong when it is not a pcap file or is cut short.
 *
 * @example
 * ```ts
 * import { decodePcap, encodePcap } from "../../mod.ts";
 * const back = decodePcap(encodePcap([new Uint8Array([1, 2, 3])]));
 * console.log(back.packets[0].data); // Uint8Array [1, 2, 3]
 * ```
 */
export function decodePcap(bytes: Uint8Array, name = "pcap data"): PcapFile {
  if (bytes.length < FILE_HEADER) {
    throw frameError(
      "read pcap",
      `${name} is not a pcap file: ${bytes.length} bytes, the header alone is 24`,
      "check the path; an empty file means the writer failed",
    );
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let little: boolean;
  let nanos: boolean;
  const le = v.getUint32(0, true);
  const be = v.getUint32(0, false);
  if (le === PCAP_MAGIC || le === PCAP_MAGIC_NS) {
    little = true;
    nanos = le === PCAP_MAGIC_NS;
  } else if (be === PCAP_MAGIC || be === PCAP_MAGIC_NS) {
    little = false;
    nanos = be === PCAP_MAGIC_NS;
  } else {
    throw frameError(
      "read pcap",
      `${name} is not a classic pcap file: magic 0x${be.toString(16).padStart(8, "0")}`,
      "pcapng files are not read here; convert with `editcap -F pcap in.pcapng out.pcap`",
    );
  }
  const file: PcapFile = {
    snaplen: v.getUint32(16, little),
    linktype: v.getUint32(20, little),
    packets: [],
  };
  let at = FILE_HEADER;
  while (at < bytes.length) {
    const n = file.packets.length;
    if (at + RECORD_HEADER > bytes.length) {
      throw frameError(
        "read pcap",
        `${name}: record ${n} header at offset ${at} is cut short`,
        "the file was truncated while being written",
      );
    }
    const sec = v.getUint32(at, little);
    const frac = v.getUint32(at + 4, little);
    const caplen = v.getUint32(at + 8, little);
    const origlen = v.getUint32(at + 12, little);
    if (at + RECORD_HEADER + caplen > bytes.length) {
      throw frameError(
        "read pcap",
        `${name}: record ${n} at offset ${at} needs ${caplen} bytes, ` +
          `${bytes.length - at - RECORD_HEADER} present`,
        "the file was truncated while being written",
      );
    }
    file.packets.push({
      data: bytes.slice(at + RECORD_HEADER, at + RECORD_HEADER + caplen),
      timestampUs: sec * 1e6 + (nanos ? Math.floor(frac / 1000) : frac),
      originalLength: origlen,
    });
    at += RECORD_HEADER + caplen;
  }
  return file;
}

/**
 * Reads a pcap file.
 *
 * @param path The file.
 * @returns Its link type, snaplen and frames.
 *
 * @example
 * ```ts
 * import { readPcapFile, writePcapFile } from "../../mod.ts";
 * await writePcapFile("/tmp/example.pcap", [new Uint8Array(60)]);
 * console.log((await readPcapFile("/tmp/example.pcap")).packets.length); // 1
 * ```
 */
export async function readPcapFile(path: string): Promise<PcapFile> {
  return decodePcap(await Deno.readFile(path), path);
}

/**
 * Keeps copies of the last `limit` frames seen (with their capture times), to
 * save as a pcap when a test fails.
 *
 * @example
 * ```ts
 * import { PcapRecorder } from "../../mod.ts";
 * const rec = new PcapRecorder({ limit: 100 });
 * const slotBuffer = new Uint8Array(2048);
 * rec.record(slotBuffer, 0, 60);
 * await rec.save("/tmp/port-a.pcap");
 * ```
 */
export class PcapRecorder {
  readonly #limit: number;
  /** A ring of the newest frames: `#ring[#next]` is the oldest once the ring is full. */
  readonly #ring: Required<PcapPacket>[] = [];
  #next = 0;
  #dropped = 0;

  /**
   * Starts an empty recorder.
   *
   * @param options `limit`: how many frames to keep, the newest (default 10000).
   */
  constructor(options: { limit?: number } = {}) {
    const limit = options.limit ?? 10000;
    if (!Number.isInteger(limit) || limit < 1) {
      throw frameError(
        "record pcap",
        `Invalid limit ${limit}: expected an integer >= 1`,
        "pass how many frames to keep",
      );
    }
    this.#limit = limit;
  }

  /**
   * Copies a frame (or `length` bytes at `offset` of a buffer).
   *
   * @param bytes The frame or the buffer holding it.
   * @param offset Where the frame starts (default 0).
   * @param length Its length (default: to the end).
   */
  record(bytes: Uint8Array, offset = 0, length: number = bytes.length - offset): void {
    const data = bytes.slice(offset, offset + length);
    const packet = { data, timestampUs: Date.now() * 1000, originalLength: data.length };
    if (this.#ring.length < this.#limit) {
      this.#ring.push(packet);
      return;
    }
    this.#ring[this.#next] = packet;
    this.#next = (this.#next + 1) % this.#limit;
    this.#dropped++;
  }

  /** How many frames are kept. */
  get count(): number {
    return this.#ring.length;
  }

  /** How many older frames were dropped to stay within the limit. */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * The kept frames.
   *
   * @returns The frames, oldest first (the frames themselves are not copied).
   */
  packets(): Required<PcapPacket>[] {
    return [...this.#ring.slice(this.#next), ...this.#ring.slice(0, this.#next)];
  }

  /**
   * Encodes the kept frames.
   *
   * @returns The kept frames as a pcap file.
   */
  toBytes(): Uint8Array {
    return encodePcap(this.packets());
  }

  /**
   * Writes the kept frames to a pcap file.
   *
   * @param path The file to create or replace.
   * @returns Resolves when written.
   */
  async save(path: string): Promise<void> {
    await writePcapFile(path, this.packets());
  }

  /** Forgets every kept frame. */
  clear(): void {
    this.#ring.length = 0;
    this.#next = 0;
    this.#dropped = 0;
  }
}
