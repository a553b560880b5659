/**
 * How pkt-gen opens netmap ports: the `-C` ring/slot configuration as open
 * options, and with `-p N` the binding of each thread. As netmap's pkt-gen,
 * thread i binds one ring pair: NIC ring i (`NAME-i`) for a name without
 * selector or with `-N`, and with `*` (NIC + host) the host rings after the
 * NIC rings (`NAME^j`); with `^` host ring i.
 *
 * @module
 */

import type { PortInfo, PortOptions } from "../port.ts";
import { formatPortName, parsePortName, PORT_NAME_CONSTANTS } from "../port_name.ts";
import type { PktGenPlan } from "./pkt_gen_args.ts";

/**
 * The open options of a pkt-gen run: `-C tx_slots[,rx_slots[,tx_rings[,rx_rings]]]`.
 *
 * @example
 * ```ts
 * import { parsePktGenArgs } from "./pkt_gen_args.ts";
 * import { pktGenPortOptions } from "./pkt_gen_ports.ts";
 * const o = parsePktGenArgs(["-i", "vale0:a", "-C", "256,,2"]);
 * if (o.kind === "run") console.log(pktGenPortOptions(o.plan).conf);
 * // { txSlots: 256, rxSlots: 256, txRings: 2, rxRings: 2 }
 * ```
 */
export function pktGenPortOptions(plan: PktGenPlan): PortOptions {
  if (plan.ringConfig === undefined) return {};
  const [a, b, c, d] = plan.ringConfig.split(",").map((v) => (v === "" ? 0 : Number(v)));
  const conf: NonNullable<PortOptions["conf"]> = {};
  if (a) conf.txSlots = conf.rxSlots = a;
  if (b) conf.rxSlots = b;
  if (c) conf.txRings = conf.rxRings = c;
  if (d) conf.rxRings = d;
  return { conf };
}

/**
 * The port name each of `threads` threads opens on `ifname`, given what the
 * first open reported (`info`) and whether the threads send or receive.
 * Throws an Error with a one-line message when the port has fewer rings.
 *
 * @example
 * ```ts
 * import { threadPortNames } from "./pkt_gen_ports.ts";
 * const info = { txRings: 2, rxRings: 2, hostTxRings: 0, hostRxRings: 0 };
 * console.log(threadPortNames("vale0:a", 2, info, "tx")); // ["vale0:a-0", "vale0:a-1"]
 * ```
 */
export function threadPortNames(
  ifname: string,
  threads: number,
  info: Pick<PortInfo, "txRings" | "rxRings" | "hostTxRings" | "hostRxRings">,
  dir: "tx" | "rx",
): string[] {
  const c = PORT_NAME_CONSTANTS;
  const spec = parsePortName(ifname);
  const nic = dir === "tx" ? info.txRings : info.rxRings;
  const host = dir === "tx" ? info.hostTxRings : info.hostRxRings;
  let kind: string;
  let rings: number;
  if (spec.mode === c.NR_REG_NIC_SW) {
    [kind, rings] = ["NIC and host", nic + host];
  } else if (spec.mode === c.NR_REG_SW || spec.mode === c.NR_REG_ONE_SW) {
    [kind, rings] = ["host", host];
  } else if (spec.mode === c.NR_REG_ALL_NIC || spec.mode === c.NR_REG_ONE_NIC) {
    [kind, rings] = ["NIC", nic];
  } else {
    throw new Error(`-p ${threads}: ${ifname} has no ring selector that threads can split`);
  }
  if (threads > rings) {
    throw new Error(
      `-p ${threads}: ${ifname} has ${rings} ${kind} ${dir} ring${rings === 1 ? "" : "s"}, ` +
        `one per thread is needed (use -p ${Math.max(1, rings)}, or make the port with more ` +
        `rings, e.g. -C 0,0,${threads} or @conf:rings=${threads})`,
    );
  }
  const names: string[] = [];
  for (let i = 0; i < threads; i++) {
    const hostRing = spec.mode === c.NR_REG_SW || spec.mode === c.NR_REG_ONE_SW ||
      (spec.mode === c.NR_REG_NIC_SW && i >= nic);
    const ringId = spec.mode === c.NR_REG_NIC_SW && hostRing ? i - nic : i;
    names.push(formatPortName({
      ...spec,
      mode: hostRing ? c.NR_REG_ONE_SW : c.NR_REG_ONE_NIC,
      ringId,
    }));
  }
  return names;
}
