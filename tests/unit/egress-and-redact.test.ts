import { describe, expect, it } from "vitest";
import { EgressPolicy, parseAllowList } from "../../lib/net/egress.ts";
import { Redactor, redactUrl } from "../../lib/security/redact.ts";

const policy = (allow: string[] = []) =>
  new EgressPolicy({ allow, self: { host: "127.0.0.1", port: 3000 }, database: { host: "db.internal", port: 5432, addresses: ["10.0.0.5"] } });
const rule = (p: EgressPolicy, host: string, address: string, port = 443) => p.refusal(host, address, port)?.rule ?? "allowed";

describe("EgressPolicy", () => {
  it("refuses metadata, link-local, the database and unspecified addresses whatever is allowed", () => {
    const open = policy(["private", "loopback", "0.0.0.0/0", "::/0"]);
    expect(rule(open, "169.254.169.254", "169.254.169.254", 80)).toBe("cloud metadata");
    expect(rule(open, "x", "169.254.1.1")).toBe("link-local");
    expect(rule(open, "x", "fe80::1")).toBe("link-local");
    expect(rule(open, "x", "fd00:ec2::254")).toBe("cloud metadata");
    expect(rule(open, "x", "::ffff:169.254.169.254")).toBe("cloud metadata");
    expect(rule(open, "db.internal", "10.0.0.5", 5432)).toBe("Baton's database");
    expect(rule(open, "x", "0.0.0.0")).toBe("unspecified");
    expect(rule(open, "x", "224.0.0.1")).toBe("multicast");
    // The database's address on another port is just a private address.
    expect(rule(open, "x", "10.0.0.5", 8080)).toBe("allowed");
  });

  it("refuses private and loopback ranges unless allowed by word, CIDR or host name", () => {
    expect(rule(policy(), "x", "127.0.0.1", 8080)).toBe("loopback");
    expect(rule(policy(), "x", "::1")).toBe("loopback");
    expect(rule(policy(), "x", "10.1.2.3")).toBe("private");
    expect(rule(policy(), "x", "fd12::1")).toBe("private");
    expect(rule(policy(), "x", "100.64.0.1")).toMatch(/carrierGradeNat/);
    expect(rule(policy(), "x", "2002:0a00:0001::1")).toMatch(/6to4/);
    expect(rule(policy(["loopback"]), "x", "127.0.0.1", 8080)).toBe("allowed");
    expect(rule(policy(["10.1.0.0/16"]), "x", "10.1.2.3")).toBe("allowed");
    expect(rule(policy(["10.1.0.0/16"]), "x", "10.2.0.1")).toBe("private");
    expect(rule(policy(["api.corp"]), "api.corp", "10.9.9.9")).toBe("allowed");
    expect(rule(policy(["*.corp"]), "billing.corp", "10.9.9.9")).toBe("allowed");
    expect(rule(policy(["*.corp"]), "corp.evil", "10.9.9.9")).toBe("private");
    expect(rule(policy(), "example.com", "93.184.215.14")).toBe("allowed");
  });

  it("always allows Baton's own web process", () => {
    expect(rule(policy(), "127.0.0.1", "127.0.0.1", 3000)).toBe("allowed");
    expect(rule(policy(), "127.0.0.1", "127.0.0.1", 3001)).toBe("loopback");
  });

  it("explains a refusal and says how to lift it", () => {
    expect(policy().refusal("x", "10.1.2.3", 443)?.message).toBe('private addresses are refused unless allowed; add 10.1.2.3/32, the host name, or "private" to BATON_EGRESS_ALLOW');
    expect(() => parseAllowList(["10.0.0.0/8", "nonsense value"])).toThrow(/"nonsense value" is not a CIDR/);
    expect(parseAllowList(["none"])).toEqual([]);
  });
});

describe("redaction", () => {
  it("removes URL credentials and sensitive query values", () => {
    expect(redactUrl("https://bob:pw@api.example/x?access_token=abc&page=2")).toBe("https://[redacted]@api.example/x?access_token=[redacted]&page=2");
    expect(redactUrl("https://api.example/x?page=2")).toBe("https://api.example/x?page=2");
    expect(redactUrl("not a url")).toBe("not a url");
  });

  it("masks sensitive headers by name, and registered secrets wherever they appear", () => {
    const r = new Redactor();
    r.request("https://api.example/", { authorization: "Bearer sk_live_123456", "x-request-id": "abc" });
    expect(
      r.scrub({
        headers: { Authorization: "Bearer sk_live_123456", "Set-Cookie": ["a=1", "b=2"], "x-request-id": "abc" },
        body: { echo: "you sent sk_live_123456", nested: ["Bearer sk_live_123456"] },
      }),
    ).toEqual({
      headers: { Authorization: "[redacted]", "Set-Cookie": ["[redacted]", "[redacted]"], "x-request-id": "abc" },
      body: { echo: "you sent [redacted]", nested: ["[redacted]"] },
    });
    const error = r.error(Object.assign(new Error("401 for sk_live_123456"), { retryable: false, code: "http_status", details: { body: "sk_live_123456" } })) as Error & { retryable: boolean; details: unknown };
    expect(error.message).toBe("401 for [redacted]");
    expect(error.retryable).toBe(false);
    expect(error.details).toEqual({ body: "[redacted]" });
  });

  it("knows the names credentials go by, and not Idempotency-Key", () => {
    for (const name of ["Authorization", "x-auth-key", "Ocp-Apim-Subscription-Key", "key", "sig", "pwd", "client_secret", "refresh_token", "X-Session-Id", "aws_access_key"]) {
      expect(redactUrl(`https://h.example/?${name}=v`), name).toContain("[redacted]");
    }
    for (const name of ["idempotency-key", "page", "author", "keyword", "monkey"]) expect(redactUrl(`https://h.example/?${name}=v`), name).not.toContain("[redacted]");
  });

  it("redacts sensitive fields of a request, and remembers their values, a token-only URL's too", () => {
    const r = new Redactor();
    r.request("https://tok_only_123456@api.example/", {}, { user: "ada", password: "hunter2-long", nested: [{ api_key: "k-987654321" }] });
    expect(r.scrubInput({ body: { user: "ada", password: "hunter2-long", nested: [{ api_key: "k-987654321" }] }, url: "https://tok_only_123456@api.example/" })).toEqual({
      body: { user: "ada", password: "[redacted]", nested: [{ api_key: "[redacted]" }] },
      url: "https://[redacted]@api.example/",
    });
    // An output keeps its fields (later steps may need them), but not the values the request sent.
    expect(r.scrub({ echo: { password: "hunter2-long", token: "new-token-from-api" }, note: "saw tok_only_123456" })).toEqual({
      echo: { password: "[redacted]", token: "new-token-from-api" },
      note: "saw [redacted]",
    });
    const form = new Redactor();
    form.request("https://api.example/", {}, "grant_type=client_credentials&client_secret=s3cr3t-value");
    expect(form.scrub("echo s3cr3t-value")).toBe("echo [redacted]");
  });

  it("registers the password of Basic authentication", () => {
    const r = new Redactor();
    r.secret(`Basic ${Buffer.from("alice:wonderland-9").toString("base64")}`);
    expect(r.scrub("password wonderland-9")).toBe("password [redacted]");
  });
});
