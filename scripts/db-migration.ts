// `npm run db:migration -- <name>`: writes prisma/migrations/<stamp>_<name>/migration.sql with the
// SQL that takes the existing migrations to prisma/schema.prisma. Review it, then commit it.
import { mkdir, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { env } from "#lib/env.ts";
import { migrationsDir, pendingSchemaChange } from "#lib/db/migrations.ts";
import { openDatabase } from "./lib/database.ts";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migration -- <name>   (lower case letters, digits and _)");
  process.exit(2);
}

const lock = join(migrationsDir, "migration_lock.toml");
if (!existsSync(lock)) {
  await mkdir(migrationsDir, { recursive: true });
  await writeFile(lock, '# Written by Prisma\'s migration format; do not edit.\nprovider = "postgresql"\n');
}

const db = await openDatabase(env, (line) => console.error(line));
try {
  const sql = await pendingSchemaChange(db.url);
  if (!sql) {
    console.log("schema.prisma matches the migrations: nothing to write.");
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const dir = join(migrationsDir, `${stamp}_${name}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "migration.sql"), sql);
    console.log(`wrote ${dir}/migration.sql`);
  }
} finally {
  await db.stop();
}
