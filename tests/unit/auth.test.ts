import { describe, expect, it } from "vitest";
import { safeNextPath } from "../../lib/auth/next-path.ts";
import { clientAddress } from "../../lib/auth/client-address.ts";
import { throttleKeys } from "../../lib/auth/throttle.ts";
import { readCookie } from "../../lib/auth/authenticate.ts";

describe("safeNextPath", () => {
  it("keeps paths on Baton, with their query and fragment", () => {
    expect(safeNextPath("/runs?status=failed#top")).toBe("/runs?status=failed#top");
    expect(safeNextPath("/%09/x")).toBe("/%09/x");
    expect(safeNextPath(["/runs", "//evil.example"])).toBe("/runs");
  });

  it("refuses anything a browser would take to another site", () => {
    for (const next of ["//evil.example", "/\\evil.example", "/\t/evil.example", "/\n/evil.example", "\\\\evil.example", "https://evil.example", "javascript:alert(1)", "", undefined]) {
      expect(safeNextPath(next), JSON.stringify(next)).toBe("/workflows");
    }
  });
});

describe("clientAddress", () => {
  const request = (xff?: string) => new Request("http://baton.test/", { headers: xff ? { "x-forwarded-for": xff } : {} });

  it("takes the address the outermost trusted proxy saw", () => {
    expect(clientAddress(request("1.1.1.1, 203.0.113.7"), 1)).toBe("203.0.113.7");
    expect(clientAddress(request("spoofed, 198.51.100.2, 10.0.0.1"), 2)).toBe("198.51.100.2");
    expect(clientAddress(request("::ffff:127.0.0.1"), 1)).toBe("127.0.0.1");
    expect(clientAddress(request(), 1)).toBe("unknown");
  });

  it("trusts no address without a proxy (a client would name its own)", () => {
    expect(clientAddress(request("203.0.113.7"), 0)).toBeNull();
  });

  it("keys throttles by account, address, and both; by account alone without an address", () => {
    expect(throttleKeys("a@b.c", "1.2.3.4").map((k) => k.key)).toEqual(["account-address:a@b.c|1.2.3.4", "address:1.2.3.4", "account:a@b.c"]);
    expect(throttleKeys("a@b.c", null).map((k) => k.key)).toEqual(["account:a@b.c"]);
  });
});

describe("readCookie", () => {
  it("decodes a value and treats a malformed one as absent", () => {
    expect(readCookie("a=1; baton_session=x%20y", "baton_session")).toBe("x y");
    expect(readCookie("baton_session=%E0%A4%A", "baton_session")).toBeUndefined();
  });
});
