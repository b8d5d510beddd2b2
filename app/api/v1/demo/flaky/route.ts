// A built-in endpoint that fails on demand, so the example workflow can show retries and dead
// letters without any outside service. No authentication: it stores nothing but call counts.
//   GET|POST /api/v1/demo/flaky?key=<k>&fail=<n>[&status=<code>][&delayMs=<ms>]
// The first <n> calls for <k> answer <status> (default 503); later ones answer 200.
import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";

const calls = new Map<string, number>();


const handler = route(operations.demoFlaky, async ({ query: q }) => {
  const count = (calls.get(q.key) ?? 0) + 1;
  calls.delete(q.key);
  calls.set(q.key, count);
  if (calls.size > 10_000) calls.delete(calls.keys().next().value!);
  if (q.delayMs) await new Promise((r) => setTimeout(r, q.delayMs));
  if (count <= q.fail) {
    return Response.json({ ok: false, call: count, failing: q.fail, message: `failing on purpose (${count} of ${q.fail})` }, { status: q.status });
  }
  return { ok: true, call: count };
});

export { handler as GET, handler as POST };
