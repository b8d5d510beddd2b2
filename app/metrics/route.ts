// Prometheus metrics (lib/metrics/scrape.ts). A scraper sends `Authorization: Bearer
// <BATON_METRICS_TOKEN>`; without that setting, any API token or session with read access works.
import { randomUUID, timingSafeEqual } from "node:crypto";
import { authenticate } from "#lib/auth/authenticate.ts";
import { can } from "#lib/auth/permissions.ts";
import { env } from "#lib/env.ts";
import { pool } from "#lib/db.ts";
import { problemResponse, unauthorized, forbidden } from "#lib/api/errors.ts";
import { metricsText } from "#lib/metrics/scrape.ts";

export const dynamic = "force-dynamic";

const sameToken = (given: string, wanted: string) => given.length === wanted.length && timingSafeEqual(Buffer.from(given), Buffer.from(wanted));

export async function GET(request: Request) {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
  if (!(env.BATON_METRICS_TOKEN && bearer && sameToken(bearer, env.BATON_METRICS_TOKEN))) {
    const actor = await authenticate(request);
    if (!actor) return problemResponse(unauthorized(env.BATON_METRICS_TOKEN ? "Send the metrics token (BATON_METRICS_TOKEN) or an API token as a Bearer token." : "Send an API token as a Bearer token, or sign in."), randomUUID());
    if (!can(actor.role, "read")) return problemResponse(forbidden("Reading metrics needs the read permission."), randomUUID());
  }
  const { text, contentType } = await metricsText(pool());
  return new Response(text, { headers: { "content-type": contentType, "cache-control": "no-store" } });
}
