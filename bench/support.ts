// Shared set-up of the side-by-side benches (not a bench itself: `deno bench bench/` collects
// only *_bench.ts): a private uvale, everything closed when the run ends, and the C twins of
// build/libnmsbench.so (ffi/tools/bench_tx.c), one declaration for every bench.
import { type Port, uvaleStop } from "../mod.ts";

/** The C twins in build/libnmsbench.so, as `Deno.dlopen` declares them. */
export const BENCH_SYMBOLS = {
  nms_bench_tx_batch: { parameters: ["i32", "pointer", "u32", "u32"], result: "i32" },
  nms_bench_count: { parameters: ["pointer", "u32", "buffer"], result: "u32" },
  nms_bench_fill: { parameters: ["pointer", "u32", "u32"], result: "u32" },
  nms_bench_poll_loop: { parameters: ["i32", "i32", "u32"], result: "i32" },
} as const;

/** The C twins, bound. */
export type BenchLib = Deno.DynamicLibrary<typeof BENCH_SYMBOLS>["symbols"];

const closers: (() => void)[] = [];

/**
 * Gives this bench process its own uvale (a temporary `NMSCRIPT_UVALE_DIR`, stopped and removed
 * when the run ends) and closes `ports()` first. Call before opening any port.
 *
 * @example
 * ```ts ignore
 * benchSetup(() => [port]);
 * ```
 */
export function benchSetup(ports: () => Port[]): void {
  const dir = Deno.makeTempDirSync({ prefix: "nms-bench-" });
  Deno.env.set("NMSCRIPT_UVALE_DIR", dir);
  globalThis.addEventListener("unload", () => {
    for (const p of ports()) p.close();
    for (const c of closers) c();
    try {
      uvaleStop();
    } catch {
      // kernel backend or daemon gone
    }
    Deno.removeSync(dir, { recursive: true });
  });
}

/**
 * build/libnmsbench.so's functions, or undefined (with a note saying how to build it): the
 * benches then run their TypeScript side only.
 *
 * @example
 * ```ts ignore
 * const c = benchLib();
 * Deno.bench({ name: "C", ignore: c === undefined, fn: () => c!.nms_bench_fill(p, 1023, 60) });
 * ```
 */
export function benchLib(): BenchLib | undefined {
  try {
    const lib = Deno.dlopen(new URL("../build/libnmsbench.so", import.meta.url), BENCH_SYMBOLS);
    closers.push(() => lib.close());
    return lib.symbols;
  } catch {
    console.log("# C twins not built: build/libnmsbench.so missing (see ffi/tools/bench_tx.c)");
    return undefined;
  }
}

/**
 * The address of ring `offset` bytes into `port`'s mapped memory, for the C twins.
 *
 * @example
 * ```ts ignore
 * const at = ringAddress(port, port.txRings[0].ringOffset);
 * ```
 */
export function ringAddress(port: Port, offset: number): Deno.PointerValue {
  return Deno.UnsafePointer.offset(Deno.UnsafePointer.of(port.memory)!, offset);
}
