import { badRequest } from "./errors.ts";

/** Opaque keyset cursors: (created_at, id) of the last row of a page. */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString("base64url");
}

export function decodeCursor(cursor: string | undefined): { at: Date; id: string } | undefined {
  if (!cursor) return undefined;
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    const date = new Date(at);
    if (typeof id !== "string" || Number.isNaN(date.getTime())) throw new Error();
    return { at: date, id };
  } catch {
    throw badRequest("The cursor is not one this API returned.", [{ path: "query.cursor", message: "is invalid" }]);
  }
}
