// Opening the credentials a step's templates name, for one attempt: values registered with the
// attempt's redactor (masked in all it keeps) and handed to its templates as `secrets`.
import { NonRetryableError } from "#lib/engine/errors.ts";
import type { Sql } from "#lib/engine/tx.ts";
import type { Redactor } from "#lib/security/redact.ts";
import { resolveSecrets } from "#lib/secrets/credentials.ts";

export function secretOpener(sql: Sql, redactor: Redactor) {
  return async (names: string[]): Promise<Record<string, string>> => {
    const opened = await resolveSecrets(sql, names);
    const missing = names.filter((n) => !opened.has(n));
    if (missing.length) {
      throw new NonRetryableError(`no credential named ${missing.join(", ")}: create it under Settings → Credentials, or correct the name`, { code: "credential_missing" });
    }
    for (const s of opened.values()) redactor.secret(s.value);
    return Object.fromEntries([...opened].map(([name, s]) => [name, s.value]));
  };
}
