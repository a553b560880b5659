/**
 * Frames: one builder, parser, matcher and pcap writer, plus the model frame
 * of netmap's `functional` tool. Pure TypeScript, no FFI.
 *
 * @example
 * ```ts
 * import { eth, match, parseFrame } from "./mod.ts";
 * const frame = eth({ src: "02:00:00:00:00:01", dst: "02:00:00:00:00:02" })
 *   .vlan(10).ipv4({ src: "10.0.0.1", dst: "10.0.0.2" }).udp({ dstPort: 9 }).payload("hi").build();
 * console.log(parseFrame(frame).vlan[0].vid, match(frame, { udp: { dstPort: 9 } }).ok); // 10 true
 * ```
 *
 * @module
 */
export * from "./address.ts";
export * from "./checksum.ts";
export * from "./constants.ts";
export * from "./builder.ts";
export * from "./parser.ts";
export * from "./matcher.ts";
export * from "./pattern_check.ts";
export * from "./functional_model.ts";
export * from "./pcap.ts";
