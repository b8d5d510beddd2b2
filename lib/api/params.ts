import { badRequest, notFound } from "./errors.ts";
import { NODE_ID } from "../workflow/definition.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path id that is not a UUID names nothing: answer 404 before asking the database. */
export function uuidParam(value: string | undefined, what: string): string {
  if (!value || !UUID.test(value)) throw notFound(`${what} ${value ?? ""}`.trim());
  return value.toLowerCase();
}

/** A step id in a path: an identifier (lib/workflow/definition.ts NODE_ID), else it names nothing. */
export function nodeIdParam(value: string | undefined): string {
  if (!value || !NODE_ID.test(value)) throw notFound(`Step ${value ?? ""}`.trim());
  return value;
}

export function positiveIntParam(value: string | undefined, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw notFound(`${what} ${value ?? ""}`.trim());
  return n;
}

/** Idempotency-Key: any printable ASCII up to 200 characters (as in the IETF draft, a string). */
export function idempotencyKey(request: Request): string | undefined {
  const key = request.headers.get("idempotency-key");
  if (key === null) return undefined;
  if (!/^[\x20-\x7e]{1,200}$/.test(key)) {
    throw badRequest("The Idempotency-Key header must be 1 to 200 printable ASCII characters.", [{ path: "headers.idempotency-key", message: "Use 1 to 200 printable ASCII characters." }]);
  }
  return key;
}
