// Password hashing with argon2id (the `argon2` package's defaults: 64 MiB, 3 passes). At most
// BATON_PASSWORD_HASHES_AT_ONCE hashes run at once per process and a bounded line waits, so a
// flood of sign-ins cannot take all the memory and CPU: past the line, callers are told to retry.
import argon2 from "argon2";
import { ApiError } from "../api/errors.ts";
import { env } from "../env.ts";

const MAX_WAITING = 64;
let running = 0;
const waiting: (() => void)[] = [];

async function withHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= env.BATON_PASSWORD_HASHES_AT_ONCE) {
    if (waiting.length >= MAX_WAITING) {
      throw new ApiError(503, "busy", "Too many sign-ins are being checked at once; try again in a moment.", { retryAfter: 1 });
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else {
    running++;
  }
  try {
    return await work();
  } finally {
    // Hand the slot straight to the next in line, or free it.
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

export const hashPassword = (password: string): Promise<string> => withHashSlot(() => argon2.hash(password, { type: argon2.argon2id }));

// Verifying against this when the email is unknown keeps both answers equally slow, so timing
// does not reveal which emails have accounts.
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(hash: string | undefined, password: string): Promise<boolean> {
  dummyHash ??= argon2.hash("not-a-real-password", { type: argon2.argon2id });
  const against = hash ?? (await dummyHash);
  // A malformed stored hash is a wrong password; a full line (503) is not.
  const matches = await withHashSlot(() => argon2.verify(against, password).catch(() => false));
  return matches && hash !== undefined;
}
