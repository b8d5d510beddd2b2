// What a person starting Baton needs to read: where it runs and how to sign in.
import { createServer } from "node:net";
import type { SeededAdmin } from "#lib/db/seed.ts";
import { log } from "#lib/log.ts";

/** Resolves true once the web process answers health checks, false if start-up was cancelled. */
export async function waitForHealth(port: number, cancelled: () => boolean): Promise<boolean> {
  const url = `http://127.0.0.1:${port}/api/v1/health`;
  while (!cancelled()) {
    const status = await fetch(url).then((r) => r.status, () => 0);
    if (status === 200) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/** Whether something already listens on `port` (another Baton, say): better said before a build. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "EADDRINUSE"));
    server.listen(port, () => server.close(() => resolve(false)));
  });
}

/** Says Baton is ready (when it is), and shows a generated admin password even when start-up
 * failed: the admin exists now, and the password is shown only once. */
export function announceAdmin(admin: SeededAdmin | null, port: number, ready: boolean): void {
  const url = `http://localhost:${port}`;
  if (ready) log.info({ url }, `Baton is ready at ${url}`);
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
  if (admin.approver) {
    lines.push("", "To try the Expense approval example, approve as:", `  email:    ${admin.approver.email}`, `  password: ${admin.approver.password}`);
  }
  const width = Math.max(...lines.map((l) => l.length));
  const bar = "─".repeat(width + 2);
  // Plain stdout, not a log line: a person must be able to read and copy it.
  console.log(`\n┌${bar}┐\n${lines.map((l) => `│ ${l.padEnd(width)} │`).join("\n")}\n└${bar}┘\n`);
}
