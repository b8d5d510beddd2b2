// `npm run db:migrate`: applies pending migrations (and first-start data) to DATABASE_URL, or to
// the embedded database when it is not set. `npm start` does this by itself.
import { env } from "#lib/env.ts";
import { prepareDatabase } from "#lib/db/prepare.ts";
import { openDatabase } from "./lib/database.ts";
import { announceAdmin } from "./lib/announce.ts";

const db = await openDatabase(env, (line) => console.error(line));
try {
  const { applied, admin } = await prepareDatabase(db.url, env);
  console.log(applied.length ? `applied: ${applied.join(", ")}` : "the database is up to date");
  if (admin) announceAdmin(admin, env.PORT, false);
} finally {
  await db.stop();
}
