// The address a request came from, for sign-in throttling, when it can be trusted. Next puts the
// socket's address in X-Forwarded-For only when the request has none, so without a proxy a
// client names its own address: then there is none to trust (null), and only the per-account
// limit applies (see README, Security). With N proxies in front (BATON_TRUSTED_PROXIES), the
// Nth entry from the right is what the outermost proxy saw.
import { env } from "../env.ts";

export function clientAddress(request: Request, trustedProxies = env.BATON_TRUSTED_PROXIES): string | null {
  if (trustedProxies === 0) return null;
  const hops = (request.headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  const address = hops[hops.length - trustedProxies] ?? hops[0];
  // IPv4-mapped IPv6 (::ffff:1.2.3.4) is the same client as 1.2.3.4.
  return address?.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "").slice(0, 100) || "unknown";
}
