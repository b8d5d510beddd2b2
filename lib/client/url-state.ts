// Filters and selections kept in the address bar are state of the page in the browser: changing
// them rewrites the address with history.replaceState, which Next's useSearchParams follows,
// rather than navigating, which asks the server to render the page again (a round trip per
// click, and two quick changes could land in the wrong order). Each change starts from the
// address as it is now, not as it was when the component last rendered.
export function replaceSearch(changes: Record<string, string | null | undefined>, options: { clear?: boolean } = {}): void {
  const url = new URL(window.location.href);
  if (options.clear) url.search = "";
  for (const [name, value] of Object.entries(changes)) {
    if (value) url.searchParams.set(name, value);
    else url.searchParams.delete(name);
  }
  window.history.replaceState(null, "", `${url.pathname}${url.search}`);
}
