// Request schemas of the approvals API (lib/api/operations.ts uses them).
import { z } from "zod";

export const listApprovalsQuery = z.strictObject({
  status: z.enum(["open", "decided", "all"]).default("open"),
  /** `me`: only requests the caller may decide now. */
  assignedTo: z.literal("me").optional(),
  workflowId: z.uuid().optional(),
  runId: z.uuid().optional(),
  /** nextCursor of the previous page. */
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const decideBody = z.strictObject({
  decision: z.enum(["approve", "reject", "request_changes"]),
  comment: z.string().max(2000).optional(),
});

export const resubmitBody = z.strictObject({
  /** The data under review as changed; the request's data stays as it was when left out. */
  data: z.json().optional(),
  comment: z.string().min(1, "Say what changed.").max(2000),
});

export const exportApprovalsQuery = listApprovalsQuery.pick({ status: true, workflowId: true });

export const createLinkBody = z.strictObject({
  /** The person the link is for: an active user who may decide the request now. */
  email: z.email(),
});

/** A link's token as Baton makes them (32 random bytes, base64url); anything else names nothing. */
export const LINK_TOKEN = /^[A-Za-z0-9_-]{43}$/;
