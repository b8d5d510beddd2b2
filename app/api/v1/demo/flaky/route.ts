// A built-in endpoint that fails on demand, so the example workflow can show retries and dead
// letters without any outside service. No authentication: it stores nothing but call counts.
//   GET|POST /api/v1/demo/flaky?key=<k>&fail=<n>[&status=<code>][&delayMs=<ms>]
// The first <n> calls for <k> answer <status> (default 503); later ones answer 200.
import { route } from "#lib/api/route.ts";
import { z } from "zod";

const calls = new Map<string, number>();

const query = z.strictObject({
  key: z.string().min(1).max(200),
  fail: z.coerce.number().int().min(0).max(1000).default(0),
  status: z.coerce.number().int().min(400).max(599).default(503),
  delayMs: z.coerce.number().int().min(0).max(30_000).default(0),
});

const handler = route({ permission: "public", query }, async ({ query: q }) => {
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
