/**
 * vale-ctl: netmap's VALE switch control tool, same options, output lines and
 * exit codes (see `vale-ctl --help`). Parsing lives in src/cli/vale_ctl_args.ts.
 *
 * @example
 * ```sh
 * deno run -P=tools scripts/vale-ctl.ts -n v0 -C 1024,1024,2
 * deno run -P=tools scripts/vale-ctl.ts -a vale0:v0
 * deno run -P=tools scripts/vale-ctl.ts        # lists every port, exits 1 (as the C tool)
 * ```
 *
 * @module
 */

import * as nm from "../mod.ts";
import { codeOf, errnoOf, hintOf, runTool } from "../src/cli/main.ts";
import { writeAll } from "../src/cli/outcome.ts";
import { strerror } from "../src/cli/strerror.ts";
import {
  FAILURE_VERBS,
  formatListAllLine,
  formatListOne,
  formatNewIf,
  formatPortInfo,
  parseValeCtlArgs,
  POLLING_MODE_MULTI_CPU,
  VALE_CTL,
  type ValeCtlPlan,
} from "../src/cli/vale_ctl_args.ts";

const out = (s: string): void => writeAll(Deno.stdout, s);
const err = (s: string): void => writeAll(Deno.stderr, s);

/** Prints the C tool's failure line, then our errno name and hint; returns 1. */
function failed(plan: ValeCtlPlan, e: unknown): number {
  const errno = errnoOf(e);
  if (errno === 0) throw e;
  const what = plan.action === "list-all"
    ? "list all"
    : `${FAILURE_VERBS[plan.action]} ${plan.name}`;
  err(`failed to ${what}: ${strerror(errno)}\n`);
  const code = codeOf(e);
  const hint = hintOf(e);
  err(`${VALE_CTL}: ${code}${hint ? `: ${hint}` : ""}\n`);
  return 1;
}

function run(plan: ValeCtlPlan): number {
  let memId = 0;
  if (typeof plan.memId === "number") memId = plan.memId;
  else {
    try {
      memId = nm.portInfo(plan.memId.port).memId;
    } catch {
      err(`invalid format in '-m ${plan.memId.port}' (missing 'netmap:'?)\n`);
      return 1;
    }
  }
  const rc = plan.ringConfig;
  const conf = {
    txSlots: rc.txSlots,
    rxSlots: rc.rxSlots,
    txRings: rc.txRings,
    rxRings: rc.rxRings,
    memId,
  };
  try {
    switch (plan.action) {
      case "list-all":
        for (const p of nm.valeList()) {
          out(formatListAllLine(p.name, p.bridgeIdx, p.portIdx) + "\n");
        }
        // The C tool exits 1 after listing everything; scripts rely on it.
        return 1;
      case "list": {
        const found = nm.valeList(plan.name);
        // TODO(lead): valeList(name) drops bridge_idx when the port is missing
        // (port_idx 255); the C tool prints both. 0 is printed until it returns it.
        if (found.length === 0) out(formatListOne(0, 255));
        else out(formatListOne(found[0].bridgeIdx, found[0].portIdx));
        return 0;
      }
      case "info":
        out(formatPortInfo(nm.portInfo(plan.name)));
        return 0;
      case "attach": {
        const r = nm.valeAttach(plan.name, { hostRings: plan.hostRings, conf });
        if (plan.verbose) out(`port_index: ${r.portIndex}\n`);
        return 0;
      }
      case "detach": {
        const r = nm.valeDetach(plan.name);
        if (plan.verbose) out(`port_index: ${r.portIndex}\n`);
        return 0;
      }
      case "newif": {
        const r = nm.valeNewIf(plan.name, conf);
        if (plan.verbose) out(formatNewIf(r));
        return 0;
      }
      case "delif":
        nm.valeDelIf(plan.name);
        return 0;
      case "polling-enable":
      case "polling-disable": {
        const p = plan.polling;
        const options = p === undefined ? {} : {
          mode: p.mode === POLLING_MODE_MULTI_CPU ? "multi-cpu" as const : "single-cpu" as const,
          firstCpu: p.firstCpu,
          numCpus: p.numCpus,
        };
        if (plan.action === "polling-enable") nm.valePollingEnable(plan.name, options);
        else nm.valePollingDisable(plan.name, options);
        return 0;
      }
    }
  } catch (e) {
    return failed(plan, e);
  }
}

if (import.meta.main) {
  await runTool(VALE_CTL, Deno.args, parseValeCtlArgs, run, 1);
}
