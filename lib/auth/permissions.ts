// Who may do what: the single table every API route and every UI control consults.
// Browser-safe (no server imports), so the UI hides or disables exactly what the API refuses.

export const roles = ["viewer", "editor", "operator", "approver", "admin"] as const;
export type Role = (typeof roles)[number];

export const roleDescriptions: Record<Role, string> = {
  viewer: "Sees workflows, runs and dashboards; changes nothing.",
  editor: "Designs and publishes workflows and starts runs.",
  operator: "Starts runs and intervenes on them: retry, skip, cancel, replay, dead letters.",
  approver: "Decides pending approvals.",
  admin: "Every right, plus users and API tokens.",
};

const grants = {
  read: ["viewer", "editor", "operator", "approver"],
  "workflows.write": ["editor"],
  "runs.start": ["editor", "operator"],
  "runs.operate": ["operator"],
  // The brakes: turning a flag off, rolling a canary back. Whoever may change them, or is on call.
  "rollouts.stop": ["editor", "operator"],
  "approvals.decide": ["approver"],
  admin: [],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof grants;

/** An admin holds every permission; other roles hold what `grants` lists for them. */
export function can(role: Role, permission: Permission): boolean {
  return role === "admin" || (grants[permission] as readonly Role[]).includes(role);
}

/** The roles that hold a permission, for "requires one of …" messages. */
export function rolesWith(permission: Permission): Role[] {
  return roles.filter((role) => can(role, permission));
}
