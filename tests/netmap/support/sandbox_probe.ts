// Not part of the suite: run by tests/testing_suite_test.ts under -P=test to show what the
// permission set refuses. Prints one line per attempt: "<what>: allowed" or "<what>: refused".
async function attempt(what: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
    console.log(`${what}: allowed`);
  } catch (e) {
    console.log(`${what}: ${e instanceof Deno.errors.NotCapable ? "refused" : `error ${e}`}`);
  }
}
await attempt("net 192.0.2.1:80", () => Deno.connect({ hostname: "192.0.2.1", port: 80 }));
await attempt("run ls", () => new Deno.Command("ls").output());
await attempt("write /etc", () => Deno.writeTextFile("/etc/nmscript-probe", "x"));
