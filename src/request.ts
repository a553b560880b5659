/**
 * Control requests (NIOCCTRL): an `nmreq_header`, a body and a chain of
 * options, each built in its own Uint8Array with offsets from the layout
 * table, linked by real pointers (`Deno.UnsafePointer.of`), and run through
 * `nms_ctrl`. After the call the bodies and option statuses are read back in
 * place; a failure names the option whose `nro_status` is non-zero.
 *
 * @module
 */

import { errnoName, invalidArgument } from "./errors.ts";
import { check, errorFrom, library } from "./ffi.ts";
import { layout } from "./layout.ts";

/**
 * A C struct in TypeScript memory: a byte array plus the struct's layout,
 * with field access by netmap's field names.
 *
 * @example
 * ```ts ignore
 * import { Struct } from "./request.ts";
 * const reg = Struct.alloc("nmreq_register").set("nr_mode", 1).set("nr_extra_bufs", 4);
 * console.log(reg.get("nr_mode")); // 1
 * ```
 */
export class Struct {
  /** The netmap name of the struct ("nmreq_register"). */
  readonly name: string;
  /** The memory holding it (possibly shared with an enclosing struct). */
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** Byte offset of the struct inside `bytes`. */
  readonly base: number;
  readonly #view: DataView;

  /**
   * A struct view over `bytes` (or over fresh zeroed memory).
   *
   * @param name The struct's netmap name.
   * @param bytes Memory to use (default: a fresh zeroed array of the struct's size).
   * @param base Offset of the struct inside `bytes`.
   */
  constructor(name: string, bytes?: Uint8Array<ArrayBuffer>, base = 0) {
    const size = layout().size(name);
    this.name = name;
    this.bytes = bytes ?? new Uint8Array(size);
    this.base = base;
    if (base + size > this.bytes.length) {
      throw new RangeError(`struct ${name} (${size} bytes) does not fit at ${base}`);
    }
    this.#view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  /**
   * A new zeroed struct.
   *
   * @example
   * ```ts ignore
   * import { Struct } from "./request.ts";
   * const hdr = Struct.alloc("nmreq_header");
   * ```
   */
  static alloc(name: string): Struct {
    return new Struct(name);
  }

  /** sizeof the struct. */
  get size(): number {
    return layout().size(this.name);
  }

  /**
   * The nested struct `field`, of type `structName`, sharing this memory.
   *
   * @example
   * ```ts ignore
   * import { Struct } from "./request.ts";
   * const attach = Struct.alloc("nmreq_vale_attach");
   * attach.sub("reg", "nmreq_register").set("nr_mode", 1);
   * ```
   */
  sub(field: string, structName: string): Struct {
    return new Struct(structName, this.bytes, this.base + layout().offset(this.name, field));
  }

  /**
   * Writes an unsigned integer field (1, 2, 4 or 8 bytes, little-endian).
   *
   * @example
   * ```ts ignore
   * import { Struct } from "./request.ts";
   * Struct.alloc("nmreq_register").set("nr_flags", 0x800n);
   * ```
   */
  set(field: string, value: number | bigint): this {
    const f = layout().field(this.name, field);
    const at = this.base + f.offset;
    switch (f.size) {
      case 1:
        this.#view.setUint8(at, Number(value));
        break;
      case 2:
        this.#view.setUint16(at, Number(value), true);
        break;
      case 4:
        this.#view.setUint32(at, Number(value), true);
        break;
      case 8:
        this.#view.setBigUint64(at, BigInt.asUintN(64, BigInt(value)), true);
        break;
      default:
        throw new TypeError(`${this.name}.${field} is ${f.size} bytes, not an integer`);
    }
    return this;
  }

  /**
   * Reads an unsigned integer field as a number (8-byte fields must be < 2^53).
   *
   * @example
   * ```ts ignore
   * import { Struct } from "./request.ts";
   * console.log(Struct.alloc("nmreq_register").get("nr_memsize")); // 0
   * ```
   */
  get(field: string): number {
    const f = layout().field(this.name, field);
    const at = this.base + f.offset;
    switch (f.size) {
      case 1:
        return this.#view.getUint8(at);
      case 2:
        return this.#view.getUint16(at, true);
      case 4:
        return this.#view.getUint32(at, true);
      case 8: {
        const v = this.#view.getBigUint64(at, true);
        if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
          throw new RangeError(`${this.name}.${field} = ${v} does not fit a number; use getBig`);
        }
        return Number(v);
      }
      default:
        throw new TypeError(`${this.name}.${field} is ${f.size} bytes, not an integer`);
    }
  }

  /**
   * Reads an 8-byte field as a bigint.
   *
   * @example
   * ```ts ignore
   * import { Struct } from "./request.ts";
   * console.log(Struct.alloc("nmreq_register").getBig("nr_flags")); // 0n
   * ```
   */
  getBig(field: string): bigint {
    const f = layout().field(this.name, field);
    if (f.size !== 8) return BigInt(this.get(field));
    return this.#view.getBigUint64(this.base + f.offset, true);
  }

  /**
   * Writes a NUL-terminated string into a char-array field; too long is EINVAL.
   *
   * @example
   * ```ts ignore
   * import { Struct } from "./request.ts";
   * Struct.alloc("nmreq_header").setString("nr_name", "vale0:a");
   * ```
   */
  setString(field: string, value: string): this {
    const f = layout().field(this.name, field);
    const enc = new TextEncoder().encode(value);
    if (enc.length >= f.size) {
      throw invalidArgument(
        "build request",
        value,
        `name is ${enc.length} bytes; ${this.name}.${field} holds at most ${f.size - 1}`,
      );
    }
    const at = this.bytes.byteOffset + this.base + f.offset;
    const dst = new Uint8Array(this.bytes.buffer, at, f.size);
    dst.fill(0);
    dst.set(enc);
    return this;
  }

  /**
   * Reads a NUL-terminated string from a char-array field.
   *
   * @example
   * ```ts ignore
   * import { Struct } from "./request.ts";
   * console.log(Struct.alloc("nmreq_header").getString("nr_name")); // ""
   * ```
   */
  getString(field: string): string {
    const f = layout().field(this.name, field);
    const at = this.bytes.byteOffset + this.base + f.offset;
    const src = new Uint8Array(this.bytes.buffer, at, f.size);
    const end = src.indexOf(0);
    return new TextDecoder().decode(src.subarray(0, end < 0 ? f.size : end));
  }

  /**
   * The address of the struct, for pointer fields of other structs.
   *
   * @example
   * ```ts ignore
   * import { Struct } from "./request.ts";
   * console.log(Struct.alloc("nmreq_register").address() !== 0n);
   * ```
   */
  address(): bigint {
    return BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(this.bytes))) + BigInt(this.base);
  }

  /**
   * A copy of the struct's bytes.
   *
   * @example
   * ```ts ignore
   * import { Struct } from "./request.ts";
   * console.log(Struct.alloc("nmreq_register").copyBytes().length); // 56
   * ```
   */
  copyBytes(): Uint8Array<ArrayBuffer> {
    return this.bytes.slice(this.base, this.base + this.size);
  }
}

/** An option of a request: its struct (which starts with `nro_opt`) and a name for messages. */
export interface RequestOption {
  /** "offsets", "extmem"... (as netmap's nmreq_option_name says). */
  name: string;
  /** The option struct, e.g. nmreq_opt_offsets. */
  struct: Struct;
}

/**
 * A new option struct with its `nro_opt` header filled: type and size.
 *
 * @example
 * ```ts ignore
 * import { newOption } from "./request.ts";
 * const opt = newOption("offsets", "nmreq_opt_offsets", "NETMAP_REQ_OPT_OFFSETS");
 * ```
 */
export function newOption(name: string, structName: string, typeConstant: string): RequestOption {
  const struct = Struct.alloc(structName);
  struct.sub("nro_opt", "nmreq_option")
    .set("nro_reqtype", layout().constant(typeConstant))
    .set("nro_size", struct.size);
  return { name, struct };
}

/**
 * The `nro_status` of an option after a request (0 = accepted).
 *
 * @example
 * ```ts ignore
 * import { newOption, optionStatus } from "./request.ts";
 * console.log(optionStatus(newOption("offsets", "nmreq_opt_offsets", "NETMAP_REQ_OPT_OFFSETS")));
 * ```
 */
export function optionStatus(opt: RequestOption): number {
  return opt.struct.sub("nro_opt", "nmreq_option").get("nro_status");
}

/** What `runRequest` needs. */
export interface RequestInit {
  /** Operation name for errors ("register", "vale attach"...). */
  op: string;
  /** The request type constant name ("NETMAP_REQ_REGISTER"). */
  type: string;
  /** nr_name (the port name as netmap gets it); "" for none. */
  name: string;
  /** The body, or null for body-less requests. */
  body: Struct | null;
  /** Options, chained in this order. */
  options?: RequestOption[];
  /** The port name to show in errors (default: `name`). */
  port?: string;
}

/**
 * Runs one NIOCCTRL request on handle `fd`; returns the header (with the name
 * netmap may have written back). Bodies and options are updated in place.
 * On failure the NetmapError names every option with a non-zero status.
 *
 * @example
 * ```ts ignore
 * import { runRequest, Struct } from "./request.ts";
 * const info = Struct.alloc("nmreq_port_info_get");
 * runRequest(fd, { op: "port info", type: "NETMAP_REQ_PORT_INFO_GET", name: "vale0:a", body: info });
 * ```
 */
export function runRequest(fd: number, init: RequestInit): Struct {
  const l = layout();
  const hdr = Struct.alloc("nmreq_header");
  hdr.set("nr_version", l.constant("NETMAP_API"));
  hdr.set("nr_reqtype", l.constant(init.type));
  hdr.setString("nr_name", init.name);
  hdr.set("nr_body", init.body ? init.body.address() : 0n);
  const options = init.options ?? [];
  for (let i = 0; i < options.length; i++) {
    const head = options[i].struct.sub("nro_opt", "nmreq_option");
    head.set("nro_status", 0);
    head.set("nro_next", i + 1 < options.length ? options[i + 1].struct.address() : 0n);
  }
  hdr.set("nr_options", options.length > 0 ? options[0].struct.address() : 0n);
  // body and options stay reachable through `init` until nms_ctrl has returned
  const ret = library().nms_ctrl(fd, hdr.bytes);
  if (ret < 0) {
    const refused = options
      .map((o) => ({ o, status: optionStatus(o) }))
      .filter((x) => x.status !== 0)
      .map((x) => `option '${x.o.name}' refused with ${errnoName(x.status)}`);
    throw errorFrom(-ret, init.op, init.port ?? init.name, refused.join(", "));
  }
  return hdr;
}

/**
 * Opens a control handle, runs `fn` with it and closes it (also on throw).
 *
 * @example
 * ```ts ignore
 * import { withHandle } from "./request.ts";
 * withHandle("vale list", "", (fd) => console.log(fd));
 * ```
 */
export function withHandle<T>(op: string, port: string, fn: (fd: number) => T): T {
  const lib = library();
  const fd = check(lib.nms_open(), op, port);
  try {
    return fn(fd);
  } finally {
    lib.nms_close(fd);
  }
}
