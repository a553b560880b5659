/**
 * VLAN control: configurations of the VLAN-aware VALE switch (the `vale_vlan`
 * module on kernel netmap, the same switch inside uvale). A configuration
 * joins one trunk port and access ports, each access port in one VLAN; see
 * docs/vlan.md. The calls are the same on both backends: records go in with
 * `nms_vlan_write`, the status and the lists come out with `nms_vlan_read`,
 * every record struct built from the layout table.
 *
 * @example
 * ```ts ignore
 * import { vlan } from "../mod.ts";
 * using conf = vlan.createConf("lab");
 * conf.createTrunk("trunk0");
 * conf.createAccess("acc10", 10);
 * console.log(conf.list());
 * ```
 *
 * @module
 */

import { ERRNO, NetmapError } from "./errors.ts";
import { check, cString, library } from "./ffi.ts";
import { layout } from "./layout.ts";
import { Struct } from "./request.ts";

/**
 * What one record asks for (the `VV_*` actions of kernel/vale_vlan_abi.h).
 *
 * @example
 * ```ts
 * import type { VlanAction, VlanRecord } from "../mod.ts";
 * const action: VlanAction = "attach-access";
 * const record: VlanRecord = { action, conf: "c0", port: "v1", vid: 10 };
 * ```
 */
export type VlanAction =
  | "create-conf"
  | "delete-conf"
  | "attach-trunk"
  | "detach-trunk"
  | "create-trunk"
  | "destroy-trunk"
  | "attach-access"
  | "detach-access"
  | "create-access"
  | "destroy-access"
  | "list";

const ACTION_CONSTANT: Readonly<Record<VlanAction, string>> = {
  "create-conf": "VV_CREATE_CONF",
  "delete-conf": "VV_DELETE_CONF",
  "attach-trunk": "VV_ATTACH_TRUNK",
  "detach-trunk": "VV_DETACH_TRUNK",
  "create-trunk": "VV_CREATE_TRUNK",
  "destroy-trunk": "VV_DESTROY_TRUNK",
  "attach-access": "VV_ATTACH_ACCESS",
  "detach-access": "VV_DETACH_ACCESS",
  "create-access": "VV_CREATE_ACCESS",
  "destroy-access": "VV_DESTROY_ACCESS",
  "list": "VV_LIST",
};

/**
 * One record of a batch; fields an action does not use stay unset.
 *
 * @example
 * ```ts ignore
 * import { VlanControl, type VlanRecord } from "../mod.ts";
 * const records: VlanRecord[] = [{ action: "create-conf", conf: "c0" }];
 * using ctl = VlanControl.open();
 * ctl.write(records);
 * ```
 */
export interface VlanRecord {
  /** What to do. */
  action: VlanAction;
  /** Configuration name ("" = all, for `list`). */
  conf: string;
  /** Port name (trunk and access actions; "" = the trunk for `detach-trunk`). */
  port?: string;
  /** VLAN id of an access port (0..4094). */
  vid?: number;
  /** `VV_OPT_*` bits of `create-conf`. */
  flags?: number;
  /** Native VLAN of `create-conf` (with `VV_OPT_NATIVE`). */
  nativeVid?: number;
}

/**
 * The status of a VLAN handle: its last write and the list that follows.
 *
 * @example
 * ```ts ignore
 * import { VlanControl, type VlanStatus } from "../mod.ts";
 * using ctl = VlanControl.open();
 * const st: VlanStatus = ctl.status();
 * console.log(st.reasonName, st.errIndex);
 * ```
 */
export interface VlanStatus {
  /** List records returned by this read. */
  count: number;
  /** List records available (more than `count`: the buffer was too small). */
  total: number;
  /** `VV_R_*` reason of the last failed write (0 when it succeeded). */
  reason: number;
  /** The reason's constant name ("VV_R_VID"). */
  reasonName: string;
  /** Index of the failing record, -1 when none. */
  errIndex: number;
  /** errno of the last failed write, 0 when none. */
  errErrno: number;
}

/**
 * A trunk or access port of a configuration.
 *
 * @example
 * ```ts ignore
 * import { listVlanConfs, type VlanPort } from "../mod.ts";
 * const ports: VlanPort[] = listVlanConfs().flatMap((c) => c.ports);
 * for (const p of ports) console.log(p.conf, p.port, p.role, p.vid);
 * ```
 */
export interface VlanPort {
  /** Its configuration. */
  conf: string;
  /** Port name. */
  port: string;
  /** The VALE switch it is attached to ("valeVlabTP:", "valeV10lab:"). */
  bridge: string;
  /** Trunk or access port. */
  role: "trunk" | "access";
  /** VLAN id of an access port; 4095 for the trunk. */
  vid: number;
  /** A persistent port the switch created (create-trunk / create-access). */
  created: boolean;
}

/**
 * A configuration as listed by the switch.
 *
 * @example
 * ```ts ignore
 * import { listVlanConfs, type VlanConfInfo } from "../mod.ts";
 * const confs: VlanConfInfo[] = listVlanConfs();
 * for (const c of confs) console.log(c.name, c.bridge, c.ports.length, "ports");
 * ```
 */
export interface VlanConfInfo {
  /** Its name. */
  name: string;
  /** Its tagging switch ("valeVlabTP:"). */
  bridge: string;
  /** The native VLAN, or null without that option. */
  nativeVid: number | null;
  /** Priority tags carry PCP/DEI across (VV_OPT_KEEP_PCP). */
  keepPcp: boolean;
  /** The trunk carries 802.1ad S-tags (VV_OPT_DOT1AD). */
  dot1ad: boolean;
  /** Trunk and access ports, in attach order. */
  ports: VlanPort[];
}

/**
 * Options of a configuration (all off by default); see docs/vlan.md.
 *
 * @example
 * ```ts ignore
 * import { createVlanConf, type VlanConfOptions } from "../mod.ts";
 * const opts: VlanConfOptions = { nativeVid: 1, keepPcp: true };
 * using conf = createVlanConf("c0", opts);
 * ```
 */
export interface VlanConfOptions {
  /** Untagged trunk frames belong to this VLAN; its access ports send untagged. */
  nativeVid?: number;
  /** Trunk frames reach access ports priority-tagged (PCP and DEI kept). */
  keepPcp?: boolean;
  /** The trunk carries 802.1ad S-tags (TPID 0x88a8); not with `keepPcp`. */
  dot1ad?: boolean;
}

/**
 * Options of VlanConf.delete() and of the disposal of a VlanConf.
 *
 * @example
 * ```ts ignore
 * import { openVlanConf, type VlanDeleteOptions } from "../mod.ts";
 * const opts: VlanDeleteOptions = { destroyCreated: false };
 * openVlanConf("c0").delete(opts);
 * ```
 */
export interface VlanDeleteOptions {
  /** Destroy the persistent ports the switch created for this conf (default true). */
  destroyCreated?: boolean;
}

const REASON_HINTS: Readonly<Record<string, string>> = {
  VV_R_VID: "VLAN ids of access ports are 0..4094 (4095 is reserved)",
  VV_R_CONF_NAME_LONG: "a configuration name has 1 to 6 characters",
  VV_R_CONF_NAME: "a configuration name is a lower-case letter then letters or digits",
  VV_R_PORT_NAME_LONG: "a port name has 1 to 15 characters",
  VV_R_PORT_NAME: "a port name has letters, digits, '_', '.' and '-' only",
  VV_R_OPTIONS: "nativeVid is 0..4094, and keepPcp cannot go with dot1ad",
  VV_R_CONF_EXISTS: "pick another name, or open the existing one with vlan.openConf()",
  VV_R_CONF_LIMIT: "at most 4 configurations exist at once: delete one first (vlan.list())",
  VV_R_NO_CONF: "create it first with vlan.createConf(), or check vlan.list()",
  VV_R_CONF_BUSY: "detach its ports first (disposing the VlanConf does that)",
  VV_R_PORT_BUSY: "the port already belongs to a configuration: detach it there first",
  VV_R_TRUNK_BUSY: "a configuration has one trunk: detach the current one first",
  VV_R_NO_PORT: "the port is not attached to this configuration in that role (vlan.list())",
  VV_R_PORT_LIMIT: "a configuration holds at most 128 ports",
  VV_R_OS: "the switch refused (see detail): does the port exist, is it in use, " +
    "are switches left (8 at most, 1 per conf + 1 per VLAN in use)?",
  VV_R_LENGTH: "a batch is 1 to 256 records of 64 bytes",
  VV_R_TOO_MANY: "a batch is 1 to 256 records of 64 bytes",
  VV_R_VERSION: "the record's version is not the switch's (rebuild nmscript)",
  VV_R_ACTION: "unknown action: see VlanAction",
  VV_R_RESERVED: "a field this action does not use is set",
};

/**
 * A failed VLAN request: a NetmapError with the switch's reason and the index
 * of the failing record of the batch.
 *
 * @example
 * ```ts ignore
 * import { vlan, VlanError } from "../mod.ts";
 * try {
 *   vlan.createConf("toolongname");
 * } catch (e) {
 *   if (e instanceof VlanError) console.log(e.code, e.reasonName); // ENAMETOOLONG VV_R_CONF_NAME_LONG
 * }
 * ```
 */
export class VlanError extends NetmapError {
  /** The `VV_R_*` reason (0 when the switch gave none). */
  readonly reason: number;
  /** The reason's constant name ("VV_R_PORT_BUSY"). */
  readonly reasonName: string;
  /** Index of the failing record in its batch (-1: the batch as a whole). */
  readonly recordIndex: number;

  /**
   * Builds the error.
   *
   * @param init What failed and why, with the switch's reason and record index.
   */
  constructor(
    init: {
      op: string;
      port: string;
      errno: number;
      reason: number;
      recordIndex: number;
      detail: string;
    },
  ) {
    const name = vlanReasonName(init.reason);
    super({
      op: init.op,
      port: init.port,
      errno: init.errno,
      detail: init.detail,
      hint: REASON_HINTS[name],
    });
    this.name = "VlanError";
    this.reason = init.reason;
    this.reasonName = name;
    this.recordIndex = init.recordIndex;
  }
}

function constant(name: string): number {
  return layout().constant(name);
}

let vlanReasonNames: Map<number, string> | undefined;

/**
 * The constant name of a `VV_R_*` reason ("VV_R_VID"), from the layout table.
 *
 * @example
 * ```ts ignore
 * import { vlanReasonName } from "../mod.ts";
 * console.log(vlanReasonName(10)); // "VV_R_VID"
 * ```
 */
export function vlanReasonName(reason: number): string {
  if (!vlanReasonNames) {
    vlanReasonNames = new Map();
    for (const [k, v] of Object.entries(layout().table.constants)) {
      if (k.startsWith("VV_R_") && k !== "VV_R_LAST") vlanReasonNames.set(v, k);
    }
  }
  return vlanReasonNames.get(reason) ?? `reason ${reason}`;
}

/**
 * The switch's sentence for a `VV_R_*` reason (nms_vlan_reason_text() of the library).
 *
 * @example
 * ```ts ignore
 * import { vlanReasonText } from "../mod.ts";
 * console.log(vlanReasonText(14)); // no such configuration
 * ```
 */
export function vlanReasonText(reason: number): string {
  return cString(library().nms_vlan_reason_text(reason >>> 0)) || vlanReasonName(reason);
}

function describe(r: VlanRecord): string {
  const parts = [r.action, `conf '${r.conf}'`];
  if (r.port !== undefined) parts.push(`port '${r.port}'`);
  if (r.vid !== undefined) parts.push(`vid ${r.vid}`);
  return parts.join(" ");
}

/** A failure found before anything was sent (the switch would refuse it the same way). */
function localError(
  r: VlanRecord,
  index: number,
  errno: number,
  reason: string,
  detail: string,
): VlanError {
  return new VlanError({
    op: `vlan ${r.action}`,
    port: r.port || r.conf,
    errno,
    reason: constant(reason),
    recordIndex: index,
    detail: `${detail} (record ${index}: ${describe(r)}; nothing was sent)`,
  });
}

function putName(
  s: Struct,
  field: string,
  value: string,
  r: VlanRecord,
  i: number,
  reason: string,
): void {
  const size = layout().field("vv_req", field).size;
  if (new TextEncoder().encode(value).length >= size) {
    throw localError(
      r,
      i,
      ERRNO.ENAMETOOLONG,
      reason,
      `name '${value}' does not fit the ${size}-byte field ${field}`,
    );
  }
  s.setString(field, value);
}

function putU16(s: Struct, field: string, value: number, r: VlanRecord, i: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
    throw localError(
      r,
      i,
      ERRNO.EINVAL,
      field === "vr_vid" ? "VV_R_VID" : "VV_R_OPTIONS",
      `${field} ${value} is not an integer 0..65535`,
    );
  }
  s.set(field, value);
}

/**
 * Encodes records as the switch reads them (64-byte `struct vv_req` each).
 *
 * @example
 * ```ts ignore
 * import { encodeVlanRecords } from "./vlan.ts";
 * const bytes = encodeVlanRecords([{ action: "create-conf", conf: "lab" }]);
 * console.log(bytes.length); // 64
 * ```
 */
export function encodeVlanRecords(records: readonly VlanRecord[]): Uint8Array<ArrayBuffer> {
  const size = layout().size("vv_req");
  const bytes = new Uint8Array(records.length * size);
  records.forEach((r, i) => {
    const c = ACTION_CONSTANT[r.action];
    if (c === undefined) {
      throw localError(r, i, ERRNO.EOPNOTSUPP, "VV_R_ACTION", `unknown action '${r.action}'`);
    }
    const s = new Struct("vv_req", bytes, i * size);
    s.set("vr_version", constant("VV_ABI_VERSION"));
    s.set("vr_action", constant(c));
    putName(s, "vr_conf", r.conf, r, i, "VV_R_CONF_NAME_LONG");
    if (r.port !== undefined) putName(s, "vr_port", r.port, r, i, "VV_R_PORT_NAME_LONG");
    if (r.vid !== undefined) putU16(s, "vr_vid", r.vid, r, i);
    if (r.flags !== undefined) putU16(s, "vr_flags", r.flags, r, i);
    if (r.nativeVid !== undefined) putU16(s, "vr_native_vid", r.nativeVid, r, i);
  });
  return bytes;
}

function readBufferSize(): number {
  return layout().size("vv_status") +
    layout().size("vv_list_rec") * constant("VV_MAX_CONFS") * (constant("VV_MAX_PORTS") + 1);
}

function parseStatus(buf: Uint8Array<ArrayBuffer>): VlanStatus {
  const s = new Struct("vv_status", buf);
  const reason = s.get("vs_reason");
  return {
    count: s.get("vs_count"),
    total: s.get("vs_total"),
    reason,
    reasonName: vlanReasonName(reason),
    errIndex: s.get("vs_err_index") | 0,
    errErrno: s.get("vs_err_errno") | 0,
  };
}

function parseList(buf: Uint8Array<ArrayBuffer>, st: VlanStatus): VlanConfInfo[] {
  const base = layout().size("vv_status");
  const size = layout().size("vv_list_rec");
  const confs: VlanConfInfo[] = [];
  for (let i = 0; i < st.count; i++) {
    const r = new Struct("vv_list_rec", buf, base + i * size);
    const role = r.get("vl_role");
    const flags = r.get("vl_flags");
    if (role === constant("VV_ROLE_CONF")) {
      confs.push({
        name: r.getString("vl_conf"),
        bridge: r.getString("vl_bridge"),
        nativeVid: flags & constant("VV_OPT_NATIVE") ? r.get("vl_native_vid") : null,
        keepPcp: (flags & constant("VV_OPT_KEEP_PCP")) !== 0,
        dot1ad: (flags & constant("VV_OPT_DOT1AD")) !== 0,
        ports: [],
      });
    } else if (confs.length > 0) {
      confs[confs.length - 1].ports.push({
        conf: r.getString("vl_conf"),
        port: r.getString("vl_port"),
        bridge: r.getString("vl_bridge"),
        role: role === constant("VV_ROLE_TRUNK") ? "trunk" : "access",
        vid: r.get("vl_vid"),
        created: (flags & constant("VV_LIST_CREATED")) !== 0,
      });
    }
  }
  return confs;
}

/**
 * One handle of the VLAN switch (/dev/vale_vlan, or uvale's daemon): batches
 * of records in, status and lists out. Close it (or `using`) when done.
 *
 * @example
 * ```ts ignore
 * import { VlanControl } from "../mod.ts";
 * using ctl = VlanControl.open();
 * ctl.write([{ action: "create-conf", conf: "lab" }, { action: "create-trunk", conf: "lab", port: "t0" }]);
 * console.log(ctl.list("lab")[0].ports);
 * ```
 */
export class VlanControl {
  #fd: number;

  private constructor(fd: number) {
    this.#fd = fd;
  }

  /**
   * Opens a handle.
   *
   * @example
   * ```ts ignore
   * import { VlanControl } from "../mod.ts";
   * const ctl = VlanControl.open();
   * ctl.close();
   * ```
   */
  static open(): VlanControl {
    return new VlanControl(check(library().nms_vlan_open(), "vlan open", ""));
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#fd < 0;
  }

  #live(op: string): number {
    if (this.#fd < 0) {
      throw new NetmapError({
        op,
        errno: ERRNO.EBADF,
        hint: "the VLAN handle is closed: open another with VlanControl.open()",
      });
    }
    return this.#fd;
  }

  /**
   * Applies a batch all-or-nothing: on failure nothing of it stays, and the
   * VlanError names the failing record, the errno and the switch's reason.
   *
   * @example
   * ```ts ignore
   * import { VlanControl } from "../mod.ts";
   * using ctl = VlanControl.open();
   * ctl.write([{ action: "create-conf", conf: "lab", flags: 0 }]);
   * ```
   */
  write(records: readonly VlanRecord[]): void {
    const fd = this.#live("vlan write");
    const bytes = encodeVlanRecords(records);
    const ret = library().nms_vlan_write(fd, bytes, BigInt(bytes.length));
    if (ret >= 0) return;
    throw this.#failure(-ret, records);
  }

  /**
   * Writes raw bytes as one batch (for tests of the switch's own checks).
   * Failures are VlanErrors, as for write().
   *
   * @example
   * ```ts ignore
   * import { VlanControl } from "../mod.ts";
   * using ctl = VlanControl.open();
   * try { ctl.writeBytes(new Uint8Array(10)); } catch (e) { console.log(String(e)); }
   * ```
   */
  writeBytes(bytes: Uint8Array<ArrayBuffer>): void {
    const fd = this.#live("vlan write");
    const ret = library().nms_vlan_write(fd, bytes, BigInt(bytes.length));
    if (ret >= 0) return;
    throw this.#failure(-ret, []);
  }

  #failure(errno: number, records: readonly VlanRecord[]): VlanError {
    const sentence = cString(library().nms_last_error());
    let st: VlanStatus | undefined;
    try {
      st = this.status();
    } catch {
      // the status cannot be read: report the errno alone
    }
    const index = st?.errIndex ?? -1;
    const rec = index >= 0 ? records[index] : undefined;
    const reason = st?.reason ?? 0;
    const where = rec
      ? `record ${index} of ${records.length}: ${describe(rec)}`
      : index >= 0
      ? `record ${index}`
      : "the batch";
    const text = reason ? vlanReasonText(reason) : "refused";
    // the library's sentence repeats the reason: keep what it adds
    let extra = sentence;
    const prefix = `record ${index}: ${text}`;
    if (extra.startsWith(prefix)) extra = extra.slice(prefix.length).replace(/^: /, "");
    else if (extra === text) extra = "";
    const detail = [`${text} (${where}; ${vlanReasonName(reason)})`, extra]
      .filter((s) => s).join("; ");
    return new VlanError({
      op: `vlan ${rec?.action ?? "write"}`,
      port: rec ? rec.port || rec.conf : "",
      errno,
      reason,
      recordIndex: index,
      detail,
    });
  }

  #read(): { status: VlanStatus; bytes: Uint8Array<ArrayBuffer> } {
    const fd = this.#live("vlan read");
    const bytes = new Uint8Array(readBufferSize());
    check(library().nms_vlan_read(fd, bytes, BigInt(bytes.length)), "vlan read", "");
    return { status: parseStatus(bytes), bytes };
  }

  /**
   * The status of this handle's last write.
   *
   * @example
   * ```ts ignore
   * import { VlanControl } from "../mod.ts";
   * using ctl = VlanControl.open();
   * console.log(ctl.status().errIndex); // -1
   * ```
   */
  status(): VlanStatus {
    return this.#read().status;
  }

  /**
   * The configurations (all, or the one named) with their ports.
   *
   * @example
   * ```ts ignore
   * import { VlanControl } from "../mod.ts";
   * using ctl = VlanControl.open();
   * for (const c of ctl.list()) console.log(c.name, c.ports.length);
   * ```
   */
  list(conf = ""): VlanConfInfo[] {
    this.write([{ action: "list", conf }]);
    const { status, bytes } = this.#read();
    return parseList(bytes, status);
  }

  /**
   * Closes the handle (configurations stay: they belong to the switch).
   *
   * @example
   * ```ts ignore
   * import { VlanControl } from "../mod.ts";
   * VlanControl.open().close();
   * ```
   */
  close(): void {
    if (this.#fd < 0) return;
    const fd = this.#fd;
    this.#fd = -1;
    check(library().nms_vlan_close(fd), "vlan close", "");
  }

  /** Same as close(). */
  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * A configuration: a trunk and access ports in VLANs. Disposing it (or
 * delete()) detaches its ports, destroys the ports the switch created for it,
 * and deletes it.
 *
 * @example
 * ```ts ignore
 * import { vlan } from "../mod.ts";
 * using lab = vlan.createConf("lab", { nativeVid: 1 });
 * lab.createTrunk("trunk0");
 * lab.createAccess("pc10", 10);
 * ```
 */
export class VlanConf {
  /** Its name. */
  readonly name: string;
  #ctl: VlanControl | null;
  #deleted = false;

  /**
   * Wraps a handle on an existing configuration (use vlan.createConf() or
   * vlan.openConf()).
   *
   * @param name The configuration's name.
   * @param ctl A handle this object now owns.
   */
  constructor(name: string, ctl: VlanControl) {
    this.name = name;
    this.#ctl = ctl;
  }

  /** The handle, reopened after a failed delete() closed it. */
  #handle(): VlanControl {
    if (this.#ctl === null || this.#ctl.closed) this.#ctl = VlanControl.open();
    return this.#ctl;
  }

  /** Its tagging switch, "valeV<name>TP:". */
  get bridge(): string {
    return `valeV${this.name}TP:`;
  }

  #one(action: VlanAction, port?: string, vid?: number): void {
    if (this.#deleted) {
      throw new NetmapError({
        op: `vlan ${action}`,
        port: port ?? this.name,
        errno: ERRNO.ENXIO,
        hint: `configuration '${this.name}' was deleted`,
      });
    }
    this.#handle().write([{ action, conf: this.name, port, vid }]);
  }

  /**
   * Attaches an existing port (a NIC, or a persistent VALE port) as the trunk.
   *
   * @example
   * ```ts ignore
   * import { vlan, valeNewIf } from "../mod.ts";
   * valeNewIf("t0");
   * using c = vlan.createConf("lab");
   * c.attachTrunk("t0");
   * ```
   */
  attachTrunk(port: string): void {
    this.#one("attach-trunk", port);
  }

  /**
   * Detaches the trunk (by name, or whatever it is with "").
   *
   * @example
   * ```ts ignore
   * import { vlan } from "../mod.ts";
   * using c = vlan.createConf("lab");
   * c.createTrunk("t0");
   * c.detachTrunk();
   * ```
   */
  detachTrunk(port = ""): void {
    this.#one("detach-trunk", port);
  }

  /**
   * Creates a persistent VALE port and attaches it as the trunk.
   *
   * @example
   * ```ts ignore
   * import { vlan } from "../mod.ts";
   * using c = vlan.createConf("lab");
   * c.createTrunk("t0");
   * ```
   */
  createTrunk(port: string): void {
    this.#one("create-trunk", port);
  }

  /**
   * Detaches the trunk and destroys it (a persistent VALE port).
   *
   * @example
   * ```ts ignore
   * import { vlan } from "../mod.ts";
   * using c = vlan.createConf("lab");
   * c.createTrunk("t0");
   * c.destroyTrunk();
   * ```
   */
  destroyTrunk(port = ""): void {
    this.#one("destroy-trunk", port);
  }

  /**
   * Attaches an existing port as an access port of VLAN `vid` (0..4094).
   *
   * @example
   * ```ts ignore
   * import { vlan, valeNewIf } from "../mod.ts";
   * valeNewIf("pc10");
   * using c = vlan.createConf("lab");
   * c.attachAccess("pc10", 10);
   * ```
   */
  attachAccess(port: string, vid: number): void {
    this.#one("attach-access", port, vid);
  }

  /**
   * Detaches an access port (its VLAN is looked up).
   *
   * @example
   * ```ts ignore
   * import { vlan } from "../mod.ts";
   * using c = vlan.createConf("lab");
   * c.createAccess("pc10", 10);
   * c.detachAccess("pc10");
   * ```
   */
  detachAccess(port: string): void {
    this.#one("detach-access", port);
  }

  /**
   * Creates a persistent VALE port and attaches it as an access port of `vid`.
   *
   * @example
   * ```ts ignore
   * import { vlan } from "../mod.ts";
   * using c = vlan.createConf("lab");
   * c.createAccess("pc10", 10);
   * ```
   */
  createAccess(port: string, vid: number): void {
    this.#one("create-access", port, vid);
  }

  /**
   * Detaches an access port and destroys it (a persistent VALE port).
   *
   * @example
   * ```ts ignore
   * import { vlan } from "../mod.ts";
   * using c = vlan.createConf("lab");
   * c.createAccess("pc10", 10);
   * c.destroyAccess("pc10");
   * ```
   */
  destroyAccess(port: string): void {
    this.#one("destroy-access", port);
  }

  /**
   * This configuration as the switch lists it.
   *
   * @example
   * ```ts ignore
   * import { vlan } from "../mod.ts";
   * using c = vlan.createConf("lab", { dot1ad: true });
   * console.log(c.info().dot1ad); // true
   * ```
   */
  info(): VlanConfInfo {
    const found = this.#handle().list(this.name).find((c) => c.name === this.name);
    if (!found) {
      throw new VlanError({
        op: "vlan list",
        port: this.name,
        errno: ERRNO.ENXIO,
        reason: constant("VV_R_NO_CONF"),
        recordIndex: -1,
        detail: `configuration '${this.name}' does not exist any more`,
      });
    }
    return found;
  }

  /**
   * Its trunk and access ports, in attach order.
   *
   * @example
   * ```ts ignore
   * import { vlan } from "../mod.ts";
   * using c = vlan.createConf("lab");
   * c.createAccess("pc10", 10);
   * console.log(c.list().map((p) => `${p.port}@${p.vid}`)); // ["pc10@10"]
   * ```
   */
  list(): VlanPort[] {
    return this.info().ports;
  }

  /**
   * Detaches every port (destroying the ones the switch created, unless told
   * not to) and deletes the configuration, in one all-or-nothing batch.
   * Does nothing the second time, or when the configuration is already gone.
   *
   * @example
   * ```ts ignore
   * import { vlan } from "../mod.ts";
   * const c = vlan.createConf("lab");
   * c.createTrunk("t0");
   * c.delete(); // t0 is destroyed too
   * ```
   */
  delete(options: VlanDeleteOptions = {}): void {
    if (this.#deleted) return;
    const destroy = options.destroyCreated ?? true;
    try {
      const ctl = this.#handle();
      let info: VlanConfInfo | undefined;
      try {
        info = ctl.list(this.name).find((c) => c.name === this.name);
      } catch (e) {
        // deleted elsewhere already: nothing to do
        if (!(e instanceof VlanError && e.reasonName === "VV_R_NO_CONF")) throw e;
      }
      if (info) {
        const batch: VlanRecord[] = info.ports.map((p): VlanRecord => {
          const kill = destroy && p.created;
          if (p.role === "trunk") {
            return { action: kill ? "destroy-trunk" : "detach-trunk", conf: this.name, port: "" };
          }
          return {
            action: kill ? "destroy-access" : "detach-access",
            conf: this.name,
            port: p.port,
          };
        });
        batch.push({ action: "delete-conf", conf: this.name });
        ctl.write(batch);
      }
      this.#deleted = true;
    } finally {
      // never leak the handle, even when the batch failed (a retry reopens it)
      this.#ctl?.close();
      this.#ctl = null;
    }
  }

  /** delete() for `using`. */
  [Symbol.dispose](): void {
    this.delete();
  }

  /** delete() for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    this.delete();
    return Promise.resolve();
  }
}

function confFlags(o: VlanConfOptions): { flags: number; nativeVid?: number } {
  let flags = 0;
  if (o.nativeVid !== undefined) flags |= constant("VV_OPT_NATIVE");
  if (o.keepPcp) flags |= constant("VV_OPT_KEEP_PCP");
  if (o.dot1ad) flags |= constant("VV_OPT_DOT1AD");
  return { flags, nativeVid: o.nativeVid };
}

/**
 * Creates configuration `name` (1–6 characters, `[a-z][a-z0-9]*`) and its
 * tagging switch `valeV<name>TP:`.
 *
 * @example
 * ```ts ignore
 * import { createVlanConf } from "../mod.ts";
 * using lab = createVlanConf("lab", { keepPcp: true });
 * ```
 */
export function createVlanConf(name: string, options: VlanConfOptions = {}): VlanConf {
  const ctl = VlanControl.open();
  try {
    ctl.write([{ action: "create-conf", conf: name, ...confFlags(options) }]);
  } catch (e) {
    ctl.close();
    throw e;
  }
  return new VlanConf(name, ctl);
}

/**
 * A VlanConf for an existing configuration (made by another process or tool).
 *
 * @example
 * ```ts ignore
 * import { openVlanConf } from "../mod.ts";
 * using lab = openVlanConf("lab");
 * console.log(lab.list());
 * ```
 */
export function openVlanConf(name: string): VlanConf {
  const ctl = VlanControl.open();
  try {
    const conf = new VlanConf(name, ctl);
    conf.info();
    return conf;
  } catch (e) {
    ctl.close();
    throw e;
  }
}

/**
 * Every configuration with its ports.
 *
 * @example
 * ```ts ignore
 * import { listVlanConfs } from "../mod.ts";
 * for (const c of listVlanConfs()) console.log(c.name, c.bridge);
 * ```
 */
export function listVlanConfs(): VlanConfInfo[] {
  const ctl = VlanControl.open();
  try {
    return ctl.list();
  } finally {
    ctl.close();
  }
}

/**
 * The VLAN API in one object: `vlan.createConf(name, options)`,
 * `vlan.openConf(name)`, `vlan.list()`, `vlan.open()` (a raw handle).
 *
 * @example
 * ```ts ignore
 * import { vlan } from "../mod.ts";
 * using lab = vlan.createConf("lab");
 * lab.createTrunk("trunk0");
 * console.log(vlan.list().map((c) => c.name)); // ["lab"]
 * ```
 */
export const vlan: {
  createConf: typeof createVlanConf;
  openConf: typeof openVlanConf;
  list: typeof listVlanConfs;
  open: () => VlanControl;
} = Object.freeze({
  createConf: createVlanConf,
  openConf: openVlanConf,
  list: listVlanConfs,
  open: (): VlanControl => VlanControl.open(),
});
