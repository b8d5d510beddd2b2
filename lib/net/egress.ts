// The egress policy: where Baton may connect when a workflow (an HTTP step) or a caller (a
// result callback) names the address. It is checked when the connection is made, on the address
// DNS gave (so a name that points inside cannot slip through) and on every redirect hop:
//
// 1. Always refused: Baton's own database; link-local addresses, cloud metadata endpoints,
//    multicast, broadcast and "this network" (0.0.0.0/8, ::).
// 2. Always allowed: Baton's own web process (so `/api/v1/...` in an HTTP step keeps working).
// 3. Refused unless BATON_EGRESS_ALLOW lets them through: loopback, private (RFC 1918, unique
//    local IPv6), carrier-grade NAT, and every other non-public range (test nets, 6to4, NAT64...).
// 4. Allowed: everything else (public unicast addresses).
//
// BATON_EGRESS_ALLOW is a comma-separated list of CIDRs (10.1.0.0/16, fd00::/8), addresses,
// host names (api.internal, *.corp.example) and the words `loopback` and `private`; `none`
// allows nothing more (the way to lock down `npm start`, which allows loopback by default).
import ipaddr from "ipaddr.js";
import { isIP } from "node:net";

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Cloud metadata and host-agent endpoints that sit outside the link-local range. */
const METADATA = ["169.254.169.254", "169.254.170.2", "100.100.100.200", "168.63.129.16", "fd00:ec2::254"];
const ALWAYS_REFUSED_RANGES = new Set(["linkLocal", "unspecified", "multicast", "broadcast"]);

export interface Endpoint {
  /** Host names match case-insensitively; addresses in any notation. */
  host: string;
  port: number;
}

export interface EgressPolicyInput {
  /** BATON_EGRESS_ALLOW, split. */
  allow: string[];
  /** Baton's web process, as the worker reaches it. */
  self?: Endpoint;
  /** Baton's database, with the addresses its host name resolves to. */
  database?: Endpoint & { addresses: string[] };
}

export interface EgressRule {
  /** A short name for the rule, quoted in errors: "link-local", "Baton's database"... */
  rule: string;
  /** A sentence naming the rule and, for refusals that configuration can lift, how. */
  message: string;
}

export class EgressDeniedError extends Error {
  readonly code = "EGRESS_DENIED";
  readonly rule: string;
  constructor(target: string, refusal: EgressRule) {
    super(`the egress policy refuses ${target}: ${refusal.message}`);
    this.name = "EgressDeniedError";
    this.rule = refusal.rule;
  }
}

const parse = (address: string): Address | undefined => {
  const bare = address.replace(/^\[|\]$/g, "");
  return ipaddr.isValid(bare) ? ipaddr.process(bare) : undefined;
};

type AllowEntry = { kind: "cidr"; range: [Address, number] } | { kind: "host"; name: string } | { kind: "suffix"; suffix: string } | { kind: "loopback" } | { kind: "private" };

/** Parses BATON_EGRESS_ALLOW entries; throws naming the first it does not understand. */
export function parseAllowList(entries: string[]): AllowEntry[] {
  return entries.filter((e) => e.trim().toLowerCase() !== "none").map((raw) => {
    const entry = raw.trim().toLowerCase();
    if (entry === "loopback" || entry === "private") return { kind: entry };
    if (ipaddr.isValidCIDR(entry)) {
      const [address, bits] = ipaddr.parseCIDR(entry);
      return { kind: "cidr", range: [address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address, bits] };
    }
    const address = parse(entry);
    if (address) return { kind: "cidr", range: [address, address.kind() === "ipv4" ? 32 : 128] };
    if (entry.startsWith("*.") && /^[a-z0-9.-]+$/.test(entry.slice(2))) return { kind: "suffix", suffix: entry.slice(1) };
    if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(entry)) return { kind: "host", name: entry };
    throw new Error(`"${raw}" is not a CIDR, an address, a host name (or *.domain), loopback, private or none`);
  });
}

export class EgressPolicy {
  readonly input: EgressPolicyInput;
  readonly #allow: AllowEntry[];
  readonly #metadata = METADATA.map((m) => parse(m)!);
  readonly #database: Address[];

  constructor(input: EgressPolicyInput) {
    this.input = input;
    this.#allow = parseAllowList(input.allow);
    this.#database = (input.database?.addresses ?? []).map(parse).filter((a): a is Address => !!a);
  }

  /** Why connecting to `address`:`port` (for `hostname`) is refused, or null when it is allowed. */
  refusal(hostname: string, address: string, port: number): EgressRule | null {
    const ip = parse(address);
    if (!ip) return { rule: "not an address", message: `${address} is not an IP address` };
    const name = hostname.replace(/^\[|\]$/g, "").toLowerCase();
    if (this.input.database && port === this.input.database.port && this.#database.some((d) => same(d, ip))) {
      return { rule: "Baton's database", message: "Baton's own database is never reachable from workflows" };
    }
    if (this.#metadata.some((m) => same(m, ip))) {
      return { rule: "cloud metadata", message: "cloud metadata endpoints are always refused" };
    }
    const range = ip.range();
    if (ALWAYS_REFUSED_RANGES.has(range)) {
      return { rule: range === "linkLocal" ? "link-local" : range, message: `${range === "linkLocal" ? "link-local" : range} addresses are always refused` };
    }
    if (this.input.self && port === this.input.self.port && (name === this.input.self.host.toLowerCase() || same(parse(this.input.self.host), ip))) return null;
    if (range === "unicast") return null;
    if (this.#allowed(name, ip, range)) return null;
    const kind = range === "loopback" ? "loopback" : range === "private" || range === "uniqueLocal" ? "private" : `${range} (not public)`;
    return {
      rule: kind,
      message: `${kind} addresses are refused unless allowed; add ${ip.kind() === "ipv4" ? `${ip.toString()}/32` : `${ip.toString()}/128`}, the host name, or "${range === "loopback" ? "loopback" : "private"}" to BATON_EGRESS_ALLOW`,
    };
  }

  #allowed(name: string, ip: Address, range: string): boolean {
    return this.#allow.some((entry) => {
      switch (entry.kind) {
        case "loopback":
          return range === "loopback";
        case "private":
          return range === "private" || range === "uniqueLocal" || range === "carrierGradeNat";
        case "cidr":
          return entry.range[0].kind() === ip.kind() && ip.match(entry.range);
        case "host":
          return name === entry.name;
        case "suffix":
          return name.endsWith(entry.suffix);
      }
    });
  }

  /** Throws EgressDeniedError unless connecting is allowed. */
  check(hostname: string, address: string, port: number): void {
    const refusal = this.refusal(hostname, address, port);
    if (refusal) throw new EgressDeniedError(hostname === address || isIP(hostname.replace(/^\[|\]$/g, "")) ? `${address}:${port}` : `${hostname}:${port} (${address})`, refusal);
  }

  /** What Settings shows: the rules in the order they apply. */
  describe() {
    return {
      alwaysRefused: [
        ...(this.input.database ? [`Baton's database (${this.input.database.host}:${this.input.database.port})`] : []),
        "link-local addresses (169.254.0.0/16, fe80::/10)",
        `cloud metadata endpoints (${METADATA.join(", ")})`,
        "multicast, broadcast and unspecified addresses",
      ],
      alwaysAllowed: this.input.self ? [`Baton's own web process (${this.input.self.host}:${this.input.self.port})`] : [],
      refusedUnlessAllowed: ["loopback (127.0.0.0/8, ::1)", "private (10/8, 172.16/12, 192.168/16, fc00::/7)", "carrier-grade NAT (100.64/10)", "other non-public ranges (test networks, 6to4, NAT64, reserved)"],
      allow: this.input.allow,
    };
  }
}

function same(a: Address | undefined, b: Address): boolean {
  return !!a && a.kind() === b.kind() && a.toNormalizedString() === b.toNormalizedString();
}
