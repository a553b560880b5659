/**
 * Command line and output lines of `vale-ctl` (scripts/vale-ctl.ts), as in
 * netmap's apps/vale-ctl (getopt string `d:a:h:g:l:n:r:C:p:P:m:v`): the last
 * action option wins, `-C`/`-m`/`-v` modify it, no argument at all lists
 * every port, and every error exits 1.
 *
 * @module
 */

import { getopt, splitLongOptions } from "./getopt.ts";
import { type CliOutcome, exitWith, lines, runWith } from "./outcome.ts";
import { OptionValueError, parseInteger } from "./numbers.ts";

/** The tool's name in messages. */
export const VALE_CTL = "vale-ctl";
/** vale-ctl's getopt string. */
export const VALE_CTL_OPTSTRING = "d:a:h:g:l:n:r:C:p:P:m:v";
/** Longest name the kernel takes (NETMAP_REQ_IFNAMSIZ - 1). */
export const MAX_NAME = 63;
/** NETMAP_POLLING_MODE_SINGLE_CPU. */
export const POLLING_MODE_SINGLE_CPU = 1;
/** NETMAP_POLLING_MODE_MULTI_CPU. */
export const POLLING_MODE_MULTI_CPU = 2;

/** What vale-ctl does. */
export type ValeCtlAction =
  | "list-all"
  | "list"
  | "info"
  | "attach"
  | "detach"
  | "newif"
  | "delif"
  | "polling-enable"
  | "polling-disable";

/** `-C tx_slots[,rx_slots[,tx_rings[,rx_rings]]]` for -n and -a/-h (0 = default). */
export interface RingConfig {
  /** TX slots per ring. */
  txSlots: number;
  /** RX slots per ring. */
  rxSlots: number;
  /** TX rings. */
  txRings: number;
  /** RX rings. */
  rxRings: number;
}

/** `-C x[,y[,z]]` for -p/-P. */
export interface PollingConfig {
  /** NETMAP_POLLING_MODE_* (x = 0: single CPU, else multi CPU). */
  mode: number;
  /** y: first CPU (multi) or CPU/ring id (single). */
  firstCpu: number;
  /** z: number of CPUs (multi only). */
  numCpus: number;
}

/** The typed plan of one vale-ctl run. */
export interface ValeCtlPlan {
  /** The request to issue. */
  action: ValeCtlAction;
  /** The port or interface name ("" for list-all). */
  name: string;
  /** -h: attach the host rings too (NR_REG_NIC_SW instead of NR_REG_ALL_NIC). */
  hostRings: boolean;
  /** -C for -n/-a/-h. */
  ringConfig: RingConfig;
  /** -C for -p/-P (undefined when not given). */
  polling?: PollingConfig;
  /** -m: a numeric memory id, or a port name whose memory id is to be used (0 = unset). */
  memId: number | { port: string };
  /** -v count. */
  verbose: number;
}

/** vale-ctl's usage (our wording), printed on stderr after an error. */
export const VALE_CTL_USAGE = `usage: vale-ctl [options]
  (no arguments)        list every VALE port: NAME bridge_idx B port_idx P
  -g NAME               print NAME's memory size, slots, rings and memory id
  -a valeX:IF           attach interface IF to switch valeX
  -h valeX:IF           attach IF together with its host-stack rings
  -d valeX:IF           detach IF from switch valeX
  -n NAME               create persistent port NAME (-C and -m apply)
  -r NAME               delete persistent port NAME
  -l valeX:PORT         print the bridge and port indices of valeX:PORT
  -p valeX:PORT         start polling; -C x[,y[,z]]: x 0 = one CPU, 1 = several CPUs;
                        y = CPU (or ring) id; z = number of CPUs (several CPUs only)
  -P valeX:PORT         stop polling
  -C tx_slots[,rx_slots[,tx_rings[,rx_rings]]]  ring/slot counts for -n, -a, -h
  -m MEMID|PORT         memory id (a number, or a port whose memory to share) for -n, -a
  -v                    more output (-a/-d: port index; -n: the port's layout)
  --help                this help with the differences from the C tool
The last of -g -a -h -d -n -r -l -p -P wins.
Exit status: 0 success, 1 failure. Listing every port exits 1 even on success (as the C tool).
`;

/** What --help adds. */
export const VALE_CTL_DIFFERENCES = `
Differences from netmap's vale-ctl (same options, output lines and exit codes):
  - "vale-ctl" with no arguments exits 1 after a successful listing, as the C tool
    does; scripts rely on it, so it is kept;
  - -C and -m values must be numbers (atoi(3) read "abc" as 0); names longer than 63
    characters are refused instead of being cut;
  - -p needs -C (the C tool warns and sends an invalid request); there is no -A.
`;

function usageError(message: string): CliOutcome<ValeCtlPlan> {
  return exitWith(1, { stderr: lines(message, VALE_CTL_USAGE) });
}

function shortError(message: string): CliOutcome<ValeCtlPlan> {
  return exitWith(1, { stderr: lines(`${VALE_CTL}: ${message}`) });
}

/**
 * Parses `-C tx_slots[,rx_slots[,tx_rings[,rx_rings]]]`; fields past the
 * fourth are reported in `ignored` (the C tool ignores them with a message).
 *
 * @example
 * ```ts
 * import { parseRingConfig } from "./vale_ctl_args.ts";
 * console.log(parseRingConfig("1024,512,2").config);
 * // { txSlots: 1024, rxSlots: 512, txRings: 2, rxRings: 2 }
 * ```
 */
export function parseRingConfig(text: string): { config: RingConfig; ignored: string[] } {
  const config: RingConfig = { txSlots: 0, rxSlots: 0, txRings: 0, rxRings: 0 };
  // strtok(3) semantics: empty fields ("1,,2") are skipped.
  const fields = text.split(",").filter((f) => f !== "");
  const slots = { min: 0, max: 0xffffffff, what: "a slot count" };
  const rings = { min: 0, max: 0xffff, what: "a ring count" };
  fields.forEach((f, i) => {
    switch (i) {
      case 0:
        config.txSlots = config.rxSlots = parseInteger("-C", f, slots);
        break;
      case 1:
        config.rxSlots = parseInteger("-C", f, slots);
        break;
      case 2:
        config.txRings = config.rxRings = parseInteger("-C", f, rings);
        break;
      case 3:
        config.rxRings = parseInteger("-C", f, rings);
        break;
    }
  });
  return { config, ignored: fields.slice(4) };
}

/**
 * Parses the polling `-C x[,y[,z]]`.
 *
 * @example
 * ```ts
 * import { parsePollingConfig } from "./vale_ctl_args.ts";
 * console.log(parsePollingConfig("1,0,2")); // { mode: 2, firstCpu: 0, numCpus: 2 }
 * ```
 */
export function parsePollingConfig(text: string): PollingConfig {
  const fields = text.split(",").filter((f) => f !== "");
  if (fields.length === 0) {
    throw new OptionValueError(`-C: empty polling configuration (expected x[,y[,z]])`);
  }
  const cfg: PollingConfig = { mode: 0, firstCpu: 0, numCpus: 0 };
  const x = parseInteger("-C", fields[0], { min: 0, what: "a polling mode (0 or 1)" });
  cfg.mode = x === 0 ? POLLING_MODE_SINGLE_CPU : POLLING_MODE_MULTI_CPU;
  if (fields.length > 1) {
    cfg.firstCpu = parseInteger("-C", fields[1], { min: 0, what: "a CPU or ring id" });
  }
  if (fields.length > 2) {
    if (cfg.mode !== POLLING_MODE_MULTI_CPU) {
      throw new OptionValueError(
        `-C: too many numbers in '${text}': a number of CPUs needs x = 1 (several CPUs)`,
      );
    }
    cfg.numCpus = parseInteger("-C", fields[2], { min: 0, what: "a number of CPUs" });
  }
  if (fields.length > 3) {
    throw new OptionValueError(`-C: too many numbers in '${text}' (expected x[,y[,z]])`);
  }
  return cfg;
}

function checkName(opt: string, name: string): void {
  if (name === "") throw new OptionValueError(`-${opt}: empty name`);
  if (name.length > MAX_NAME) {
    throw new OptionValueError(
      `-${opt}: name '${name}' is too long (${name.length} characters, at most ${MAX_NAME})`,
    );
  }
}

/**
 * Parses vale-ctl's command line (without argv[0]).
 *
 * @example
 * ```ts
 * import { parseValeCtlArgs } from "./vale_ctl_args.ts";
 * const o = parseValeCtlArgs(["-n", "v0", "-C", "1024"]);
 * if (o.kind === "run") console.log(o.plan.action, o.plan.ringConfig.txSlots); // newif 1024
 * ```
 */
export function parseValeCtlArgs(
  argv: readonly string[],
  options: { posixlyCorrect?: boolean } = {},
): CliOutcome<ValeCtlPlan> {
  const long = splitLongOptions(argv, VALE_CTL_OPTSTRING, ["help"]);
  if (long.unknown !== undefined) {
    return usageError(`${VALE_CTL}: unrecognized option '${long.unknown}'`);
  }
  if (long.found.includes("help")) {
    return exitWith(0, { stdout: VALE_CTL_USAGE + VALE_CTL_DIFFERENCES });
  }
  const plan: ValeCtlPlan = {
    action: "list-all",
    name: "",
    hostRings: false,
    ringConfig: { txSlots: 0, rxSlots: 0, txRings: 0, rxRings: 0 },
    memId: 0,
    verbose: 0,
  };
  if (argv.length === 0) return runWith(plan);
  const { items, operands } = getopt(long.rest, VALE_CTL_OPTSTRING, {
    programName: VALE_CTL,
    posixlyCorrect: options.posixlyCorrect,
  });
  let action: ValeCtlAction | undefined;
  let config: string | undefined;
  const warnings: string[] = [];
  for (const item of items) {
    if (item.kind === "error") return usageError(item.message);
    const arg = item.arg ?? "";
    try {
      switch (item.name) {
        case "d":
        case "a":
        case "h":
        case "g":
        case "l":
        case "n":
        case "r":
        case "p":
        case "P":
          checkName(item.name, arg);
          action = ({
            d: "detach",
            a: "attach",
            h: "attach",
            g: "info",
            l: "list",
            n: "newif",
            r: "delif",
            p: "polling-enable",
            P: "polling-disable",
          } as const)[item.name];
          plan.name = arg;
          if (item.name === "a") plan.hostRings = false;
          if (item.name === "h") plan.hostRings = true;
          if (item.name === "l" && !arg.startsWith("vale")) {
            return usageError(
              `${VALE_CTL}: -l: invalid vale port name '${arg}' (expected valeSWITCH:PORT)`,
            );
          }
          break;
        case "C":
          config = arg;
          break;
        case "m":
          if (/^[0-9]/.test(arg)) {
            plan.memId = parseInteger("-m", arg, { min: 0, max: 0xffff, what: "a memory id" });
          } else {
            checkName("m", arg);
            plan.memId = { port: arg };
          }
          break;
        case "v":
          plan.verbose++;
          break;
      }
    } catch (e) {
      if (e instanceof OptionValueError) return shortError(e.message);
      throw e;
    }
  }
  if (operands.length > 0) {
    return usageError(`${VALE_CTL}: unexpected argument '${operands[0]}'`);
  }
  if (action === undefined) {
    return usageError(`${VALE_CTL}: no action given (one of -g -a -h -d -n -r -l -p -P)`);
  }
  plan.action = action;
  try {
    if (action === "polling-enable" || action === "polling-disable") {
      if (config !== undefined) plan.polling = parsePollingConfig(config);
      else if (action === "polling-enable") {
        throw new OptionValueError(
          `-p needs -C x[,y[,z]]: x 0 = one CPU, 1 = several CPUs (e.g. -C 0,2)`,
        );
      }
    } else if (config !== undefined) {
      const { config: rc, ignored } = parseRingConfig(config);
      plan.ringConfig = rc;
      for (const f of ignored) warnings.push(`${VALE_CTL}: -C: ignored extra field '${f}'`);
    }
  } catch (e) {
    if (e instanceof OptionValueError) return shortError(e.message);
    throw e;
  }
  return runWith(plan, warnings);
}

/** The `failed to ACTION NAME: strerror` verb of each action, as the C tool words it. */
export const FAILURE_VERBS: Readonly<Record<ValeCtlAction, string>> = {
  "list-all": "list all",
  list: "list",
  info: "obtain info for",
  attach: "attach",
  detach: "detach",
  newif: "create",
  delif: "remove",
  "polling-enable": "enable polling on",
  "polling-disable": "disable polling on",
};

/**
 * One line of the full listing: `NAME bridge_idx B port_idx P`.
 *
 * @example
 * ```ts
 * import { formatListAllLine } from "./vale_ctl_args.ts";
 * console.log(formatListAllLine("vale0:a", 0, 1)); // "vale0:a bridge_idx 0 port_idx 1"
 * ```
 */
export function formatListAllLine(name: string, bridgeIdx: number, portIdx: number): string {
  return `${name} bridge_idx ${bridgeIdx} port_idx ${portIdx}`;
}

/**
 * The output of `-l`.
 *
 * @example
 * ```ts
 * import { formatListOne } from "./vale_ctl_args.ts";
 * console.log(formatListOne(0, 2)); // "bridge_idx: 0\nport_idx:   2\n"
 * ```
 */
export function formatListOne(bridgeIdx: number, portIdx: number): string {
  return `bridge_idx: ${bridgeIdx}\nport_idx:   ${portIdx}\n`;
}

/** The fields `-g` prints. */
export interface PortInfoFields {
  /** Memory size in bytes. */
  memsize: bigint | number;
  /** TX slots. */
  txSlots: number;
  /** RX slots. */
  rxSlots: number;
  /** TX rings. */
  txRings: number;
  /** RX rings. */
  rxRings: number;
  /** Memory id. */
  memId: number;
}

/**
 * The output of `-g` (with the C tool's missing colon after rx_rings).
 *
 * @example
 * ```ts
 * import { formatPortInfo } from "./vale_ctl_args.ts";
 * console.log(formatPortInfo({ memsize: 1n, txSlots: 1, rxSlots: 1, txRings: 1, rxRings: 1, memId: 1 }));
 * ```
 */
export function formatPortInfo(v: PortInfoFields): string {
  return `memsize:    ${v.memsize}\ntx_slots:   ${v.txSlots}\nrx_slots:   ${v.rxSlots}\n` +
    `tx_rings:   ${v.txRings}\nrx_rings    ${v.rxRings}\nmem_id:     ${v.memId}\n`;
}

/**
 * The output of `-n -v` (the C tool labels the RX ring count "rx_ring").
 *
 * @example
 * ```ts
 * import { formatNewIf } from "./vale_ctl_args.ts";
 * console.log(formatNewIf({ txSlots: 1024, rxSlots: 1024, txRings: 1, rxRings: 1, memId: 1 }));
 * ```
 */
export function formatNewIf(v: Omit<PortInfoFields, "memsize">): string {
  return `tx_slots:   ${v.txSlots}\nrx_slots:   ${v.rxSlots}\ntx_rings:   ${v.txRings}\n` +
    `rx_ring:    ${v.rxRings}\nmem_id:     ${v.memId}\n`;
}
