// One connection pool per process, shared by Prisma (most reads and writes) and plain SQL (the
// engine's hot path and LISTEN). Created on first use so that importing this module is free.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { env } from "./env.ts";
import { log } from "./log.ts";
import { PrismaClient } from "./generated/prisma/client.ts";

export type { Prisma } from "./generated/prisma/client.ts";
export type Db = PrismaClient;

export interface DbHandles {
  pool: pg.Pool;
  prisma: PrismaClient;
  close(): Promise<void>;
}

/** A pool and a Prisma client on it, for scripts and tests that pick their database. */
export function createDb(url: string, max = 20, options: { genericPlans?: boolean } = {}): DbHandles {
  const pool = new pg.Pool({ connectionString: url, max, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 10_000 });
  // In a worker, the queries are the engine's and pg-boss's hot path, prepared, all lookups by
  // key: plan them once per connection. Left to choose, Postgres re-planned them on every call
  // (custom plans for array parameters), about a third of their time (pg_stat_statements). A
  // SET rather than a startup option, which poolers such as PgBouncer refuse by default.
  if (options.genericPlans) pool.on("connect", (client) => void client.query("set plan_cache_mode = force_generic_plan").catch(() => undefined));
  // An idle client losing its connection (database restart) must not crash the process;
  // the pool drops it and the next query reconnects.
  // (Its message only: the error carries the whole client object.)
  pool.on("error", (error) => log.warn({ code: (error as { code?: string }).code }, `idle database connection lost (${error.message})`));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    pool,
    prisma,
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

const globalHandles = globalThis as unknown as { __baton_db?: DbHandles };

export function databaseUrl(): string {
  if (!env.DATABASE_URL) {
    throw new Error(
      "DATABASE_URL is not set. Start Baton with `npm start` (it starts an embedded Postgres), " +
        "or set DATABASE_URL to your Postgres server.",
    );
  }
  return env.DATABASE_URL;
}

function handles(): DbHandles {
  globalHandles.__baton_db ??= createDb(databaseUrl(), 20, { genericPlans: process.env.BATON_PROCESS === "worker" });
  return globalHandles.__baton_db;
}

export const db = (): PrismaClient => handles().prisma;
export const pool = (): pg.Pool => handles().pool;

export async function closeDb(): Promise<void> {
  const h = globalHandles.__baton_db;
  globalHandles.__baton_db = undefined;
  await h?.close();
}
