// A ready-to-paste shell snippet that delivers a signed test request to a webhook trigger, for
// each verification scheme (openssl computes the signature as the sender would). Browser-safe.
import type { Verification } from "./schemas.ts";

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function curlExample(verification: Verification, url: string, secret: string | null, body = '{"orderId":"A-1001","total":120}'): string {
  const lines = [`secret=${secret ? quote(secret) : "'<the signing secret shown when the trigger was made>'"}`, `body=${quote(body)}`];
  switch (verification) {
    case "standard":
      return [
        ...lines,
        `id="msg_$(date +%s%N)"; ts="$(date +%s)"`,
        `key="$(printf '%s' "\${secret#whsec_}" | base64 -d | od -An -tx1 | tr -d ' \\n')"`,
        `sig="$(printf '%s' "$id.$ts.$body" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key" -binary | base64)"`,
        `curl -sS -X POST ${quote(url)} -H 'content-type: application/json' \\`,
        `  -H "webhook-id: $id" -H "webhook-timestamp: $ts" -H "webhook-signature: v1,$sig" -d "$body"`,
      ].join("\n");
    case "stripe":
      return [
        ...lines,
        `ts="$(date +%s)"`,
        `sig="$(printf '%s' "$ts.$body" | openssl dgst -sha256 -hmac "$secret" | sed 's/^.* //')"`,
        `curl -sS -X POST ${quote(url)} -H 'content-type: application/json' -H "Stripe-Signature: t=$ts,v1=$sig" -d "$body"`,
      ].join("\n");
    case "github":
      return [
        ...lines,
        `sig="$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$secret" | sed 's/^.* //')"`,
        `curl -sS -X POST ${quote(url)} -H 'content-type: application/json' -H "X-GitHub-Delivery: $(date +%s%N)" \\`,
        `  -H "X-Hub-Signature-256: sha256=$sig" -d "$body"`,
      ].join("\n");
    case "token":
      return [...lines, `curl -sS -X POST "${url}/$secret" -H 'content-type: application/json' -H "webhook-id: $(date +%s%N)" -d "$body"`].join("\n");
  }
}
