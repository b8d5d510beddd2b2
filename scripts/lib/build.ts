// Builds the Next.js app when the build is missing or older than its sources, so that
// `npm start` after a `git pull` never serves a stale UI.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { spawn } from "node:child_process";
import type { Logger } from "#lib/log.ts";

const SOURCE_DIRS = ["app", "components", "lib", "public"];
const SOURCE_FILES = ["next.config.js", "postcss.config.mjs", "tsconfig.json", "package.json", "package-lock.json"];
const STAMP = join(".next", "baton-sources.sha256");
export const nextBin = join("node_modules", "next", "dist", "bin", "next");

async function* walk(dir: string): AsyncGenerator<string> {
  if (!existsSync(dir)) return;
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

export async function sourcesHash(): Promise<string> {
  const hash = createHash("sha256");
  const files = [...SOURCE_FILES];
  for (const dir of SOURCE_DIRS) for await (const f of walk(dir)) files.push(f);
  for (const file of files) {
    if (!existsSync(file)) continue;
    hash.update(file).update("\0").update(await readFile(file)).update("\0");
  }
  return hash.digest("hex");
}

export async function buildIfStale(log: Logger): Promise<void> {
  const hash = await sourcesHash();
  const built = existsSync(join(".next", "BUILD_ID")) && (await readFile(STAMP, "utf8").catch(() => "")) === hash;
  if (built) return;
  log.info("building the web app (next build); this happens when sources changed since the last build");
  const started = Date.now();
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [nextBin, "build"], {
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
    });
    child.once("exit", (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`next build failed (exit code ${code}); see its output above.`);
  // Hash again: `next build` may itself adjust tsconfig.json.
  await writeFile(STAMP, await sourcesHash());
  log.info({ seconds: Math.round((Date.now() - started) / 1000) }, "web app built");
}
