/**
 * vale-vlan-ctl: control of the VLAN-aware VALE module, same options, list
 * lines and exit codes as the prototype's tool (see `vale-vlan-ctl --help`).
 * The whole line is checked first (src/cli/vale_vlan_ctl_args.ts), then the
 * steps run left to right on one handle of the VLAN device.
 *
 * @example
 * ```sh
 * deno run -P=tools scripts/vale-vlan-ctl.ts -n c1 -t v0 -a p1=10
 * deno run -P=tools scripts/vale-vlan-ctl.ts -s c1 -l
 * ```
 *
 * @module
 */

import { NetmapError, VlanControl, type VlanRecord } from "../mod.ts";
import { errorLine, runTool } from "../src/cli/main.ts";
import { writeAll } from "../src/cli/outcome.ts";
import { strerror } from "../src/cli/strerror.ts";
import {
  formatVlanListLine,
  parseValeVlanCtlArgs,
  VALE_VLAN_CTL,
  VALE_VLAN_CTL_USAGE,
  type ValeVlanCtlPlan,
  type VlanStep,
} from "../src/cli/vale_vlan_ctl_args.ts";

/** The option that made a step, as it was written ("-a p1=10"), for messages. */
function optionOf(step: VlanStep): string {
  switch (step.op) {
    case "create-conf":
      return `-n ${step.conf}`;
    case "delete-conf":
      return `-r ${step.conf}`;
    case "select-conf":
      return `-s ${step.conf}`;
    case "attach-trunk":
      return `${step.create ? "-p" : "-t"} ${step.port}`;
    case "detach-trunk":
      return step.destroy ? "-P" : "-T";
    case "attach-access":
      return `${step.create ? "-c" : "-a"} ${step.port}=${step.vid}`;
    case "detach-access":
      return `${step.destroy ? "-C" : "-A"} ${step.port}`;
    default:
      return `-${step.op[0]}`;
  }
}

/** The record a port step writes for the selected configuration. */
function recordOf(step: VlanStep, conf: string): VlanRecord | undefined {
  switch (step.op) {
    case "attach-trunk":
      return { action: step.create ? "create-trunk" : "attach-trunk", conf, port: step.port };
    case "detach-trunk":
      return { action: step.destroy ? "destroy-trunk" : "detach-trunk", conf, port: "" };
    case "attach-access":
      return {
        action: step.create ? "create-access" : "attach-access",
        conf,
        port: step.port,
        vid: step.vid,
      };
    case "detach-access":
      return { action: step.destroy ? "destroy-access" : "detach-access", conf, port: step.port };
    default:
      return undefined;
  }
}

/** "vale-vlan-ctl: -a p1=10: Device or resource busy (EBUSY) — why" on stderr. */
function failed(opt: string, e: unknown): number {
  if (!(e instanceof NetmapError)) throw e;
  const why = e.detail ? ` — ${e.detail}` : "";
  const what = e.errno ? `${strerror(e.errno)} (${e.code})` : errorLine(e);
  writeAll(Deno.stderr, `${VALE_VLAN_CTL}: ${opt ? opt + ": " : ""}${what}${why}\n`);
  return 1;
}

/** Runs one step on the handle; returns the configuration selected after it. */
function runStep(ctl: VlanControl, step: VlanStep, conf: string): string {
  switch (step.op) {
    case "create-conf":
      ctl.write([{ action: "create-conf", conf: step.conf }]);
      return step.conf;
    case "delete-conf":
      ctl.write([{ action: "delete-conf", conf: step.conf }]);
      return conf === step.conf ? "" : conf;
    case "select-conf":
      if (!ctl.list(step.conf).some((c) => c.name === step.conf)) {
        throw new NetmapError({
          op: "select",
          port: step.conf,
          errno: 6,
          detail: `no configuration '${step.conf}' (create it with -n)`,
        });
      }
      return step.conf;
    case "list":
      for (const c of conf ? ctl.list(conf) : []) {
        for (const p of c.ports) {
          writeAll(
            Deno.stdout,
            formatVlanListLine({ bridge: p.bridge, port: p.port, type: p.role, vid: p.vid }) +
              "\n",
          );
        }
      }
      if (!conf) throw noSelection();
      return conf;
    default: {
      const rec = recordOf(step, conf);
      if (rec === undefined) return conf;
      if (!conf) throw noSelection();
      ctl.write([rec]);
      return conf;
    }
  }
}

function noSelection(): NetmapError {
  return new NetmapError({
    op: "select",
    errno: 22,
    detail: "no configuration selected: give -n CONF or -s CONF before this option",
  });
}

function run(plan: ValeVlanCtlPlan): number {
  const work = plan.steps.filter((s) => s.op !== "help");
  if (work.length === 0) {
    writeAll(Deno.stdout, VALE_VLAN_CTL_USAGE);
    return 0;
  }
  let ctl: VlanControl;
  try {
    ctl = VlanControl.open();
  } catch (e) {
    return failed("", e);
  }
  try {
    let conf = "";
    for (const step of work) {
      try {
        conf = runStep(ctl, step, conf);
      } catch (e) {
        return failed(optionOf(step), e);
      }
    }
    return 0;
  } finally {
    ctl.close();
  }
}

if (import.meta.main) {
  await runTool(VALE_VLAN_CTL, Deno.args, parseValeVlanCtlArgs, run, 1);
}
