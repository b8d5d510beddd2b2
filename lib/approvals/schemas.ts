// Request schemas of the approvals API (lib/api/operations.ts uses them).
import { z } from "zod";

export const listApprovalsQuery = z.strictObject({
  status: z.enum(["open", "decided", "all"]).default("open"),
  /** `me`: only requests the caller may decide now. */
  assignedTo: z.literal("me").optional(),
  workflowId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const decideBody = z.strictObject({
  // request_changes comes with resubmission (the next step of the approvals work).
  decision: z.enum(["approve", "reject"]),
  comment: z.string().max(2000).optional(),
});
