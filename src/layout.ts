/**
 * The layout table: every struct size, field offset/size, constant and ioctl
 * number, read once from the library's `nms_layout_json()`. TypeScript never
 * types a struct offset by hand; it asks this table, by netmap's names.
 *
 * @module
 */

import { ERRNO, NetmapError } from "./errors.ts";
import { cString, library } from "./ffi.ts";

/**
 * One field of a struct: byte offset and size.
 *
 * @example
 * ```ts ignore
 * import { type FieldLayout, layout } from "../mod.ts";
 * const f: FieldLayout = layout().table.structs["nmreq_header"].fields["nr_name"];
 * console.log(f.offset, f.size);
 * ```
 */
export interface FieldLayout {
  /** Byte offset from the start of the struct. */
  offset: number;
  /** Size in bytes (for arrays: of the whole array). */
  size: number;
}

/**
 * One struct: its size and fields.
 *
 * @example
 * ```ts ignore
 * import { layout, type StructLayout } from "../mod.ts";
 * const s: StructLayout = layout().table.structs["netmap_slot"];
 * console.log(s.size, Object.keys(s.fields));
 * ```
 */
export interface StructLayout {
  /** sizeof(struct). */
  size: number;
  /** Fields by name. */
  fields: Record<string, FieldLayout>;
}

/**
 * The parsed table.
 *
 * @example
 * ```ts ignore
 * import { layout, type LayoutTable } from "../mod.ts";
 * const t: LayoutTable = layout().table;
 * console.log(t.abi, Object.keys(t.structs).length, "structs");
 * ```
 */
export interface LayoutTable {
  /** NETMAP_API the table was built for. */
  abi: number;
  /** Structs by netmap name ("netmap_ring", "nmreq_header"...). */
  structs: Record<string, StructLayout>;
  /** Constants by netmap name ("NETMAP_REQ_REGISTER"...). */
  constants: Record<string, number>;
  /** ioctl numbers by name ("NIOCCTRL"...). */
  ioctls: Record<string, number>;
}

/**
 * Typed access to the layout table. Every lookup of a name the table lacks
 * throws, naming the missing entry (a library/TypeScript mismatch).
 *
 * @example
 * ```ts ignore
 * import { layout } from "../mod.ts";
 * const head = layout().offset("netmap_ring", "head"); // 20
 * ```
 */
export class Layout {
  /** The raw table. */
  readonly table: LayoutTable;

  /**
   * Wraps a parsed table (use layout() or parseLayout() rather than this).
   *
   * @param table A parsed layout document.
   */
  constructor(table: LayoutTable) {
    this.table = table;
  }

  /**
   * The layout of struct `name`.
   *
   * @example
   * ```ts ignore
   * import { layout } from "../mod.ts";
   * console.log(layout().struct("netmap_slot").size); // 16
   * ```
   */
  struct(name: string): StructLayout {
    const s = this.table.structs[name];
    if (!s) throw missing(`struct ${name}`);
    return s;
  }

  /**
   * sizeof(struct name).
   *
   * @example
   * ```ts ignore
   * import { layout } from "../mod.ts";
   * console.log(layout().size("nmreq_header")); // 88
   * ```
   */
  size(name: string): number {
    return this.struct(name).size;
  }

  /**
   * The field `field` of struct `name` (offset and size).
   *
   * @example
   * ```ts ignore
   * import { layout } from "../mod.ts";
   * console.log(layout().field("netmap_slot", "len")); // { offset: 4, size: 2 }
   * ```
   */
  field(name: string, field: string): FieldLayout {
    const f = this.struct(name).fields[field];
    if (!f) throw missing(`field ${name}.${field}`);
    return f;
  }

  /**
   * offsetof(struct name, field).
   *
   * @example
   * ```ts ignore
   * import { layout } from "../mod.ts";
   * console.log(layout().offset("netmap_ring", "head")); // 20
   * ```
   */
  offset(name: string, field: string): number {
    return this.field(name, field).offset;
  }

  /**
   * Whether the table has struct `name` (and field `field` when given).
   *
   * @example
   * ```ts ignore
   * import { layout } from "../mod.ts";
   * console.log(layout().has("netmap_ring", "offset_mask"));
   * ```
   */
  has(name: string, field?: string): boolean {
    const s = this.table.structs[name];
    return !!s && (field === undefined || !!s.fields[field]);
  }

  /**
   * The value of constant `name` (as netmap names it: "NETMAP_REQ_REGISTER").
   *
   * @example
   * ```ts ignore
   * import { layout } from "../mod.ts";
   * console.log(layout().constant("NR_REG_ALL_NIC")); // 1
   * ```
   */
  constant(name: string): number {
    const v = this.table.constants[name];
    if (typeof v !== "number") throw missing(`constant ${name}`);
    return v;
  }

  /**
   * The number of ioctl `name` ("NIOCCTRL").
   *
   * @example
   * ```ts ignore
   * import { layout } from "../mod.ts";
   * console.log(layout().ioctl("NIOCTXSYNC").toString(16));
   * ```
   */
  ioctl(name: string): number {
    const v = this.table.ioctls[name];
    if (typeof v !== "number") throw missing(`ioctl ${name}`);
    return v;
  }
}

function missing(what: string): NetmapError {
  return new NetmapError({
    op: "layout",
    errno: ERRNO.ENOENT,
    summary: `${what} is not in the library's layout table`,
    hint: "the library and the TypeScript do not match: rebuild the library (make build)",
  });
}

/**
 * Parses a layout document (the text of `nms_layout_json()`), checking its shape.
 *
 * @example
 * ```ts
 * import { parseLayout } from "./layout.ts";
 * const l = parseLayout('{"abi":14,"structs":{"s":{"size":4,"fields":{"a":{"offset":0,"size":4}}}},"constants":{},"ioctls":{}}');
 * console.log(l.offset("s", "a")); // 0
 * ```
 */
export function parseLayout(json: string): Layout {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (e) {
    throw new NetmapError({
      op: "layout",
      errno: ERRNO.EPROTO,
      summary: "nms_layout_json() is not valid JSON",
      detail: e instanceof Error ? e.message : String(e),
      hint: "rebuild the library (make build)",
    });
  }
  const t = doc as Partial<LayoutTable>;
  if (
    typeof t !== "object" || t === null || typeof t.structs !== "object" ||
    typeof t.constants !== "object"
  ) {
    throw new NetmapError({
      op: "layout",
      errno: ERRNO.EPROTO,
      summary: "nms_layout_json() lacks 'structs' or 'constants'",
      hint: "rebuild the library (make build)",
    });
  }
  return new Layout({
    abi: typeof t.abi === "number" ? t.abi : 0,
    structs: t.structs!,
    constants: t.constants!,
    ioctls: t.ioctls ?? {},
  });
}

let cached: Layout | undefined;

/**
 * The library's layout table, parsed once per process.
 *
 * @example
 * ```ts ignore
 * import { layout } from "../mod.ts";
 * console.log(layout().size("netmap_ring"));
 * ```
 */
export function layout(): Layout {
  cached ??= parseLayout(cString(library().nms_layout_json()));
  return cached;
}
