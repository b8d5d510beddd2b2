// The engine's dependencies in the web process: the shared pool and a send-only pg-boss,
// started on first use and kept for the life of the process.
import { databaseUrl, pool } from "../db.ts";
import { startBoss } from "../queue.ts";
import type { EngineDeps } from "./deps.ts";

const holder = globalThis as unknown as { __baton_engine?: Promise<EngineDeps> };

export function engine(): Promise<EngineDeps> {
  holder.__baton_engine ??= startBoss({ databaseUrl: databaseUrl(), role: "web" }).then(
    (boss) => ({ pool: pool(), boss }),
    (error) => {
      holder.__baton_engine = undefined;
      throw error;
    },
  );
  return holder.__baton_engine;
}
