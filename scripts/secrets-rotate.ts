// `npm run secrets:rotate`: re-encrypts every credential and webhook signing secret under the current key.
// - With BATON_SECRET_KEY: set the new key there and the old one in BATON_SECRET_KEY_PREVIOUS,
//   run this, then remove BATON_SECRET_KEY_PREVIOUS.
// - With the key file in the data folder: a new key is generated, everything re-encrypted, and
//   the old keys dropped from the file.
// With the key file, running processes load the new key when they meet a value sealed with it.
import { env } from "#lib/env.ts";
import { createDb } from "#lib/db.ts";
import { addFileKey, loadKeyring, pruneFileKeys } from "#lib/secrets/keyring.ts";
import { reencryptAll } from "#lib/secrets/credentials.ts";
import { reencryptTriggerSecrets } from "#lib/triggers/triggers.ts";
import { reencryptSigningSecrets } from "#lib/workflows/signing.ts";
import { openDatabase } from "./lib/database.ts";

const database = await openDatabase(env, (line) => console.error(line));
const { pool, close } = createDb(database.url, 2);
try {
  const ring = env.BATON_SECRET_KEY ? loadKeyring(env) : addFileKey(env.BATON_DATA_DIR);
  const changed = await reencryptAll(pool, ring);
  const hooks = (await reencryptTriggerSecrets(pool, ring)) + (await reencryptSigningSecrets(pool, ring));
  if (!env.BATON_SECRET_KEY) pruneFileKeys(env.BATON_DATA_DIR, ring);
  console.log(`re-encrypted ${changed} credentials and ${hooks} webhook signing secrets under key ${ring.currentId} (${ring.source})`);
  if (env.BATON_SECRET_KEY && env.BATON_SECRET_KEY_PREVIOUS) console.log("every value now uses BATON_SECRET_KEY: remove BATON_SECRET_KEY_PREVIOUS and restart Baton");
} finally {
  await close();
  await database.stop();
}
