/**
 * Command line of `vale-vlan-ctl` (scripts/vale-vlan-ctl.ts), as the VLAN
 * prototype's apps/vale-vlan-ctl reads it (getopt string
 * `n:s:r:t:Tp:Pc:C:a:A:hl`): options are steps run left to right on one
 * handle of the VLAN device, so a `-s conf` selection holds for the steps
 * after it on the same line. Every failure exits 1.
 *
 * Unlike the C tool, the whole line is checked before the first step runs,
 * so a bad value late on the line changes nothing.
 *
 * @module
 */

import { getopt, splitLongOptions } from "./getopt.ts";
import { type CliOutcome, exitWith, lines, runWith } from "./outcome.ts";
import { OptionValueError } from "./numbers.ts";

/** The tool's name in messages. */
export const VALE_VLAN_CTL = "vale-vlan-ctl";
/** vale-vlan-ctl's getopt string. */
export const VALE_VLAN_CTL_OPTSTRING = "n:s:r:t:Tp:Pc:C:a:A:hl";
/** Longest configuration name (VV_CONF_NAME_MAX of kernel/vale_vlan_abi.h). */
export const MAX_CONF_NAME = 6;
/** Longest port name (VV_PORT_NAME_MAX of kernel/vale_vlan_abi.h). */
export const MAX_PORT_NAME = 15;
/** Largest VLAN id (4095 is reserved). */
export const MAX_VID = 4094;

/** One step of a vale-vlan-ctl line. */
export type VlanStep =
  | { op: "create-conf" | "delete-conf" | "select-conf"; conf: string }
  | { op: "attach-trunk"; port: string; create: boolean }
  | { op: "detach-trunk"; destroy: boolean }
  | { op: "attach-access"; port: string; vid: number; create: boolean }
  | { op: "detach-access"; port: string; destroy: boolean }
  | { op: "list" }
  | { op: "help" };

/** The typed plan: the steps in command-line order (a `help` step ends it). */
export interface ValeVlanCtlPlan {
  /** Steps, run in order on one device handle. */
  steps: VlanStep[];
}

/** vale-vlan-ctl's usage (our wording). */
export const VALE_VLAN_CTL_USAGE =
  `usage: vale-vlan-ctl OPTION...   (run left to right on one handle)
  -n CONF          create configuration CONF (at most ${MAX_CONF_NAME} characters) and select it
  -r CONF          delete configuration CONF
  -s CONF          select configuration CONF for the options after it
  -t IF            attach IF as the trunk port
  -p IF            create persistent VALE port IF and attach it as the trunk port
  -T               detach the trunk port
  -P               detach the trunk port and destroy it (made with -p)
  -a IF=VID        attach IF as an access port of VLAN VID (0..${MAX_VID})
  -c IF=VID        create persistent VALE port IF and attach it as an access port
  -A IF            detach access port IF
  -C IF            detach access port IF and destroy it (made with -c)
  -l               list the ports of the selected configuration
  -h               this help; --help adds the differences from the C tool
Example: vale-vlan-ctl -n c1 -t eth0 -a p1=10   then   vale-vlan-ctl -s c1 -l
Exit status: 0 success, 1 failure.
`;

/** What --help adds. */
export const VALE_VLAN_CTL_DIFFERENCES = `
Differences from the prototype's vale-vlan-ctl (same options, list lines, exit codes):
  - the whole line is checked before anything runs, so a bad value late on the line
    leaves the configuration untouched (the C tool applied the steps before it);
  - -h works without the VLAN device; errors name the option and the errno;
  - names follow our module (kernel/vale_vlan_abi.h): a configuration name has up to
    ${MAX_CONF_NAME} characters, [a-z][a-z0-9]* (the prototype allowed 5, any characters);
    a port name up to ${MAX_PORT_NAME} characters of [A-Za-z0-9_.-].
`;

function portName(opt: string, name: string): string {
  if (name === "") throw new OptionValueError(`${opt}: empty port name`);
  if (name.length > MAX_PORT_NAME) {
    throw new OptionValueError(
      `${opt}: port name '${name}' is too long (${name.length} characters, at most ${MAX_PORT_NAME})`,
    );
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw new OptionValueError(
      `${opt}: port name '${name}' may only contain letters, digits, '_', '.' and '-'`,
    );
  }
  return name;
}

function confName(opt: string, name: string): string {
  if (name === "") throw new OptionValueError(`${opt}: empty configuration name`);
  if (name.length > MAX_CONF_NAME) {
    throw new OptionValueError(
      `${opt}: configuration name '${name}' is too long (at most ${MAX_CONF_NAME} characters)`,
    );
  }
  if (!/^[a-z][a-z0-9]*$/.test(name)) {
    throw new OptionValueError(
      `${opt}: configuration name '${name}' must be a lower-case letter then letters or digits`,
    );
  }
  return name;
}

/**
 * Parses `IF=VID` of -a/-c.
 *
 * @example
 * ```ts
 * import { parsePortVid } from "./vale_vlan_ctl_args.ts";
 * console.log(parsePortVid("-a", "p1=10")); // { port: "p1", vid: 10 }
 * ```
 */
export function parsePortVid(opt: string, text: string): { port: string; vid: number } {
  const eq = text.indexOf("=");
  if (eq < 0) {
    throw new OptionValueError(
      `${opt}: missing VLAN id in '${text}' (expected IF=VID, e.g. p1=10)`,
    );
  }
  const port = portName(opt, text.slice(0, eq));
  const v = text.slice(eq + 1);
  if (!/^[0-9]+$/.test(v) || Number(v) > MAX_VID) {
    throw new OptionValueError(
      `${opt}: invalid VLAN id '${v}' in '${text}' (expected 0..${MAX_VID})`,
    );
  }
  return { port, vid: Number(v) };
}

/**
 * Parses vale-vlan-ctl's command line (without argv[0]).
 *
 * @example
 * ```ts
 * import { parseValeVlanCtlArgs } from "./vale_vlan_ctl_args.ts";
 * const o = parseValeVlanCtlArgs(["-s", "c1", "-a", "p1=10"]);
 * if (o.kind === "run") console.log(o.plan.steps.length); // 2
 * ```
 */
export function parseValeVlanCtlArgs(
  argv: readonly string[],
  options: { posixlyCorrect?: boolean } = {},
): CliOutcome<ValeVlanCtlPlan> {
  if (argv.length === 0) {
    return exitWith(1, {
      stderr: lines(
        `${VALE_VLAN_CTL}: nothing to do: give at least one option`,
        VALE_VLAN_CTL_USAGE,
      ),
    });
  }
  const long = splitLongOptions(argv, VALE_VLAN_CTL_OPTSTRING, ["help"]);
  if (long.unknown !== undefined) {
    return exitWith(1, {
      stdout: VALE_VLAN_CTL_USAGE,
      stderr: lines(`${VALE_VLAN_CTL}: unrecognized option '${long.unknown}'`),
    });
  }
  if (long.found.includes("help")) {
    return exitWith(0, { stdout: VALE_VLAN_CTL_USAGE + VALE_VLAN_CTL_DIFFERENCES });
  }
  const { items, operands } = getopt(long.rest, VALE_VLAN_CTL_OPTSTRING, {
    programName: VALE_VLAN_CTL,
    posixlyCorrect: options.posixlyCorrect,
  });
  const steps: VlanStep[] = [];
  try {
    for (const item of items) {
      if (item.kind === "error") {
        // As the C tool: the usage goes to stdout on a bad option.
        return exitWith(1, { stdout: VALE_VLAN_CTL_USAGE, stderr: lines(item.message) });
      }
      const arg = item.arg ?? "";
      const o = `-${item.name}`;
      switch (item.name) {
        case "n":
          steps.push({ op: "create-conf", conf: confName(o, arg) });
          break;
        case "r":
          steps.push({ op: "delete-conf", conf: confName(o, arg) });
          break;
        case "s":
          steps.push({ op: "select-conf", conf: confName(o, arg) });
          break;
        case "t":
        case "p":
          steps.push({ op: "attach-trunk", port: portName(o, arg), create: item.name === "p" });
          break;
        case "T":
        case "P":
          steps.push({ op: "detach-trunk", destroy: item.name === "P" });
          break;
        case "a":
        case "c":
          steps.push({ op: "attach-access", ...parsePortVid(o, arg), create: item.name === "c" });
          break;
        case "A":
        case "C":
          steps.push({ op: "detach-access", port: portName(o, arg), destroy: item.name === "C" });
          break;
        case "l":
          steps.push({ op: "list" });
          break;
        case "h":
          steps.push({ op: "help" });
          return runWith({ steps });
      }
    }
  } catch (e) {
    if (e instanceof OptionValueError) {
      return exitWith(1, { stderr: lines(`${VALE_VLAN_CTL}: ${e.message}`) });
    }
    throw e;
  }
  const warnings = operands.map((o) => `${VALE_VLAN_CTL}: ignoring extra argument '${o}'`);
  return runWith({ steps }, warnings);
}

/** One port of a `-l` listing. */
export interface VlanListEntry {
  /** The bridge name (with its trailing ':'), e.g. "valeC1:". */
  bridge: string;
  /** The port name. */
  port: string;
  /** Trunk or access port. */
  type: "trunk" | "access";
  /** VLAN id of an access port. */
  vid: number;
}

/**
 * One `-l` line: `<bridge><port>, type:trunk port` or `…, type:access port, vlan id:N`.
 *
 * @example
 * ```ts
 * import { formatVlanListLine } from "./vale_vlan_ctl_args.ts";
 * console.log(formatVlanListLine({ bridge: "vale1:", port: "p1", type: "access", vid: 10 }));
 * // "vale1:p1, type:access port, vlan id:10"
 * ```
 */
export function formatVlanListLine(e: VlanListEntry): string {
  return e.type === "trunk"
    ? `${e.bridge}${e.port}, type:trunk port`
    : `${e.bridge}${e.port}, type:access port, vlan id:${e.vid}`;
}
