/**
 * nmscript: open netmap ports from `deno run` scripts and work on their rings
 * zero-copy, on kernel netmap or on uvale (nmscript's userspace netmap).
 *
 * @example Send one frame from vale0:a to vale0:b
 * ```ts ignore
 * import { openPort } from "./mod.ts";
 *
 * using a = openPort("vale0:a");
 * using b = openPort("vale0:b");
 * const tx = a.txRings[0];
 * if (tx.reserve(1) === 1) {
 *   tx.write(tx.slot(0), new Uint8Array(60).fill(0xff)); // broadcast frame
 *   tx.submit(1);
 *   a.txsync();
 * }
 * if (await b.ready("rx", { timeoutMs: 1000 })) {
 *   const rx = b.rxRings[0];
 *   const n = rx.peek(1);
 *   console.log(n, "frame of", rx.len(rx.slot(0)), "bytes");
 *   rx.release(n);
 * }
 * ```
 *
 * Run with a permission set from deno.json: `deno run -P=script my_script.ts`.
 *
 * This module exports the public API only. Building blocks that scripts of this
 * repository also use (the request builder, checksum folding, error helpers...)
 * stay importable from their `src/` paths, without a stability promise.
 *
 * @module
 */

export { ERRNO, errnoName, errnoValue, NetmapError, type NetmapErrorInit } from "./src/errors.ts";
export {
  backendName,
  cacheDir,
  libraryPath,
  type LibrarySearch,
  librarySearch,
  uvaleStart,
  uvaleStatus,
  uvaleStop,
  VERSION,
} from "./src/ffi.ts";
export {
  type FieldLayout,
  Layout,
  layout,
  type LayoutTable,
  type StructLayout,
} from "./src/layout.ts";
export { type OffsetsOptions } from "./src/offsets.ts";
export { Ring, type RingView } from "./src/ring.ts";
export {
  type FromFdOptions,
  openPort,
  Port,
  type PortConf,
  type PortInfo,
  type PortOptions,
  type ReadyOptions,
} from "./src/port.ts";
export {
  type PollingOptions,
  type PoolInfo,
  type PoolsInfo,
  poolsInfo,
  portHeaderGet,
  portHeaderSet,
  portInfo,
  type PortInfoGet,
  valeAttach,
  type ValeAttachOptions,
  type ValeConf,
  valeDelIf,
  valeDetach,
  valeList,
  type ValeListEntry,
  valeNewIf,
  valePollingDisable,
  valePollingEnable,
} from "./src/vale.ts";
export {
  createVlanConf,
  listVlanConfs,
  openVlanConf,
  vlan,
  type VlanAction,
  VlanConf,
  type VlanConfInfo,
  type VlanConfOptions,
  VlanControl,
  type VlanDeleteOptions,
  VlanError,
  type VlanPort,
  vlanReasonName,
  vlanReasonText,
  type VlanRecord,
  type VlanStatus,
} from "./src/vlan.ts";
export {
  closeFd,
  type Received,
  type RecvOptions,
  SeqpacketListener,
  SeqpacketSocket,
  type TimeoutOptions,
} from "./src/fdpass.ts";
export {
  type FdGrant,
  fdServer,
  FdServerClient,
  type FdServerOptions,
  type RunningFdServer,
  startFdServer,
  type StartFdServerOptions,
} from "./src/fd_server_client.ts";
export {
  type ConfSpec,
  type ExtmemSpec,
  formatPortName,
  type OffsetSpec,
  parsePortName,
  type PortNameConstants,
  PortNameError,
  type PortNameParseOptions,
  type PortSpec,
  type PortSpecOptions,
} from "./src/port_name.ts";
export {
  formatIpv4,
  formatIpv6,
  formatMac,
  type Ipv4Input,
  type Ipv6Input,
  type MacInput,
  parseIpv4,
  parseIpv6,
  parseMac,
} from "./src/frames/address.ts";
export { internetChecksum, pseudoHeaderSum } from "./src/frames/checksum.ts";
export {
  ARP_OP,
  ETHERTYPE,
  HEADER_SIZE,
  ICMP_TYPE,
  IPPROTO,
  MAX_FRAME_SIZE,
  TCP_FLAG,
} from "./src/frames/constants.ts";
export {
  type ArpOptions,
  eth,
  ETH_MIN_FRAME,
  type EthOptions,
  FrameBuilder,
  type IcmpOptions,
  type Ipv4Options,
  type Ipv6Options,
  type PayloadInput,
  type TcpOptions,
  type UdpOptions,
  type VlanOptions,
  type VlanTag,
} from "./src/frames/builder.ts";
export {
  type ParsedArp,
  type ParsedEth,
  type ParsedFrame,
  type ParsedIcmp,
  type ParsedIpv4,
  type ParsedIpv6,
  type ParsedTcp,
  type ParsedUdp,
  type ParsedVlan,
  parseFrame,
} from "./src/frames/parser.ts";
export {
  assertFrameMatches,
  describeMismatch,
  type Difference,
  type Expected,
  FrameMismatchError,
  type FramePattern,
  type IcmpPattern,
  match,
  type MatchResult,
  type VlanPattern,
} from "./src/frames/matcher.ts";
export {
  decodePcap,
  encodePcap,
  LINKTYPE_ETHERNET,
  type PcapFile,
  type PcapPacket,
  PcapRecorder,
  type PcapWriteOptions,
  readPcapFile,
  writePcapFile,
} from "./src/frames/pcap.ts";
export { LeakError, TestScope } from "./src/testing/scope.ts";
export {
  CommandError,
  type CommandResult,
  hasCommand,
  run,
  type RunOptions,
} from "./src/testing/command.ts";
export {
  linuxHas8021q,
  type Netns,
  netns,
  uniqueName,
  type VethOptions,
  type VethPair,
  vethPair,
  vlanSubinterface,
  type VlanSubinterfaceOptions,
} from "./src/testing/netlink.ts";
export {
  expect,
  ExpectError,
  expectNothing,
  type ExpectNothingOptions,
  type ExpectOptions,
  type FrameInput,
  send,
  type SendOptions,
  type SendResult,
} from "./src/testing/io.ts";
export {
  type FixtureOptions,
  monitor,
  type MonitorKind,
  openScoped,
  PersistentPort,
  persistentPort,
  type PersistentPortOptions,
  Pipe,
  pipe,
  type PipeOptions,
  skipUnlessSupported,
  ValeSwitch,
  valeSwitch,
  vlanConf,
} from "./src/testing/fixtures.ts";
export {
  EXIT,
  listNetmapTests,
  netmapTest,
  type NetmapTestContext,
  type NetmapTestInfo,
  runNetmapSuite,
  type RunSuiteOptions,
  SkipError,
  SUITE_IN_PROCESS_ENV,
  type SuiteSummary,
  TEST_SLOTS_DEFAULT,
  TEST_SLOTS_ENV,
  testPortConf,
  XfailError,
  type XfailOptions,
} from "./src/testing/suite.ts";
export { artifactDir, ARTIFACTS_ENV } from "./src/testing/artifacts.ts";
export { type Assert, assert, AssertionError, type ErrorCheck } from "./src/testing/assert.ts";
export { checkPattern } from "./src/frames/pattern_check.ts";
export { Alarm, MAX_TIMER_MS, sleep, TIMED_OUT, within } from "./src/timer.ts";
