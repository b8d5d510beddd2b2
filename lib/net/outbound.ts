// Every outbound HTTP call Baton makes on someone's behalf (HTTP steps, result callbacks) goes
// through `outboundFetch`: undici's fetch on an agent that resolves the host itself, checks every
// address against the egress policy (egress.ts), then connects to the address it checked (so a
// DNS answer cannot change between check and connect). TLS still verifies the host's name.
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { Agent, buildConnector, fetch, type RequestInit, type Response } from "undici";
import { env } from "../env.ts";
import { redactUrl } from "../security/redact.ts";
import { unprocessable } from "../api/errors.ts";
import { EgressPolicy } from "./egress.ts";

const CONNECT_TIMEOUT_MS = 10_000;

async function addressesOf(host: string): Promise<string[]> {
  if (isIP(host)) return [host];
  return (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
}

/** An undici agent whose every connection passes `policy`. */
export function guardedAgent(policy: EgressPolicy): Agent {
  const connect = buildConnector({ timeout: CONNECT_TIMEOUT_MS });
  return new Agent({
    connect(options, callback) {
      const host = options.hostname.replace(/^\[|\]$/g, "");
      const port = Number(options.port) || (options.protocol === "https:" ? 443 : 80);
      addressesOf(host).then(
        (addresses) => {
          try {
            // One address the policy refuses (a name that also points inside) refuses the name.
            for (const address of addresses) policy.check(host, address, port);
          } catch (error) {
            return callback(error as Error, null);
          }
          connect({ ...options, hostname: addresses[0], servername: options.servername || (isIP(host) ? undefined : host) }, callback);
        },
        (error: Error) => callback(error, null),
      );
    },
  });
}

/** The policy from the environment: BATON_EGRESS_ALLOW, this process's view of Baton's web
 * process (BATON_PUBLIC_URL, else 127.0.0.1:PORT), and the database of DATABASE_URL. */
export async function policyFromEnv(): Promise<EgressPolicy> {
  const self = new URL(env.BATON_PUBLIC_URL ?? `http://127.0.0.1:${env.PORT}`);
  const database = env.DATABASE_URL ? new URL(env.DATABASE_URL) : undefined;
  const databaseHost = database?.hostname.replace(/^\[|\]$/g, "");
  return new EgressPolicy({
    allow: env.BATON_EGRESS_ALLOW,
    self: { host: self.hostname.replace(/^\[|\]$/g, ""), port: Number(self.port) || (self.protocol === "https:" ? 443 : 80) },
    database:
      database && databaseHost
        ? { host: databaseHost, port: Number(database.port) || 5432, addresses: await addressesOf(databaseHost).catch(() => []) }
        : undefined,
  });
}

let shared: Promise<{ policy: EgressPolicy; agent: Agent }> | undefined;

/** This process's policy and agent, built once. */
export function egress(): Promise<{ policy: EgressPolicy; agent: Agent }> {
  shared ??= policyFromEnv().then((policy) => ({ policy, agent: guardedAgent(policy) }));
  return shared;
}

/** fetch() under the egress policy. A refused address rejects with an EgressDeniedError cause. */
export async function outboundFetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
  const { agent } = await egress();
  return fetch(url, { ...init, dispatcher: agent });
}

/** The EgressDeniedError somewhere in an error's cause chain, if any. */
export function egressDenial(error: unknown): (Error & { rule: string }) | undefined {
  for (let e = error as { cause?: unknown; code?: string } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.code === "EGRESS_DENIED") return e as unknown as Error & { rule: string };
  }
  return undefined;
}

/** Why an outgoing delivery (a callback, an alert) failed, as it is kept and shown: the egress
 * policy's refusal (`permanent`: retrying cannot help), a timeout, or the network's error with any
 * URL in it redacted (a receiver's URL may carry its token). */
export function deliveryFailure(error: unknown, timeoutMs: number): { message: string; permanent: boolean } {
  const denied = egressDenial(error);
  if (denied) return { message: denied.message, permanent: true };
  if ((error as Error)?.name === "TimeoutError") return { message: `no answer within ${timeoutMs} ms`, permanent: false };
  const cause = (error as { cause?: { code?: string } })?.cause?.code;
  return { message: (cause ?? (error as Error)?.message ?? String(error)).replace(/\S+:\/\/\S+/g, redactUrl), permanent: false };
}

/**
 * Early word on an address a caller hands in (a callback URL): 422 naming `field` when the
 * policy refuses where it points now. The connection is checked again when it is made.
 */
export async function assertEgressAllowed(url: string, field: string): Promise<void> {
  const { policy } = await egress();
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, "");
  const port = Number(target.port) || (target.protocol === "https:" ? 443 : 80);
  // A name that does not resolve now may later; delivery decides then.
  const addresses = await addressesOf(host).catch(() => []);
  for (const address of addresses) {
    const refusal = policy.refusal(host, address, port);
    if (refusal) throw unprocessable("The callback URL points where Baton may not connect.", [{ path: field, message: `the egress policy refuses it: ${refusal.message}` }]);
  }
}

/**
 * For connections made outside fetch (a database, an SMTP server): the address `host` resolves
 * to, checked against the egress policy (EgressDeniedError when refused). Connect to that address,
 * so that a name resolving elsewhere afterwards changes nothing.
 */
export async function checkedAddress(host: string, port: number): Promise<string> {
  const { policy } = await egress();
  const { address } = await lookup(host);
  policy.check(host, address, port);
  return address;
}
