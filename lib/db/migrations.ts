// Applies and creates Prisma migrations with Prisma's WebAssembly schema engine, which runs on
// Node without the native engine binary that `prisma migrate` downloads. The files stay in
// Prisma's format (prisma/migrations/<stamp>_<name>/migration.sql, table _prisma_migrations),
// so `prisma migrate deploy` works wherever the native engine is available.
import { readdir, readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { withDatabase } from "./url.ts";
import { connectAdapter } from "./schema-engine-adapter.ts";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import * as wasmBindings from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { MigrationList, SchemaEngine } from "@prisma/schema-engine-wasm";

export const migrationsDir = resolve("prisma/migrations");
export const schemaPath = resolve("prisma/schema.prisma");
const noFilter = { externalTables: [], externalEnums: [] };

// Kept on globalThis: the bindings module is shared by every copy of this module a bundler or
// test runner may load, and instantiating the wasm twice corrupts it.
let lastPanic: string | undefined;
const shared = globalThis as unknown as { __baton_schema_engine?: Promise<void> };

/** Instantiates the engine's wasm once per process (the package's own entry needs the
 * experimental wasm-modules loader and prints a warning). */
function loadWasm(): Promise<void> {
  shared.__baton_schema_engine ??= (async () => {
    // The engine reports a Rust panic through this global before it throws.
    (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: object }).PRISMA_WASM_PANIC_REGISTRY = {
      set_message: (message: string) => {
        lastPanic = message;
      },
    };
    const require = createRequire(import.meta.url);
    const wasmPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg").replace(/\.js$/, ".wasm");
    const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
      "./schema_engine_bg.js": wasmBindings,
    });
    wasmBindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
  })();
  return shared.__baton_schema_engine;
}

async function connectShadow(databaseUrl: string) {
  const name = `baton_shadow_${randomUUID().replaceAll("-", "")}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const shadow = await connectAdapter(withDatabase(databaseUrl, name));
  const dispose = shadow.dispose.bind(shadow);
  shadow.dispose = async () => {
    await dispose();
    const cleanup = new pg.Client({ connectionString: databaseUrl });
    await cleanup.connect();
    await cleanup.query(`drop database if exists ${name} with (force)`);
    await cleanup.end();
  };
  return shadow;
}

async function withEngine<T>(databaseUrl: string, fn: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  await loadWasm();
  const schema = await readFile(schemaPath, "utf8");
  // The engine does not always dispose the connections it opened; we track and close them so
  // that no session lingers (a lingering one blocks CREATE DATABASE ... TEMPLATE, for one).
  const opened: { dispose(): Promise<void> }[] = [];
  const track = async <T extends { dispose(): Promise<void> }>(adapter: Promise<T>) => {
    opened.push(await adapter);
    return opened.at(-1) as T;
  };
  const adapter = bindMigrationAwareSqlAdapterFactory({
    adapterName: "@prisma/adapter-pg",
    provider: "postgres" as const,
    connect: () => track(connectAdapter(databaseUrl)),
    // Our own shadow database: the adapter's would override `database` under a connection
    // string, which wins, and so would run the migrations on the real database.
    connectToShadowDb: () => track(connectShadow(databaseUrl)),
  });
  const logs: string[] = [];
  const engine = (await wasmBindings.SchemaEngine.new(
    { datamodels: [[schemaPath, schema]] },
    (line: string) => logs.push(line),
    adapter,
  )) as SchemaEngine;
  try {
    return await fn(engine);
  } catch (error) {
    if (lastPanic) throw new Error(`Prisma schema engine panicked: ${lastPanic}`, { cause: error });
    throw error;
  } finally {
    engine.free();
    await Promise.all(opened.map((a) => a.dispose().catch(() => undefined)));
  }
}

export async function migrationList(dir = migrationsDir): Promise<MigrationList> {
  const names = existsSync(dir)
    ? (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort()
    : [];
  const lockPath = join(dir, "migration_lock.toml");
  return {
    baseDir: dir,
    lockfile: {
      path: "migration_lock.toml",
      content: existsSync(lockPath) ? await readFile(lockPath, "utf8") : null,
    },
    shadowDbInitScript: "",
    migrationDirectories: await Promise.all(
      names.map(async (name) => ({
        path: name,
        migrationFile: {
          path: "migration.sql",
          content: await readFile(join(dir, name, "migration.sql"), "utf8").then(
            (value) => ({ tag: "ok" as const, value }),
            (error: Error) => ({ tag: "error" as const, value: error.message }),
          ),
        },
      })),
    ),
  };
}

/** Applies every pending migration; returns the names applied. Safe to run from several
 * processes at once: the engine serialises on a Postgres advisory lock. */
export async function applyMigrations(databaseUrl: string): Promise<string[]> {
  const migrationsList = await migrationList();
  return withEngine(databaseUrl, async (engine) => {
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: noFilter });
    return appliedMigrationNames;
  });
}

/** The SQL that takes a database built from the existing migrations to schema.prisma, or ""
 * when they agree. Uses a temporary shadow database on the given server. */
export async function pendingSchemaChange(databaseUrl: string): Promise<string> {
  const migrationsList = await migrationList();
  const schema = await readFile(schemaPath, "utf8");
  return withEngine(databaseUrl, async (engine) => {
    const { stdout } = await engine.diff({
      from: { tag: "migrations", ...migrationsList },
      to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content: schema }] },
      script: true,
      exitCode: null,
      filters: noFilter,
    });
    const sql = stdout ?? "";
    return /^\s*(-- This is an empty migration\.)?\s*$/.test(sql) ? "" : sql;
  });
}
