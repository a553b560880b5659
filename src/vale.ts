/**
 * VALE control: attach/detach NICs and persistent ports to switches, list
 * ports, create/delete persistent ports, polling, port and pool information,
 * port header length. Each call opens a control handle, sends one NIOCCTRL
 * request and closes the handle.
 *
 * @module
 */

import { ERRNO, invalidArgument, NetmapError } from "./errors.ts";
import { layout } from "./layout.ts";
import { runRequest, Struct, withHandle } from "./request.ts";

/**
 * Ring and slot counts (and memory id) for valeNewIf() and valeAttach().
 *
 * @example
 * ```ts ignore
 * import { type ValeConf, valeNewIf } from "../mod.ts";
 * const conf: ValeConf = { rings: 2, slots: 1024 };
 * valeNewIf("v0", conf);
 * ```
 */
export interface ValeConf {
  /** TX and RX slots per ring. */
  slots?: number;
  /** TX slots (overrides `slots`). */
  txSlots?: number;
  /** RX slots (overrides `slots`). */
  rxSlots?: number;
  /** TX and RX rings. */
  rings?: number;
  /** TX rings (overrides `rings`). */
  txRings?: number;
  /** RX rings (overrides `rings`). */
  rxRings?: number;
  /** Memory region id. */
  memId?: number;
}

/**
 * Options of valeAttach().
 *
 * @example
 * ```ts ignore
 * import { valeAttach, type ValeAttachOptions } from "../mod.ts";
 * const opts: ValeAttachOptions = { hostRings: true };
 * valeAttach("vale0:eth0", opts);
 * ```
 */
export interface ValeAttachOptions {
  /** Also attach the host-stack rings as a second port (like `vale-ctl -h`). */
  hostRings?: boolean;
  /** Rings, slots and memory id. */
  conf?: ValeConf;
}

/**
 * One entry of valeList().
 *
 * @example
 * ```ts ignore
 * import { valeList, type ValeListEntry } from "../mod.ts";
 * const ports: ValeListEntry[] = valeList();
 * for (const e of ports) console.log(e.name, e.bridgeIdx, e.portIdx);
 * ```
 */
export interface ValeListEntry {
  /** Port name ("vale0:a"). */
  name: string;
  /** Switch index. */
  bridgeIdx: number;
  /** Port index in the switch (255 = not a port of that switch). */
  portIdx: number;
}

/**
 * What netmap says about a port without registering it (PORT_INFO_GET).
 *
 * @example
 * ```ts ignore
 * import { portInfo, type PortInfoGet } from "../mod.ts";
 * const info: PortInfoGet = portInfo("vale0:a");
 * console.log(info.txRings, info.txSlots);
 * ```
 */
export interface PortInfoGet {
  /** Size of the memory region. */
  memsize: number;
  /** Slots per TX ring. */
  txSlots: number;
  /** Slots per RX ring. */
  rxSlots: number;
  /** TX rings. */
  txRings: number;
  /** RX rings. */
  rxRings: number;
  /** Host TX rings. */
  hostTxRings: number;
  /** Host RX rings. */
  hostRxRings: number;
  /** Memory region id. */
  memId: number;
}

/**
 * One pool of a memory region.
 *
 * @example
 * ```ts ignore
 * import { type PoolInfo, poolsInfo } from "../mod.ts";
 * const buf: PoolInfo = poolsInfo("vale0:a").buf;
 * console.log(buf.total, "buffers of", buf.size, "bytes");
 * ```
 */
export interface PoolInfo {
  /** Offset of the pool in the region. */
  offset: number;
  /** Number of objects. */
  total: number;
  /** Size of one object. */
  size: number;
}

/**
 * The memory region of a port (POOLS_INFO_GET).
 *
 * @example
 * ```ts ignore
 * import { poolsInfo, type PoolsInfo } from "../mod.ts";
 * const info: PoolsInfo = poolsInfo("vale0:a");
 * console.log(info.memId, info.memsize);
 * ```
 */
export interface PoolsInfo {
  /** Size of the region. */
  memsize: number;
  /** Memory region id. */
  memId: number;
  /** netmap_if pool. */
  if: PoolInfo;
  /** Ring pool. */
  ring: PoolInfo;
  /** Buffer pool. */
  buf: PoolInfo;
}

/**
 * Options of valePollingEnable().
 *
 * @example
 * ```ts ignore
 * import { type PollingOptions, valePollingEnable } from "../mod.ts";
 * const opts: PollingOptions = { mode: "single-cpu", firstCpu: 0, numCpus: 1 };
 * valePollingEnable("vale0:eth0", opts);
 * ```
 */
export interface PollingOptions {
  /** "single-cpu" (default) or "multi-cpu". */
  mode?: "single-cpu" | "multi-cpu";
  /** First CPU (multi-cpu) or ring id (single-cpu). */
  firstCpu?: number;
  /** Number of CPUs (multi-cpu). */
  numCpus?: number;
}

const MAX_LIST = 8 * 256;

function fillConf(s: Struct, conf: ValeConf, port: string): void {
  for (const [k, v] of Object.entries(conf)) {
    if (!["slots", "txSlots", "rxSlots", "rings", "txRings", "rxRings", "memId"].includes(k)) {
      throw invalidArgument("vale", port, `unknown conf key '${k}'`);
    }
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 0xffffffff) {
      throw invalidArgument("vale", port, `conf.${k} must be a non-negative integer`);
    }
  }
  s.set("nr_tx_slots", conf.txSlots ?? conf.slots ?? 0);
  s.set("nr_rx_slots", conf.rxSlots ?? conf.slots ?? 0);
  s.set("nr_tx_rings", conf.txRings ?? conf.rings ?? 0);
  s.set("nr_rx_rings", conf.rxRings ?? conf.rings ?? 0);
  s.set("nr_mem_id", conf.memId ?? 0);
}

function simple(op: string, type: string, name: string, body: Struct | null): void {
  withHandle(op, name, (fd) => runRequest(fd, { op, type, name, body }));
}

function stripPrefix(name: string): string {
  return name.startsWith("netmap:") ? name.slice("netmap:".length) : name;
}

/**
 * Attaches an interface or persistent port to a VALE switch ("vale0:eth0").
 *
 * @returns The port index in the switch.
 *
 * @example
 * ```ts ignore
 * import { valeAttach, valeDetach } from "../mod.ts";
 * const { portIndex } = valeAttach("vale0:p0");
 * valeDetach("vale0:p0");
 * ```
 */
export function valeAttach(name: string, options: ValeAttachOptions = {}): { portIndex: number } {
  const body = Struct.alloc("nmreq_vale_attach");
  const reg = body.sub("reg", "nmreq_register");
  reg.set("nr_mode", layout().constant(options.hostRings ? "NR_REG_NIC_SW" : "NR_REG_ALL_NIC"));
  const conf = options.conf ?? {};
  fillConf(reg, conf, name);
  simple("vale attach", "NETMAP_REQ_VALE_ATTACH", name, body);
  return { portIndex: body.get("port_index") };
}

/**
 * Detaches an interface or persistent port from its VALE switch.
 *
 * @example
 * ```ts ignore
 * import { valeDetach } from "../mod.ts";
 * valeDetach("vale0:p0");
 * ```
 */
export function valeDetach(name: string): { portIndex: number } {
  const body = Struct.alloc("nmreq_vale_detach");
  simple("vale detach", "NETMAP_REQ_VALE_DETACH", name, body);
  return { portIndex: body.get("port_index") };
}

/**
 * Lists VALE ports: all of them, or (with a name "valeX:p") that one — an
 * empty list when the switch exists but has no such port.
 *
 * @example
 * ```ts ignore
 * import { valeList } from "../mod.ts";
 * for (const p of valeList()) console.log(p.name, p.bridgeIdx, p.portIdx);
 * ```
 */
export function valeList(name?: string): ValeListEntry[] {
  return withHandle("vale list", name ?? "", (fd) => {
    if (name !== undefined) {
      const body = Struct.alloc("nmreq_vale_list");
      runRequest(fd, { op: "vale list", type: "NETMAP_REQ_VALE_LIST", name, body });
      const portIdx = body.get("nr_port_idx");
      if (portIdx === layout().constant("NM_BDG_NOPORT")) return [];
      return [{ name, bridgeIdx: body.get("nr_bridge_idx"), portIdx }];
    }
    const out: ValeListEntry[] = [];
    const body = Struct.alloc("nmreq_vale_list");
    while (out.length < MAX_LIST) {
      let hdr: Struct;
      try {
        hdr = runRequest(fd, { op: "vale list", type: "NETMAP_REQ_VALE_LIST", name: "", body });
      } catch (e) {
        if (e instanceof NetmapError && e.errno === ERRNO.ENOENT) break;
        throw e;
      }
      const portIdx = body.get("nr_port_idx");
      out.push({ name: hdr.getString("nr_name"), bridgeIdx: body.get("nr_bridge_idx"), portIdx });
      body.set("nr_port_idx", portIdx + 1);
    }
    return out;
  });
}

/**
 * Creates a persistent VALE port (an interface named `name`, not "vale...").
 *
 * @returns What netmap gave the port.
 *
 * @example
 * ```ts ignore
 * import { valeDelIf, valeNewIf } from "../mod.ts";
 * valeNewIf("nms0", { slots: 512 });
 * valeDelIf("nms0");
 * ```
 */
export function valeNewIf(
  name: string,
  conf: ValeConf = {},
): Required<Omit<ValeConf, "slots" | "rings">> {
  const body = Struct.alloc("nmreq_vale_newif");
  fillConf(body, conf, name);
  simple("vale newif", "NETMAP_REQ_VALE_NEWIF", name, body);
  return {
    txSlots: body.get("nr_tx_slots"),
    rxSlots: body.get("nr_rx_slots"),
    txRings: body.get("nr_tx_rings"),
    rxRings: body.get("nr_rx_rings"),
    memId: body.get("nr_mem_id"),
  };
}

/**
 * Deletes a persistent VALE port.
 *
 * @example
 * ```ts ignore
 * import { valeDelIf } from "../mod.ts";
 * valeDelIf("nms0");
 * ```
 */
export function valeDelIf(name: string): void {
  simple("vale delif", "NETMAP_REQ_VALE_DELIF", name, null);
}

function pollingBody(name: string, options: PollingOptions): Struct {
  const l = layout();
  const body = Struct.alloc("nmreq_vale_polling");
  const mode = options.mode ?? "single-cpu";
  if (mode !== "single-cpu" && mode !== "multi-cpu") {
    throw invalidArgument("vale polling", name, `mode must be "single-cpu" or "multi-cpu"`);
  }
  body.set(
    "nr_mode",
    l.constant(
      mode === "multi-cpu" ? "NETMAP_POLLING_MODE_MULTI_CPU" : "NETMAP_POLLING_MODE_SINGLE_CPU",
    ),
  );
  body.set("nr_first_cpu_id", options.firstCpu ?? 0);
  body.set("nr_num_polling_cpus", options.numCpus ?? 0);
  return body;
}

/**
 * Starts kernel polling threads for a port attached to a switch.
 *
 * @example
 * ```ts ignore
 * import { valePollingEnable } from "../mod.ts";
 * valePollingEnable("vale0:eth0", { mode: "single-cpu", firstCpu: 0 });
 * ```
 */
export function valePollingEnable(name: string, options: PollingOptions = {}): void {
  simple("vale polling enable", "NETMAP_REQ_VALE_POLLING_ENABLE", name, pollingBody(name, options));
}

/**
 * Stops the polling threads of a port.
 *
 * @example
 * ```ts ignore
 * import { valePollingDisable } from "../mod.ts";
 * valePollingDisable("vale0:eth0");
 * ```
 */
export function valePollingDisable(name: string, options: PollingOptions = {}): void {
  simple(
    "vale polling disable",
    "NETMAP_REQ_VALE_POLLING_DISABLE",
    name,
    pollingBody(name, options),
  );
}

/**
 * Rings, slots and memory of a port, without registering it.
 *
 * @example
 * ```ts ignore
 * import { portInfo } from "../mod.ts";
 * console.log(portInfo("vale0:a").memId);
 * ```
 */
export function portInfo(name: string): PortInfoGet {
  const body = Struct.alloc("nmreq_port_info_get");
  simple("port info", "NETMAP_REQ_PORT_INFO_GET", stripPrefix(name), body);
  return {
    memsize: body.get("nr_memsize"),
    txSlots: body.get("nr_tx_slots"),
    rxSlots: body.get("nr_rx_slots"),
    txRings: body.get("nr_tx_rings"),
    rxRings: body.get("nr_rx_rings"),
    hostTxRings: body.get("nr_host_tx_rings"),
    hostRxRings: body.get("nr_host_rx_rings"),
    memId: body.get("nr_mem_id"),
  };
}

/**
 * The memory region (pools) of a port.
 *
 * @example
 * ```ts ignore
 * import { poolsInfo } from "../mod.ts";
 * console.log(poolsInfo("vale0:a").buf.size); // 2048
 * ```
 */
export function poolsInfo(name: string): PoolsInfo {
  const b = Struct.alloc("nmreq_pools_info");
  simple("pools info", "NETMAP_REQ_POOLS_INFO_GET", stripPrefix(name), b);
  const pool = (p: string): PoolInfo => ({
    offset: b.get(`nr_${p}_pool_offset`),
    total: b.get(`nr_${p}_pool_objtotal`),
    size: b.get(`nr_${p}_pool_objsize`),
  });
  return {
    memsize: b.get("nr_memsize"),
    memId: b.get("nr_mem_id"),
    if: pool("if"),
    ring: pool("ring"),
    buf: pool("buf"),
  };
}

/**
 * The virtio-net header length of a VALE port.
 *
 * @example
 * ```ts ignore
 * import { portHeaderGet } from "../mod.ts";
 * console.log(portHeaderGet("vale0:a")); // 0
 * ```
 */
export function portHeaderGet(name: string): number {
  const body = Struct.alloc("nmreq_port_hdr");
  simple("port header get", "NETMAP_REQ_PORT_HDR_GET", name, body);
  return body.get("nr_hdr_len");
}

/**
 * Sets the virtio-net header length of a VALE port (0, 10 or 12).
 *
 * @example
 * ```ts ignore
 * import { portHeaderSet } from "../mod.ts";
 * portHeaderSet("vale0:a", 12);
 * ```
 */
export function portHeaderSet(name: string, length: number): void {
  const body = Struct.alloc("nmreq_port_hdr");
  body.set("nr_hdr_len", length);
  simple("port header set", "NETMAP_REQ_PORT_HDR_SET", name, body);
}
