// Builds libnmscript.so into nmscript's per-version cache, for scripts that import nmscript
// by URL:
//
//   deno run -A https://<where the tree is served>/scripts/install.ts
//
// It fetches the C sources listed in <base>/ffi/MANIFEST (base = the tree this script was
// loaded from), compiles them with cc, and installs the library at
// $NMSCRIPT_CACHE/<version>/libnmscript.so (default ~/.cache/nmscript/<version>/), which is
// where src/ffi.ts looks when mod.ts is imported over http(s).
//
//   deno run -A scripts/install.ts --print-manifest   # the MANIFEST for a checkout
import { cacheDir, VERSION } from "../src/ffi.ts";

/** Source directories and what of them the library needs (mirrors the Makefile fragments). */
const SOURCE_RULES: { dir: string; match: RegExp }[] = [
  { dir: "ffi/include", match: /\.h$/ },
  { dir: "ffi/src", match: /\.[ch]$/ },
  { dir: "ffi/uvale", match: /\.[ch]$/ },
  { dir: "kernel", match: /^(vlan_core.*\.c|.*\.h)$/ },
];
const CFLAGS = ["-std=c11", "-D_GNU_SOURCE", "-O2", "-g", "-fPIC", "-Iffi/include", "-Ikernel"];
const LIB_LDFLAGS = ["-Wl,--no-undefined", "-Wl,-soname,libnmscript.so"];
const LDLIBS = ["-lpthread"];

/** The files the library is built from, relative to a checkout at `root`, sorted. */
export function manifestFor(root: string): string[] {
  const out: string[] = [];
  for (const rule of SOURCE_RULES) {
    let entries: Deno.DirEntry[] = [];
    try {
      entries = [...Deno.readDirSync(`${root}/${rule.dir}`)];
    } catch {
      continue;
    }
    for (const e of entries) {
      if (e.isFile && rule.match.test(e.name)) out.push(`${rule.dir}/${e.name}`);
    }
  }
  return out.sort();
}

async function fetchText(url: URL): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`GET ${url.href}: HTTP ${res.status}`);
  }
  return await res.text();
}

async function cc(cwd: string, args: (string | string[])[]): Promise<void> {
  const compiler = Deno.env.get("CC") || "cc";
  const out = await new Deno.Command(compiler, {
    args: args.flat(),
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    const err = new TextDecoder().decode(out.stderr);
    throw new Error(`${compiler} ${args.flat().join(" ")} failed (exit ${out.code}):\n${err}`);
  }
}

async function install(base: URL, force: boolean): Promise<string> {
  const dest = cacheDir();
  const lib = `${dest}/libnmscript.so`;
  if (!force) {
    try {
      await Deno.stat(lib);
      console.log(`nmscript ${VERSION}: ${lib} is already installed (--force rebuilds it)`);
      return lib;
    } catch {
      // not there yet
    }
  }
  const manifestUrl = new URL("ffi/MANIFEST", base);
  const files = (await fetchText(manifestUrl)).split("\n").map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
  for (const f of files) {
    if (f.startsWith("/") || f.split("/").includes("..")) {
      throw new Error(`${manifestUrl.href}: refusing path '${f}'`);
    }
  }
  await Deno.mkdir(dest, { recursive: true });
  const work = await Deno.makeTempDir({ dir: dest, prefix: "build-" });
  try {
    await Promise.all(files.map(async (f) => {
      const text = await fetchText(new URL(f, base));
      const path = `${work}/${f}`;
      await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
      await Deno.writeTextFile(path, text);
    }));
    // NAME_main.c is a program (uvaled_main.c -> uvaled) linked against the library
    const programs = files.filter((f) => f.endsWith("_main.c"));
    const sources = files.filter((f) => f.endsWith(".c") && !programs.includes(f));
    await cc(work, [...CFLAGS, "-shared", LIB_LDFLAGS, "-o", "libnmscript.so", sources, LDLIBS]);
    for (const p of programs) {
      const exe = p.slice(p.lastIndexOf("/") + 1, -"_main.c".length);
      await cc(work, [...CFLAGS, "-o", exe, p, "-L.", "-lnmscript", "-Wl,-rpath,$ORIGIN", LDLIBS]);
      await Deno.rename(`${work}/${exe}`, `${dest}/${exe}`);
    }
    await Deno.rename(`${work}/libnmscript.so`, lib);
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
  console.log(`nmscript ${VERSION}: installed ${lib} (${files.length} files from ${base.href})`);
  return lib;
}

if (import.meta.main) {
  const root = new URL("..", import.meta.url);
  if (Deno.args.includes("--print-manifest")) {
    if (root.protocol !== "file:") {
      console.error("--print-manifest needs a checkout (a file: URL)");
      Deno.exit(2);
    }
    console.log(manifestFor(decodeURIComponent(root.pathname)).join("\n"));
  } else {
    try {
      await install(root, Deno.args.includes("--force"));
    } catch (e) {
      console.error(`nmscript install failed: ${e instanceof Error ? e.message : String(e)}`);
      console.error("needs: cc (apt-get install gcc), network access to the tree, and -A");
      Deno.exit(1);
    }
  }
}
