// A database of its own for each test file, cloned from the migrated template.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createDb, type DbHandles } from "../../lib/db.ts";
import { withDatabase } from "../../lib/db/url.ts";

export function serverUrl(): string {
  const url = process.env.BATON_TEST_PG_URL;
  if (!url) throw new Error("BATON_TEST_PG_URL is not set: run tests through `npm test` (vitest global setup).");
  return url;
}

export interface TestDatabase extends DbHandles {
  url: string;
  name: string;
}

export async function freshDatabase(): Promise<TestDatabase> {
  const name = `t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template baton_template`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(serverUrl(), name);
  return { url, name, ...createDb(url, 5) };
}
