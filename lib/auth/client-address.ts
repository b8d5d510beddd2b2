// The address a request came from, for sign-in throttling. Next puts the socket's address in
// X-Forwarded-For only when the request has none, so the entry to trust is counted from the
// right: with N proxies in front (BATON_TRUSTED_PROXIES), the Nth from the right is what the
// outermost proxy saw. Without a proxy a client can claim any address; the per-account limit
// still bounds guessing then (see README, Security).
import { env } from "../env.ts";

export function clientAddress(request: Request, trustedProxies = env.BATON_TRUSTED_PROXIES): string {
  const hops = (request.headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  const address = hops[hops.length - Math.max(1, trustedProxies)] ?? hops[0];
  // IPv4-mapped IPv6 (::ffff:1.2.3.4) is the same client as 1.2.3.4.
  return address?.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "").slice(0, 100) || "unknown";
}
