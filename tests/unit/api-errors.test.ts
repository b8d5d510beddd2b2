import { describe, expect, it } from "vitest";
import { z } from "zod";
import { zodFieldErrors, problemResponse, ApiError } from "../../lib/api/errors.ts";
import { readCookie } from "../../lib/auth/authenticate.ts";

describe("zodFieldErrors", () => {
  const schema = z.strictObject({ name: z.string().min(1), nested: z.strictObject({ n: z.number() }) });

  it("gives each problem a dotted path, and names unknown fields one by one", () => {
    const result = schema.safeParse({ name: "", nested: { n: "x", extra: 1 }, a: 1, b: 2 });
    expect(result.success).toBe(false);
    const errors = zodFieldErrors(result.error!);
    expect(errors.map((e) => e.path).sort()).toEqual(["a", "b", "name", "nested.extra", "nested.n"]);
    expect(errors.find((e) => e.path === "a")!.message).toBe("Remove “a”: it is not a known field.");
  });

  it("prefixes paths", () => {
    const result = z.object({ limit: z.number() }).safeParse({});
    expect(zodFieldErrors(result.error!, ["query"])[0].path).toBe("query.limit");
  });
});

describe("problemResponse", () => {
  it("is an RFC 9457 document with the request id", async () => {
    const res = problemResponse(new ApiError(409, "conflict", "Run is succeeded.", { state: "succeeded" }), "req-1");
    expect(res.status).toBe(409);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await res.json()).toEqual({
      type: "urn:baton:problem:conflict",
      title: "Conflict",
      status: 409,
      detail: "Run is succeeded.",
      requestId: "req-1",
      state: "succeeded",
    });
  });
});

describe("readCookie", () => {
  it("finds a cookie among others", () => {
    expect(readCookie("a=1; baton_session=abc-def; b=2", "baton_session")).toBe("abc-def");
    expect(readCookie("a=1", "baton_session")).toBeUndefined();
    expect(readCookie(null, "baton_session")).toBeUndefined();
  });
});
