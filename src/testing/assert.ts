/**
 * The few checks netmap's ported tests make (`assert.equal`, `notEqual`, `ok`, `rejects`), with
 * the meaning and messages of `node:assert/strict` for those calls. The test library uses these
 * instead of importing `node:assert/strict` because the first `node:` import starts Deno's Node
 * compatibility layer, about 1 s of start-up in a QEMU TCG guest, which is a tenth of the whole
 * ported suite there. Tests are free to use `node:assert/strict` for anything else.
 *
 * @example
 * ```ts
 * import { assert } from "../../mod.ts";
 * assert.equal(1 + 1, 2, "sum");
 * await assert.rejects(() => Promise.reject(new RangeError("x")), RangeError);
 * ```
 *
 * @module
 */

/** Raised when a check fails (name "AssertionError", as node:assert's). */
export class AssertionError extends Error {
  /**
   * Creates the failure.
   *
   * @param message What was checked and what was found.
   */
  constructor(message: string) {
    super(message);
    this.name = "AssertionError";
  }
}

function show(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "bigint") return `${v}n`;
  return String(v);
}

function fail(message: string | undefined, detail: string): never {
  throw new AssertionError(message === undefined ? detail : `${message}: ${detail}`);
}

/** What {@linkcode assert.rejects} accepts as the expected error. */
export type ErrorCheck =
  // deno-lint-ignore no-explicit-any
  | (new (...args: any[]) => Error)
  | ((error: unknown) => boolean);

function matches(check: ErrorCheck, error: unknown): boolean {
  if (check.prototype instanceof Error || check === Error) return error instanceof check;
  return (check as (e: unknown) => boolean)(error);
}

/**
 * The checks: strict equality (Object.is), truth, and a rejected promise.
 *
 * @example
 * ```ts
 * import { type Assert, assert } from "../../mod.ts";
 * const a: Assert = assert;
 * a.notEqual(1, 2);
 * ```
 */
export interface Assert {
  /**
   * `actual` is `expected` (Object.is).
   *
   * @param actual What the test got.
   * @param expected What it should be.
   * @param message What is checked (prefixes the failure message).
   */
  equal(actual: unknown, expected: unknown, message?: string): void;
  /**
   * `actual` is not `unexpected` (Object.is).
   *
   * @param actual What the test got.
   * @param unexpected What it must not be.
   * @param message What is checked.
   */
  notEqual(actual: unknown, unexpected: unknown, message?: string): void;
  /**
   * `value` is truthy.
   *
   * @param value What the test got.
   * @param message What is checked.
   */
  ok(value: unknown, message?: string): asserts value;
  /**
   * `action()` returns a promise that rejects with an error `check` accepts (an Error class,
   * or a predicate).
   *
   * @param action Starts what must fail.
   * @param check The expected error.
   * @param message What is checked.
   */
  rejects(action: () => Promise<unknown>, check?: ErrorCheck, message?: string): Promise<void>;
}

/**
 * The checks ({@linkcode Assert}).
 *
 * @example
 * ```ts
 * import { assert } from "../../mod.ts";
 * assert.ok(true);
 * assert.notEqual(1, 2);
 * ```
 */
export const assert: Assert = {
  equal(actual, expected, message): void {
    if (!Object.is(actual, expected)) {
      fail(message, `expected ${show(expected)}, got ${show(actual)}`);
    }
  },
  notEqual(actual, unexpected, message): void {
    if (Object.is(actual, unexpected)) fail(message, `expected anything but ${show(unexpected)}`);
  },
  ok(value, message): asserts value {
    if (!value) fail(message, `expected a true value, got ${show(value)}`);
  },
  async rejects(action, check, message): Promise<void> {
    let error: unknown;
    try {
      await action();
    } catch (e) {
      error = e;
      if (check === undefined || matches(check, e)) return;
    }
    if (error === undefined) fail(message, "expected a rejection, but it resolved");
    fail(message, `rejected with an unexpected error: ${(error as Error)?.message ?? show(error)}`);
  },
};
