/**
 * The frames pkt-gen sends: one UDP template built by src/frames (or the
 * packets of a `-P` pcap file), with an 802.1Q tag after the MACs (`--vlan`)
 * and `-H` bytes of zeroed virtio-net header in front, and the address walk
 * that rewrites the template per packet when -s/-d give ranges or -z/-Z are on.
 *
 * @module
 */

import { eth, readPcapFile } from "../frames/mod.ts";
import { AddressWalk, variesAddresses } from "./pkt_gen_addr.ts";
import type { PktGenPlan } from "./pkt_gen_args.ts";

/** `frame` with an 802.1Q tag (TPID 0x8100, PCP 0, VID `vid`) after its MACs. */
function withVlanTag(frame: Uint8Array, vid: number): Uint8Array {
  if (frame.length < 12) return frame;
  const out = new Uint8Array(frame.length + 4);
  out.set(frame.subarray(0, 12));
  out.set([0x81, 0x00, (vid >> 8) & 0x0f, vid & 0xff], 12);
  out.set(frame.subarray(12), 16);
  return out;
}

/** `frame` after `n` zero bytes (a virtio-net header with no offloads). */
function withVirtHeader(frame: Uint8Array, n: number): Uint8Array {
  if (n === 0) return frame;
  const out = new Uint8Array(frame.length + n);
  out.set(frame, n);
  return out;
}

/**
 * The frames pkt-gen sends: one template, or the packets of the -P pcap file;
 * tagged with --vlan and prefixed with the -H virtio-net header.
 *
 * @example
 * ```ts ignore
 * const [frame] = await pktGenFrames(plan);
 * ```
 */
export async function pktGenFrames(plan: PktGenPlan): Promise<Uint8Array[]> {
  const frames = await untaggedFrames(plan);
  const vid = plan.vlan;
  return frames.map((f) =>
    withVirtHeader(vid === undefined ? f : withVlanTag(f, vid), plan.virtHeader)
  );
}

async function untaggedFrames(plan: PktGenPlan): Promise<Uint8Array[]> {
  if (plan.pcapFile !== undefined) {
    const file = await readPcapFile(plan.pcapFile);
    if (file.packets.length === 0) throw new Error(`-P ${plan.pcapFile}: no packets in the file`);
    return file.packets.map((p) => p.data);
  }
  const base = eth({ src: plan.srcMac ?? "00:00:00:00:00:00", dst: plan.dstMac });
  const l3 = plan.af === 4
    ? base.ipv4({ src: plan.src.start, dst: plan.dst.start })
    : base.ipv6({ src: plan.src.start, dst: plan.dst.start });
  const udp = l3.udp({ srcPort: plan.src.port0, dstPort: plan.dst.port0 });
  const headers = udp.size();
  const full = plan.pktSize > headers
    ? udp.payload({ length: plan.pktSize - headers, fill: "x" }).build()
    : udp.build();
  const frame = new Uint8Array(plan.pktSize);
  frame.set(full.subarray(0, plan.pktSize));
  return [frame];
}

/**
 * The per-packet address walk of `plan` for its template, or undefined when
 * every packet is the same (no range, no -z/-Z, or a pcap file, whose frames
 * are sent as they are), or when the template is too short to hold the
 * IP and UDP headers.
 *
 * @example
 * ```ts ignore
 * const walk = addressWalk(plan, frames[0].length);
 * walk?.next(frames[0]);
 * ```
 */
export function addressWalk(plan: PktGenPlan, frameLength: number): AddressWalk | undefined {
  if (plan.pcapFile !== undefined || !variesAddresses(plan)) return undefined;
  const l3 = plan.virtHeader + 14 + (plan.vlan === undefined ? 0 : 4);
  if (frameLength < l3 + (plan.af === 4 ? 28 : 48)) return undefined;
  return new AddressWalk(plan, l3);
}
