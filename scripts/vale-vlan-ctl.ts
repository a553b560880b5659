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

import { runTool } from "../src/cli/main.ts";
import { writeAll } from "../src/cli/outcome.ts";
import {
  parseValeVlanCtlArgs,
  VALE_VLAN_CTL,
  VALE_VLAN_CTL_USAGE,
  type ValeVlanCtlPlan,
} from "../src/cli/vale_vlan_ctl_args.ts";

function run(plan: ValeVlanCtlPlan): number {
  const work = plan.steps.filter((s) => s.op !== "help");
  if (work.length > 0) {
    // TODO(lead): run the steps through the VLAN control API (src/vlan.ts, not
    // in mod.ts yet): open the device once, then per step create/delete/select
    // conf (ioctl) or write one record; `list` prints formatVlanListLine() per
    // record read. Each failure: "vale-vlan-ctl: -X ARG: <strerror> (ENAME)", exit 1.
    writeAll(
      Deno.stderr,
      `${VALE_VLAN_CTL}: the VLAN control API is not available yet in this build ` +
        `(src/vlan.ts); nothing was changed\n`,
    );
    return 1;
  }
  writeAll(Deno.stdout, VALE_VLAN_CTL_USAGE);
  return 0;
}

if (import.meta.main) {
  await runTool(VALE_VLAN_CTL, Deno.args, parseValeVlanCtlArgs, run, 1);
}
