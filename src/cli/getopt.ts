/**
 * A clone of glibc's getopt(3) for the drop-in commands, so that they see
 * their command lines exactly as the C originals do on Linux:
 *
 * - the optstring grammar: `x` a flag, `x:` an option with a required
 *   argument (the rest of the same word, else the next word, even when that
 *   word starts with `-`), `x::` an optional argument (only the rest of the
 *   same word); a leading `+` stops at the first operand, a leading `-`
 *   returns operands in order (as option `\x01`), a leading `:` (after `+`/`-`)
 *   silences the messages and reports a missing argument as `:` instead of `?`;
 * - argument permutation as glibc does by default: operands may come between
 *   options and are collected, in order, after them; `POSIXLY_CORRECT` (or a
 *   leading `+`) stops at the first operand instead;
 * - `--` ends the options; a lone `-` is an operand;
 * - glibc's messages: `PROG: invalid option -- 'x'` and
 *   `PROG: option requires an argument -- 'x'`.
 *
 * Parsing is pure: it returns what the C loop `while ((c = getopt(...)) != -1)`
 * would see, one item per call, plus the operands left at `argv[optind..]`.
 *
 * @module
 */

/** An option recognised in the optstring. */
export interface GetoptOption {
  /** Discriminant. */
  kind: "option";
  /** The option character ("a"), or "\x01" for an operand in `-` mode. */
  name: string;
  /** The argument, when the option takes one and got one. */
  arg?: string;
}

/** What getopt returns as `?` or `:`, with the message glibc prints. */
export interface GetoptError {
  /** Discriminant. */
  kind: "error";
  /** "?" (unknown option, or missing argument) or ":" (missing argument with a leading ':'). */
  name: "?" | ":";
  /** getopt's `optopt`: the option character at fault. */
  optopt: string;
  /** Why: an unknown option or a missing argument. */
  reason: "invalid" | "missing-argument";
  /** glibc's message (printed to stderr unless the optstring starts with ':'); "" when silenced. */
  message: string;
}

/** One value of the C loop's `c = getopt(...)`. */
export type GetoptItem = GetoptOption | GetoptError;

/** The whole command line as getopt sees it. */
export interface GetoptResult {
  /** Every value getopt returned before -1, in order. */
  items: GetoptItem[];
  /** The operands, i.e. `argv[optind..argc)` after getopt returned -1 (permuted as glibc does). */
  operands: string[];
}

/** Options of {@linkcode getopt}. */
export interface GetoptOptions {
  /** argv[0] used in messages (default "getopt"). */
  programName?: string;
  /** Behave as with POSIXLY_CORRECT set (default: read from the environment when allowed). */
  posixlyCorrect?: boolean;
}

interface Spec {
  ordering: "permute" | "require-order" | "return-in-order";
  silent: boolean;
  takes: Map<string, "none" | "required" | "optional">;
}

function parseOptstring(optstring: string, posixly: boolean): Spec {
  let s = optstring;
  let ordering: Spec["ordering"] = posixly ? "require-order" : "permute";
  if (s.startsWith("+")) {
    ordering = "require-order";
    s = s.slice(1);
  } else if (s.startsWith("-")) {
    ordering = "return-in-order";
    s = s.slice(1);
  }
  const silent = s.startsWith(":");
  if (silent) s = s.slice(1);
  const takes = new Map<string, "none" | "required" | "optional">();
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === ":") continue;
    if (s[i + 1] === ":") {
      if (s[i + 2] === ":") {
        takes.set(c, "optional");
        i += 2;
      } else {
        takes.set(c, "required");
        i += 1;
      }
    } else {
      takes.set(c, "none");
    }
  }
  return { ordering, silent, takes };
}

function envPosixlyCorrect(): boolean {
  try {
    const state = Deno.permissions.querySync({ name: "env", variable: "POSIXLY_CORRECT" });
    if (state.state !== "granted") return false;
    return Deno.env.get("POSIXLY_CORRECT") !== undefined;
  } catch {
    return false;
  }
}

const isOptionWord = (w: string): boolean => w.length > 1 && w.startsWith("-");

/**
 * Runs glibc's getopt loop over `argv` (without argv[0]).
 *
 * @example
 * ```ts
 * import { getopt } from "./getopt.ts";
 * const r = getopt(["-a", "x", "file", "-v"], "a:v", { programName: "tool" });
 * console.log(r.items); // [{kind:"option",name:"a",arg:"x"}, {kind:"option",name:"v"}]
 * console.log(r.operands); // ["file"]
 * ```
 */
export function getopt(
  argv: readonly string[],
  optstring: string,
  options: GetoptOptions = {},
): GetoptResult {
  const posixly = options.posixlyCorrect ?? envPosixlyCorrect();
  const spec = parseOptstring(optstring, posixly);
  const prog = options.programName ?? "getopt";
  const items: GetoptItem[] = [];
  const operands: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const word = argv[i];
    if (word === "--") {
      i++;
      break;
    }
    if (!isOptionWord(word)) {
      if (spec.ordering === "require-order") break;
      if (spec.ordering === "return-in-order") {
        items.push({ kind: "option", name: "\x01", arg: word });
      } else {
        operands.push(word);
      }
      i++;
      continue;
    }
    // A cluster of option characters: "-abc", "-ofile".
    i++;
    for (let j = 1; j < word.length; j++) {
      const c = word[j];
      const takes = c === ":" || c === ";" ? undefined : spec.takes.get(c);
      if (takes === undefined) {
        items.push({
          kind: "error",
          name: "?",
          optopt: c,
          reason: "invalid",
          message: spec.silent ? "" : `${prog}: invalid option -- '${c}'`,
        });
        continue;
      }
      if (takes === "none") {
        items.push({ kind: "option", name: c });
        continue;
      }
      const rest = word.slice(j + 1);
      if (rest !== "") {
        items.push({ kind: "option", name: c, arg: rest });
      } else if (takes === "optional") {
        items.push({ kind: "option", name: c });
      } else if (i < argv.length) {
        items.push({ kind: "option", name: c, arg: argv[i] });
        i++;
      } else {
        items.push({
          kind: "error",
          name: spec.silent ? ":" : "?",
          optopt: c,
          reason: "missing-argument",
          message: spec.silent ? "" : `${prog}: option requires an argument -- '${c}'`,
        });
      }
      break;
    }
  }
  operands.push(...argv.slice(i));
  return { items, operands };
}

/** The result of {@linkcode splitLongOptions}. */
export interface LongOptionSplit {
  /** The long options found in option position, without "--" ("help", "json"). */
  found: string[];
  /** argv without them, for {@linkcode getopt}. */
  rest: string[];
  /** The first `--word` in option position that is not in `known`, if any. */
  unknown?: string;
  /**
   * The values of the `valued` long options (`--name VALUE` or `--name=VALUE`;
   * the last one given wins); present when `valued` names any.
   */
  values?: Record<string, string>;
  /** A `valued` option given without a value (`--vlan` as the last word), if any. */
  missing?: string;
}

/**
 * Takes our own long options (`--help`, `--json`, and `valued` ones such as
 * `--vlan VID`) out of a command line before {@linkcode getopt} sees it.
 * Words are examined only where getopt would read an option: an option's
 * argument (`-i --help`) and anything after `--` are left alone.
 *
 * @example
 * ```ts
 * import { splitLongOptions } from "./getopt.ts";
 * const s = splitLongOptions(["-f", "tx", "--json", "--vlan=3"], "f:", ["json"], ["vlan"]);
 * console.log(s.found, s.rest, s.values); // ["json"] ["-f", "tx"] { vlan: "3" }
 * ```
 */
export function splitLongOptions(
  argv: readonly string[],
  optstring: string,
  known: readonly string[],
  valued: readonly string[] = [],
): LongOptionSplit {
  const spec = parseOptstring(optstring, false);
  const found: string[] = [];
  const rest: string[] = [];
  const values: Record<string, string> = {};
  let unknown: string | undefined;
  let missing: string | undefined;
  let i = 0;
  for (; i < argv.length; i++) {
    const word = argv[i];
    if (word === "--") break;
    if (word.startsWith("--")) {
      const name = word.slice(2);
      const eq = name.indexOf("=");
      const key = eq < 0 ? name : name.slice(0, eq);
      if (valued.includes(key)) {
        const value = eq < 0 ? argv[++i] : name.slice(eq + 1);
        if (value === undefined) missing ??= word;
        else values[key] = value;
      } else if (known.includes(name)) found.push(name);
      else {
        unknown ??= word;
        rest.push(word);
      }
      continue;
    }
    rest.push(word);
    if (!isOptionWord(word)) continue;
    for (let j = 1; j < word.length; j++) {
      const takes = spec.takes.get(word[j]);
      if (takes === "required" || takes === "optional") {
        if (j === word.length - 1 && takes === "required" && i + 1 < argv.length) {
          rest.push(argv[++i]);
        }
        break;
      }
    }
  }
  rest.push(...argv.slice(i));
  return valued.length === 0 ? { found, rest, unknown } : { found, rest, unknown, values, missing };
}
