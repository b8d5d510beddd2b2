// What a person starting Baton needs to read: where it runs and how to sign in.
import type { SeededAdmin } from "#lib/db/seed.ts";
import { log } from "#lib/log.ts";

export async function waitForHealth(port: number, cancelled: () => boolean): Promise<void> {
  const url = `http://127.0.0.1:${port}/api/v1/health`;
  while (!cancelled()) {
    const status = await fetch(url).then((r) => r.status, () => 0);
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function announceAdmin(admin: SeededAdmin | null, port: number): void {
  const url = `http://localhost:${port}`;
  log.info({ url }, `Baton is ready at ${url}`);
  if (!admin) return;
  const lines = admin.generatedPassword
    ? [
        "First start: an admin account was created.",
        `  email:    ${admin.email}`,
        `  password: ${admin.generatedPassword}`,
        "This password is shown only now. Sign in and change it under Settings → Users,",
        "or set BATON_ADMIN_EMAIL and BATON_ADMIN_PASSWORD before the first start.",
      ]
    : [`First start: admin ${admin.email} was created with the password from BATON_ADMIN_PASSWORD.`];
  const width = Math.max(...lines.map((l) => l.length));
  const bar = "─".repeat(width + 2);
  // Plain stdout, not a log line: a person must be able to read and copy it.
  console.log(`\n┌${bar}┐\n${lines.map((l) => `│ ${l.padEnd(width)} │`).join("\n")}\n└${bar}┘\n`);
}
