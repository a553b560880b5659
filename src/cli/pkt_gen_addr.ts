/**
 * pkt-gen's per-packet address walk: after each packet, the UDP source port
 * steps through its range, then the source address, then the destination
 * port, then the destination address (an odometer, as netmap's pkt-gen
 * does); `-z`/`-Z` (OPT_RANDOM_SRC/DST) draw a random source/destination
 * address and port instead. The frame (built once by src/frames) is changed
 * in place and its IPv4 header and UDP checksums are updated incrementally
 * (RFC 1624), so a step costs a few byte stores. IPv6 ranges walk the last
 * 16-bit group of the address, as the C tool does by default.
 *
 * @module
 */

import { fold } from "../frames/checksum.ts";
import { parseIpv4, parseIpv6 } from "../frames/address.ts";
import { type IpRange, PKT_GEN_OPT, type PktGenPlan } from "./pkt_gen_args.ts";

/** One end of the walk (source or destination), as numbers. */
interface Side {
  /** Address word(s): IPv4 as a 32-bit number, IPv6 as its last 16-bit group. */
  addr0: number;
  addr1: number;
  port0: number;
  port1: number;
  random: boolean;
  /** Offset of the address word(s) that change in the frame, and of the UDP port. */
  addrAt: number;
  portAt: number;
}

/**
 * True when `plan` asks for per-packet addresses: a source or destination
 * range, or -z/-Z (also given as -o 512/1024).
 *
 * @example
 * ```ts
 * import { parsePktGenArgs } from "./pkt_gen_args.ts";
 * import { variesAddresses } from "./pkt_gen_addr.ts";
 * const o = parsePktGenArgs(["-i", "vale0:a", "-f", "tx", "-z"]);
 * if (o.kind === "run") console.log(variesAddresses(o.plan)); // true
 * ```
 */
export function variesAddresses(plan: PktGenPlan): boolean {
  const ranged = (r: IpRange): boolean => r.start !== r.end || r.port0 !== r.port1;
  return ranged(plan.src) || ranged(plan.dst) ||
    (plan.options & (PKT_GEN_OPT.RANDOM_SRC | PKT_GEN_OPT.RANDOM_DST)) !== 0;
}

/**
 * Steps the addresses and ports of a pkt-gen UDP frame, one packet at a time.
 *
 * @example
 * ```ts
 * import { parsePktGenArgs } from "./pkt_gen_args.ts";
 * import { AddressWalk } from "./pkt_gen_addr.ts";
 * import { eth } from "../frames/mod.ts";
 * const o = parsePktGenArgs(["-i", "vale0:a", "-f", "tx", "-s", "10.0.0.1:1-10.0.0.1:3"]);
 * if (o.kind === "run") {
 *   const frame = eth().ipv4({ src: "10.0.0.1", dst: "10.1.0.1" })
 *     .udp({ srcPort: 1, dstPort: 1234 }).payload({ length: 18 }).build();
 *   const walk = new AddressWalk(o.plan, 14);
 *   walk.next(frame);
 *   console.log((frame[34] << 8) | frame[35]); // 2
 * }
 * ```
 */
export class AddressWalk {
  readonly #v4: boolean;
  readonly #src: Side;
  readonly #dst: Side;
  readonly #ipSumAt: number;
  readonly #udpSumAt: number;

  /**
   * A walk over `plan`'s ranges for frames whose IP header starts at `l3`
   * (14, or more with a VLAN tag or a virtio-net header in front).
   *
   * @example
   * ```ts ignore
   * const walk = new AddressWalk(plan, 14);
   * ```
   */
  constructor(plan: PktGenPlan, l3: number) {
    this.#v4 = plan.af === 4;
    const udp = l3 + (this.#v4 ? 20 : 40);
    this.#ipSumAt = this.#v4 ? l3 + 10 : -1;
    this.#udpSumAt = udp + 6;
    const o = plan.options;
    this.#src = this.#side(plan.src, (o & PKT_GEN_OPT.RANDOM_SRC) !== 0, l3, udp, 0);
    this.#dst = this.#side(plan.dst, (o & PKT_GEN_OPT.RANDOM_DST) !== 0, l3, udp, 1);
  }

  #side(r: IpRange, random: boolean, l3: number, udp: number, which: 0 | 1): Side {
    const addrNum = (text: string): number => {
      if (this.#v4) {
        const b = parseIpv4(text);
        return ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
      }
      const b = parseIpv6(text);
      return (b[14] << 8) | b[15];
    };
    return {
      addr0: addrNum(r.start),
      addr1: addrNum(r.end),
      port0: r.port0,
      port1: r.port1,
      random,
      addrAt: this.#v4 ? l3 + 12 + 4 * which : l3 + 8 + 16 * which + 14,
      portAt: udp + 2 * which,
    };
  }

  /**
   * Moves `frame` to the next packet's addresses and ports, updating its
   * checksums.
   *
   * @example
   * ```ts ignore
   * walk.next(frame); // after sending frame
   * ```
   */
  next(frame: Uint8Array): void {
    let acc = 0; // one's-complement delta of the address words (IP header and UDP)
    let portAcc = 0; // delta of the port words (UDP only)
    for (const side of [this.#src, this.#dst]) {
      const oldPort = get16(frame, side.portAt);
      const oldAddr = this.#addr(frame, side.addrAt);
      let port = oldPort;
      let addr = oldAddr;
      let carry = true; // the walk goes on to the next side
      if (side.random) {
        port = Math.floor(Math.random() * 0x10000);
        addr = Math.floor(Math.random() * (this.#v4 ? 0x100000000 : 0x10000));
      } else if (oldPort < side.port1) {
        port = oldPort + 1;
        carry = false;
      } else {
        port = side.port0;
        if (oldAddr < side.addr1) {
          addr = oldAddr + 1;
          carry = false;
        } else addr = side.addr0;
      }
      if (port !== oldPort) {
        set16(frame, side.portAt, port);
        portAcc += (~oldPort & 0xffff) + port;
      }
      if (addr !== oldAddr) {
        acc += this.#setAddr(frame, side.addrAt, oldAddr, addr);
      }
      if (!carry) break;
    }
    if (this.#ipSumAt >= 0 && acc !== 0) adjust(frame, this.#ipSumAt, acc, false);
    if (acc + portAcc !== 0) adjust(frame, this.#udpSumAt, acc + portAcc, true);
  }

  #addr(frame: Uint8Array, at: number): number {
    return this.#v4 ? ((get16(frame, at) << 16) | get16(frame, at + 2)) >>> 0 : get16(frame, at);
  }

  /** Writes the address; returns its checksum delta. */
  #setAddr(frame: Uint8Array, at: number, old: number, addr: number): number {
    if (!this.#v4) {
      set16(frame, at, addr);
      return (~old & 0xffff) + addr;
    }
    const hi = addr >>> 16, lo = addr & 0xffff;
    set16(frame, at, hi);
    set16(frame, at + 2, lo);
    return (~(old >>> 16) & 0xffff) + hi + (~old & 0xffff) + lo;
  }
}

function get16(b: Uint8Array, at: number): number {
  return (b[at] << 8) | b[at + 1];
}

function set16(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 8;
  b[at + 1] = v & 0xff;
}

/**
 * Adds a one's-complement delta to the checksum at `at` (RFC 1624 eqn. 3).
 * A UDP checksum of 0 means "none" and stays 0; a computed 0 is sent as 0xffff.
 */
function adjust(frame: Uint8Array, at: number, delta: number, udp: boolean): void {
  const old = get16(frame, at);
  if (udp && old === 0) return;
  let sum = ~fold((~old & 0xffff) + fold(delta)) & 0xffff;
  if (udp && sum === 0) sum = 0xffff;
  set16(frame, at, sum);
}
