import { describe, expect, it } from "vitest";
import { can, roles, rolesWith } from "../../lib/auth/permissions.ts";

describe("permissions", () => {
  it("gives an admin every permission", () => {
    for (const p of ["read", "workflows.write", "runs.start", "runs.operate", "approvals.decide", "admin"] as const) {
      expect(can("admin", p)).toBe(true);
    }
  });

  it("keeps viewers read-only", () => {
    expect(can("viewer", "read")).toBe(true);
    expect(can("viewer", "workflows.write")).toBe(false);
    expect(can("viewer", "runs.start")).toBe(false);
    expect(can("viewer", "runs.operate")).toBe(false);
  });

  it("separates designing from operating from approving", () => {
    expect(can("editor", "workflows.write")).toBe(true);
    expect(can("editor", "runs.operate")).toBe(false);
    expect(can("operator", "runs.operate")).toBe(true);
    expect(can("operator", "workflows.write")).toBe(false);
    expect(can("approver", "approvals.decide")).toBe(true);
    expect(can("approver", "runs.operate")).toBe(false);
  });

  it("lists who holds a permission for error messages", () => {
    expect(rolesWith("runs.operate")).toEqual(["operator", "admin"]);
    expect(rolesWith("admin")).toEqual(["admin"]);
    expect(rolesWith("read")).toEqual([...roles]);
  });
});
