// Sign-in with email and password, throttled per email against password guessing.
import { db as defaultDb, type Db } from "../db.ts";
import { ApiError, forbidden, unauthorized } from "../api/errors.ts";
import { verifyPassword } from "./passwords.ts";
import { createSession } from "./sessions.ts";

const WINDOW_MS = 15 * 60_000;
const MAX_FAILURES = 10;
// Per process: enough to slow a guesser down; a shared limiter belongs at the proxy.
const failures = new Map<string, { count: number; since: number }>();

function assertNotThrottled(email: string) {
  const entry = failures.get(email);
  if (!entry || Date.now() - entry.since > WINDOW_MS) return;
  if (entry.count >= MAX_FAILURES) {
    const retryAfter = Math.ceil((entry.since + WINDOW_MS - Date.now()) / 1000);
    throw new ApiError(429, "too-many-attempts", `Too many failed sign-ins for ${email}; try again in ${retryAfter} s.`, { retryAfter });
  }
}

function recordFailure(email: string) {
  const entry = failures.get(email);
  if (!entry || Date.now() - entry.since > WINDOW_MS) failures.set(email, { count: 1, since: Date.now() });
  else entry.count++;
}

export async function login(input: { email: string; password: string }, userAgent: string | null, db: Db = defaultDb()) {
  assertNotThrottled(input.email);
  const user = await db.user.findUnique({ where: { email: input.email } });
  if (!(await verifyPassword(user?.passwordHash, input.password)) || !user) {
    recordFailure(input.email);
    throw unauthorized("The email or password is wrong.");
  }
  if (user.disabledAt) throw forbidden("This account is disabled; ask an admin to enable it.");
  failures.delete(input.email);
  const session = await createSession(user.id, userAgent, db);
  return { ...session, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
}
