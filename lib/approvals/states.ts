// The approval request's state machine: the one table that says which state may follow which,
// and which decision makes which move. Browser-safe (the inbox offers exactly what it allows).

export const approvalStates = ["pending_approval", "approved", "rejected", "changes_requested", "expired", "cancelled"] as const;
export type ApprovalState = (typeof approvalStates)[number];

export const decisions = ["approve", "reject", "request_changes"] as const;
export type Decision = (typeof decisions)[number];

/** Every move, including the system's (resubmit, cancel, expire, escalate). */
export type Move = Decision | "resubmit" | "cancel" | "expire" | "escalate";

const transitions: Record<ApprovalState, Partial<Record<Move, readonly ApprovalState[]>>> = {
  // approve: stays pending until the quorum is reached; escalate: reassigned, still pending.
  pending_approval: {
    approve: ["pending_approval", "approved"],
    reject: ["rejected"],
    request_changes: ["changes_requested"],
    cancel: ["cancelled"],
    expire: ["expired", "approved", "rejected"],
    escalate: ["pending_approval"],
  },
  changes_requested: { resubmit: ["pending_approval"], cancel: ["cancelled"], expire: ["expired"] },
  approved: {},
  rejected: {},
  expired: {},
  cancelled: {},
};

export const openApprovalStates = ["pending_approval", "changes_requested"] as const satisfies readonly ApprovalState[];
export const isOpenApproval = (state: string) => (openApprovalStates as readonly string[]).includes(state);

export const canMove = (from: ApprovalState, move: Move, to: ApprovalState) => transitions[from][move]?.includes(to) ?? false;
/** Whether the move is possible at all from `from` (for 409s and for what the inbox offers). */
export const allows = (from: ApprovalState, move: Move) => (transitions[from][move]?.length ?? 0) > 0;
