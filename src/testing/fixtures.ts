/**
 * netmap fixtures for tests: a VALE switch with a unique name, persistent
 * ports, pipes, monitors, and ports held open for the length of a test. Each
 * fixture is `Disposable` (use it with `using`, or pass `scope` so that the
 * test's {@linkcode TestScope} disposes it) and, after undoing what it
 * created, checks that the resource is really gone: a fixture that leaks
 * throws, so the test fails instead of poisoning the next one.
 *
 * Linux fixtures (network namespaces, veth pairs, VLAN subinterfaces) are in
 * netlink.ts.
 *
 * @module
 */
import { vlan, type VlanConf, type VlanConfOptions } from "../vlan.ts";
import { NetmapError } from "../errors.ts";
import { backendName } from "../ffi.ts";
import { openPort, type Port, type PortConf, type PortOptions } from "../port.ts";
import {
  portInfo,
  valeAttach,
  type ValeAttachOptions,
  type ValeConf,
  valeDelIf,
  valeDetach,
  valeList,
  valeNewIf,
} from "../vale.ts";
import { uniqueName } from "./netlink.ts";
import type { TestScope } from "./scope.ts";
import { SkipError } from "./suite.ts";

/**
 * Options every fixture takes.
 *
 * @example
 * ```ts ignore
 * import { type FixtureOptions, valeSwitch } from "../../mod.ts";
 * const opts: FixtureOptions = { scope: t.scope, prefix: "sw" };
 * const sw = valeSwitch(opts);
 * ```
 */
export interface FixtureOptions {
  /** The test scope that disposes the fixture (else dispose it with `using`). */
  scope?: TestScope;
  /** Prefix of the generated name. */
  prefix?: string;
  /**
   * Rings and slots of the ports the fixture creates (a switch's new ports, a pipe's parent);
   * an open() option's `conf` overrides it field by field. Opening a port that exists already
   * keeps that port's own configuration, as netmap does.
   */
  conf?: PortConf;
}

/** `options` with `conf` under its own conf (its fields win). */
function withConf(conf: PortConf, options: PortOptions = {}): PortOptions {
  return { ...options, conf: { ...conf, ...options.conf } };
}

/** errno names that say "this backend does not have the feature" on uvale. */
const UNSUPPORTED = new Set(["EOPNOTSUPP", "ENOSYS"]);

/**
 * Runs `open`; when it fails on uvale with EOPNOTSUPP or ENOSYS, the
 * test is skipped with the reason "uvale: FEATURE not implemented yet". Any
 * other failure (and every failure on kernel netmap) is rethrown.
 *
 * @example
 * ```ts ignore
 * import { openPort, skipUnlessSupported } from "../../mod.ts";
 * const mon = skipUnlessSupported("monitors", () => openPort("vale0:v0/r"));
 * ```
 *
 * @param feature What uvale lacks, e.g. "monitors".
 * @param open The call that needs it.
 * @returns What `open` returned.
 */
export function skipUnlessSupported<T>(feature: string, open: () => T): T {
  try {
    return open();
  } catch (e) {
    if (e instanceof NetmapError && UNSUPPORTED.has(e.code) && backendName() === "uvale") {
      throw new SkipError(`uvale: ${feature} not implemented yet (${e.code})`);
    }
    throw e;
  }
}

/** Throws unless `check` fails with ENXIO or ENOENT (the resource is gone). */
function assertGone(what: string, check: () => unknown): void {
  try {
    check();
  } catch (e) {
    if (e instanceof NetmapError && (e.code === "ENXIO" || e.code === "ENOENT")) return;
    throw new Error(`leak check of ${what} failed: ${(e as Error).message}`);
  }
  throw new Error(`${what} still exists after cleanup`);
}

/** Closes every port, collecting failures as leak lines. */
function closeAll(ports: Port[], leaks: string[]): void {
  for (const p of ports.reverse()) {
    try {
      p.close();
    } catch (e) {
      leaks.push(`close ${p.name}: ${(e as Error).message}`);
    }
  }
  ports.length = 0;
}

function finish(what: string, leaks: string[]): void {
  if (leaks.length > 0) throw new Error(`${what} left resources behind: ${leaks.join("; ")}`);
}

/**
 * Opens a port held open until the scope closes (the pre-opened ports of
 * netmap's tests, which the fd server kept open).
 *
 * @example
 * ```ts ignore
 * import { openScoped } from "../../mod.ts";
 * const v1 = openScoped(t.scope, `${sw.name}:v1`);
 * ```
 *
 * @param scope The test scope.
 * @param name The port name.
 * @param options openPort() options.
 * @returns The open port.
 */
export function openScoped(scope: TestScope, name: string, options?: PortOptions): Port {
  const port = openPort(name, options);
  scope.use(`port ${name}`, port);
  return port;
}

/**
 * A VALE switch with a unique name ("valeXXXXX"). It exists while it has
 * ports; dispose closes the ports it opened and checks that no port of the
 * switch is left.
 *
 * @example
 * ```ts ignore
 * import { valeSwitch } from "../../mod.ts";
 * using sw = valeSwitch();
 * const a = sw.open("a");
 * const b = sw.open("b/x");
 * ```
 */
export class ValeSwitch implements Disposable {
  /** The switch name ("valeab12c"). */
  readonly name: string;
  /** Rings and slots of the ports open() creates. */
  readonly conf: PortConf;
  readonly #ports: Port[] = [];

  /**
   * Creates the fixture for an existing or future switch (nothing is opened yet).
   *
   * @param name The switch name (must start with "vale").
   * @param conf Rings and slots of the ports open() creates (default: netmap's).
   */
  constructor(name: string, conf: PortConf = {}) {
    if (!name.startsWith("vale")) throw new RangeError(`Switch '${name}' must start with "vale"`);
    this.name = name;
    this.conf = conf;
  }

  /**
   * The full name of port `p` of this switch ("valeab12c:p").
   *
   * @param p Port name, with any suffix ("v0/x").
   * @returns The full name.
   */
  portName(p: string): string {
    return `${this.name}:${p}`;
  }

  /**
   * Opens port `p` of this switch, closed when the fixture is disposed.
   *
   * @param p Port name, with any suffix ("v0", "v0/x").
   * @param options openPort() options.
   * @returns The open port.
   */
  open(p: string, options?: PortOptions): Port {
    const port = openPort(this.portName(p), withConf(this.conf, options));
    this.#ports.push(port);
    return port;
  }

  /** Closes the ports and checks that the switch has none left. */
  [Symbol.dispose](): void {
    const leaks: string[] = [];
    closeAll(this.#ports, leaks);
    try {
      const left = valeList().filter((e) => e.name.startsWith(`${this.name}:`));
      if (left.length > 0) leaks.push(`ports still on the switch: ${left.map((e) => e.name)}`);
    } catch (e) {
      if (!(e instanceof NetmapError && (e.code === "ENOENT" || e.code === "ENXIO"))) {
        leaks.push(`list: ${(e as Error).message}`);
      }
    }
    finish(`switch ${this.name}`, leaks);
  }
}

/**
 * A VALE switch with a unique name.
 *
 * @example
 * ```ts ignore
 * import { valeSwitch } from "../../mod.ts";
 * const sw = valeSwitch({ scope: t.scope });
 * const v0 = sw.open("v0");
 * ```
 *
 * @param options scope, name prefix (default "vale") and the conf of its ports.
 * @returns The switch fixture.
 */
export function valeSwitch(options: FixtureOptions = {}): ValeSwitch {
  const prefix = options.prefix ?? "vale";
  if (!prefix.startsWith("vale")) throw new RangeError(`Prefix '${prefix}' must start with "vale"`);
  const sw = new ValeSwitch(uniqueName(prefix, 5), options.conf);
  options.scope?.use(`switch ${sw.name}`, sw);
  return sw;
}

/**
 * A persistent VALE port (vale-ctl -n). Each method calls netmap and updates
 * what the fixture will undo only when the call succeeded, so a test can
 * check expected failures (`assert.throws(() => p.destroy(), ...)`). Dispose
 * closes its ports, detaches it from every switch, deletes it and checks
 * that it is gone (port info → ENXIO).
 *
 * @example
 * ```ts ignore
 * import { persistentPort } from "../../mod.ts";
 * using p = persistentPort();
 * p.attach("vale0");
 * const port = p.open();
 * ```
 */
export class PersistentPort implements Disposable {
  /** The interface name (never starts with "vale"). */
  readonly name: string;
  /** Ring and slot counts used by create(). */
  readonly conf: ValeConf;
  readonly #ports: Port[] = [];
  readonly #attached: string[] = [];
  #exists = false;

  /**
   * Creates the fixture (nothing is created until create()).
   *
   * @param name The interface name.
   * @param conf Rings and slots for create().
   */
  constructor(name: string, conf: ValeConf = {}) {
    this.name = name;
    this.conf = conf;
  }

  /** True while the port exists (created and not destroyed by this fixture). */
  get exists(): boolean {
    return this.#exists;
  }

  /** The switches it is attached to. */
  get attached(): readonly string[] {
    return this.#attached;
  }

  /** Creates it (NETMAP_REQ_VALE_NEWIF); throws NetmapError (EEXIST...) on failure. */
  create(): void {
    valeNewIf(this.name, this.conf);
    this.#exists = true;
  }

  /** Deletes it (NETMAP_REQ_VALE_DELIF); throws NetmapError (EBUSY...) on failure. */
  destroy(): void {
    valeDelIf(this.name);
    this.#exists = false;
  }

  /**
   * Attaches it to a switch (vale-ctl -a SWITCH:NAME).
   *
   * @param sw The switch (name or fixture).
   * @param options valeAttach() options.
   * @returns The port index in the switch.
   */
  attach(sw: string | ValeSwitch, options?: ValeAttachOptions): number {
    const b = typeof sw === "string" ? sw : sw.name;
    const r = valeAttach(`${b}:${this.name}`, options);
    this.#attached.push(b);
    return r.portIndex;
  }

  /**
   * Detaches it from a switch (vale-ctl -d SWITCH:NAME).
   *
   * @param sw The switch (name or fixture).
   */
  detach(sw: string | ValeSwitch): void {
    const b = typeof sw === "string" ? sw : sw.name;
    valeDetach(`${b}:${this.name}`);
    const i = this.#attached.lastIndexOf(b);
    if (i >= 0) this.#attached.splice(i, 1);
  }

  /**
   * Opens the port by its interface name ("netmap:NAME" + suffix), closed
   * when the fixture is disposed.
   *
   * @param suffix E.g. "/x", "/r".
   * @param options openPort() options.
   * @returns The open port.
   */
  open(suffix = "", options?: PortOptions): Port {
    const port = openPort(`netmap:${this.name}${suffix}`, options);
    this.#ports.push(port);
    return port;
  }

  /**
   * Opens it through a switch ("SWITCH:NAME" + suffix), closed on dispose.
   *
   * @param sw The switch (name or fixture).
   * @param suffix E.g. "/x".
   * @param options openPort() options.
   * @returns The open port.
   */
  openVia(sw: string | ValeSwitch, suffix = "", options?: PortOptions): Port {
    const b = typeof sw === "string" ? sw : sw.name;
    const port = openPort(`${b}:${this.name}${suffix}`, options);
    this.#ports.push(port);
    return port;
  }

  /** Closes, detaches, deletes, then checks the port is gone. */
  [Symbol.dispose](): void {
    const leaks: string[] = [];
    closeAll(this.#ports, leaks);
    while (this.#attached.length > 0) {
      const b = this.#attached[this.#attached.length - 1];
      try {
        this.detach(b);
      } catch (e) {
        this.#attached.pop();
        leaks.push(`detach ${b}:${this.name}: ${(e as Error).message}`);
      }
    }
    if (this.#exists) {
      try {
        this.destroy();
      } catch (e) {
        leaks.push(`delete ${this.name}: ${(e as Error).message}`);
      }
    }
    try {
      assertGone(`persistent port ${this.name}`, () => portInfo(this.name));
    } catch (e) {
      leaks.push((e as Error).message);
    }
    finish(`persistent port ${this.name}`, leaks);
  }
}

/**
 * Options of {@linkcode persistentPort}.
 *
 * @example
 * ```ts ignore
 * import { persistentPort, type PersistentPortOptions, valeSwitch } from "../../mod.ts";
 * const sw = valeSwitch({ scope: t.scope });
 * const opts: PersistentPortOptions = { scope: t.scope, conf: { rings: 2 }, attach: [sw] };
 * const v0 = persistentPort(opts);
 * ```
 */
export interface PersistentPortOptions extends FixtureOptions {
  /** Rings and slots. */
  conf?: ValeConf;
  /** Create it now (default true). */
  create?: boolean;
  /** Attach it to these switches now. */
  attach?: (string | ValeSwitch)[];
}

/**
 * A persistent VALE port with a unique name (prefix "nmp").
 *
 * @example
 * ```ts ignore
 * import { persistentPort, valeSwitch } from "../../mod.ts";
 * const sw = valeSwitch({ scope: t.scope });
 * const v0 = persistentPort({ scope: t.scope, attach: [sw] });
 * ```
 *
 * @param options scope, prefix, conf, create, attach.
 * @returns The fixture.
 */
export function persistentPort(options: PersistentPortOptions = {}): PersistentPort {
  const prefix = options.prefix ?? "nmp";
  if (prefix.startsWith("vale")) {
    throw new RangeError(`Prefix '${prefix}' must not start with "vale" (netmap refuses it)`);
  }
  const p = new PersistentPort(uniqueName(prefix, 5), options.conf);
  options.scope?.use(`persistent port ${p.name}`, p);
  if (options.create ?? true) p.create();
  for (const sw of options.attach ?? []) p.attach(sw);
  return p;
}

/**
 * A netmap pipe under a parent with a unique name. The parent does not
 * exist: netmap creates it with the first end and deletes it with the last.
 * Dispose closes the ends it opened and checks that the parent is gone.
 *
 * @example
 * ```ts ignore
 * import { pipe } from "../../mod.ts";
 * using p = pipe();
 * const master = p.open("master");
 * const slave = p.open("slave");
 * ```
 */
export class Pipe implements Disposable {
  /** The parent's name. */
  readonly parent: string;
  /** The pipe id ("1"). */
  readonly id: string;
  /** Rings and slots the first end opened creates the parent with. */
  readonly conf: PortConf;
  readonly #ports: Port[] = [];

  /**
   * Creates the fixture (no end is opened yet).
   *
   * @param parent The parent's name.
   * @param id The pipe id.
   * @param conf Rings and slots of the parent the first end creates (default: netmap's).
   */
  constructor(parent: string, id: string, conf: PortConf = {}) {
    this.parent = parent;
    this.id = id;
    this.conf = conf;
  }

  /** The master end's name ("netmap:PARENT{ID"). */
  get master(): string {
    return `netmap:${this.parent}{${this.id}`;
  }

  /** The slave end's name ("netmap:PARENT}ID"). */
  get slave(): string {
    return `netmap:${this.parent}}${this.id}`;
  }

  /**
   * Opens an end, closed when the fixture is disposed.
   *
   * @param end "master" ({) or "slave" (}).
   * @param suffix E.g. "/x".
   * @param options openPort() options.
   * @returns The open port.
   */
  open(end: "master" | "slave", suffix = "", options?: PortOptions): Port {
    const name = `${end === "master" ? this.master : this.slave}${suffix}`;
    const port = openPort(name, withConf(this.conf, options));
    this.#ports.push(port);
    return port;
  }

  /**
   * Opens a port whose name is derived from this pipe (e.g. a monitor of an
   * end), closed when the fixture is disposed.
   *
   * @param name The full port name.
   * @param options openPort() options.
   * @returns The open port.
   */
  openName(name: string, options?: PortOptions): Port {
    const port = openPort(name, options);
    this.#ports.push(port);
    return port;
  }

  /** Closes the ends, then checks that the parent is gone. */
  [Symbol.dispose](): void {
    const leaks: string[] = [];
    closeAll(this.#ports, leaks);
    try {
      assertGone(`pipe parent ${this.parent}`, () => portInfo(this.parent));
    } catch (e) {
      leaks.push((e as Error).message);
    }
    finish(`pipe ${this.parent}`, leaks);
  }
}

/**
 * Options of {@linkcode pipe}.
 *
 * @example
 * ```ts ignore
 * import { pipe, type PipeOptions } from "../../mod.ts";
 * const opts: PipeOptions = { scope: t.scope, id: "p1" };
 * const p = pipe(opts);
 * ```
 */
export interface PipeOptions extends FixtureOptions {
  /** The pipe id (default "1"). */
  id?: string;
}

/**
 * A pipe under a fresh parent (prefix "nmpipe").
 *
 * @example
 * ```ts ignore
 * import { pipe } from "../../mod.ts";
 * const p = pipe({ scope: t.scope });
 * const m = p.open("master");
 * ```
 *
 * @param options scope, prefix, id, conf of the parent.
 * @returns The fixture.
 */
export function pipe(options: PipeOptions = {}): Pipe {
  const p = new Pipe(uniqueName(options.prefix ?? "nmpipe", 5), options.id ?? "1", options.conf);
  options.scope?.use(`pipe ${p.parent}`, p);
  return p;
}

/**
 * The kinds of monitor: copy RX, copy TX, copy both, zero-copy.
 *
 * @example
 * ```ts ignore
 * import { monitor, type MonitorKind } from "../../mod.ts";
 * const kind: MonitorKind = "rt";
 * const mon = monitor(t.scope, sw.portName("v0"), kind);
 * ```
 */
export type MonitorKind = "r" | "t" | "rt" | "z";

/**
 * Opens a monitor of `target` ("TARGET/r", "/t", "/rt" or "/z"), held open
 * until the scope closes. Works on kernel netmap and on uvale; any failure to
 * open it is a test failure.
 *
 * @example
 * ```ts ignore
 * import { monitor } from "../../mod.ts";
 * const mon = monitor(t.scope, sw.portName("v0"), "r");
 * ```
 *
 * @param scope The test scope.
 * @param target The monitored port's name.
 * @param kind r, t, rt or z.
 * @param options openPort() options.
 * @returns The monitor port.
 */
export function monitor(
  scope: TestScope,
  target: string,
  kind: MonitorKind,
  options?: PortOptions,
): Port {
  const name = `${target}/${kind}`;
  return openScoped(scope, name, options);
}

/**
 * VLAN configuration fixture: creates a VLAN configuration (trunk and access
 * ports are attached by the test) and deletes it, with every port it still
 * has, when the scope closes.
 *
 * @example A conf with a native VLAN
 * ```ts ignore
 * import { vlanConf } from "../../mod.ts";
 * const conf = vlanConf(t.scope, "lab", { nativeVid: 1 });
 * conf.attachTrunk("trunk0");
 * conf.attachAccess("acc10", 10);
 * ```
 *
 * @param scope The test scope.
 * @param name The conf name ([a-z][a-z0-9]{0,5}).
 * @param options Per-conf options (native VLAN, keep PCP, 802.1ad).
 * @returns The configuration.
 */
export function vlanConf(scope: TestScope, name: string, options?: VlanConfOptions): VlanConf {
  return scope.use(`vlan conf ${name}`, vlan.createConf(name, options));
}
