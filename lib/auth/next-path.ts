// Where to go after signing in: only a path on Baton itself. The check parses the path as a
// browser will (a backslash is a slash, tabs and newlines vanish), so `/\evil.example` and
// `/%09/evil.example` (decoded: "/\t/evil.example") are seen as the other sites they lead to.
const HERE = "http://baton.invalid";
export const DEFAULT_NEXT = "/workflows";

/** `next` as a query parameter: repeated (`?next=/a&next=/b`) it arrives as a list, and the first counts. */
export function safeNextPath(param: string | string[] | null | undefined): string {
  const next = Array.isArray(param) ? param[0] : param;
  if (typeof next !== "string" || !next.startsWith("/")) return DEFAULT_NEXT;
  let url: URL;
  try {
    url = new URL(next, HERE);
  } catch {
    return DEFAULT_NEXT;
  }
  if (url.origin !== HERE || url.pathname.startsWith("//")) return DEFAULT_NEXT;
  return url.pathname + url.search + url.hash;
}
