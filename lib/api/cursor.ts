import { badRequest } from "./errors.ts";

/**
 * Opaque keyset cursors: the sort key and id of the last row of a page. The key is Postgres's
 * own text for the timestamp (microseconds; a JavaScript Date would round them off and skip
 * rows created within the same millisecond).
 */
export function encodeCursor(key: string, id: string): string {
  return Buffer.from(JSON.stringify([key, id])).toString("base64url");
}

export function decodeCursor(cursor: string | undefined): { key: string; id: string } | undefined {
  if (!cursor) return undefined;
  try {
    const [key, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (typeof key !== "string" || typeof id !== "string" || Number.isNaN(Date.parse(key))) throw new Error();
    return { key, id };
  } catch {
    throw badRequest("The cursor is not one this API returned.", [{ path: "query.cursor", message: "Use the cursor a previous page returned." }]);
  }
}
