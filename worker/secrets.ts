// Opening credentials for one attempt: values registered with the attempt's redactor (masked in
// all it keeps), for its templates (`secrets`) or for a step that connects with one.
import { NonRetryableError } from "#lib/engine/errors.ts";
import type { Sql } from "#lib/engine/tx.ts";
import type { Redactor } from "#lib/security/redact.ts";
import { resolveSecrets, type OpenedSecret } from "#lib/secrets/credentials.ts";
import type { CredentialKind } from "#lib/secrets/schemas.ts";

export function secretOpeners(sql: Sql, redactor: Redactor) {
  const open = async (names: string[]): Promise<Map<string, OpenedSecret>> => {
    const opened = await resolveSecrets(sql, names);
    const missing = names.filter((n) => !opened.has(n));
    if (missing.length) {
      throw new NonRetryableError(`no credential named ${missing.join(", ")}: create it under Settings → Credentials, or correct the name`, { code: "credential_missing" });
    }
    for (const s of opened.values()) redactor.secret(s.value);
    return opened;
  };
  return {
    openSecrets: async (names: string[]) => Object.fromEntries([...(await open(names))].map(([name, s]) => [name, s.value])),
    openCredential: async (name: string, kinds: CredentialKind | CredentialKind[]) => {
      const credential = (await open([name])).get(name)!;
      const allowed = [kinds].flat();
      if (!allowed.includes(credential.kind)) throw new NonRetryableError(`the credential ${name} is a ${credential.kind} credential; this step takes ${allowed.join(" or ")}`, { code: "credential_kind" });
      return credential;
    },
  };
}
