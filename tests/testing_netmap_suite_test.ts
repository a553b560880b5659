// Collects netmap's ported suite for `deno test`: every tests/netmap/NNN_*.ts registers one
// Deno.test (netmapTest) that runs the script as a child with its own uvale daemon.
const dir = new URL("./netmap/", import.meta.url);
const files = [...Deno.readDirSync(dir)]
  .filter((e) => e.isFile && /^\d{3}_[a-z0-9_]+\.ts$/.test(e.name))
  .map((e) => e.name)
  .sort();
for (const f of files) await import(new URL(f, dir).href);
