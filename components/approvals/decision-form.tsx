"use client";
// Approve, reject or request changes, with a comment (required for the last two). Each button says
// why it is disabled when the server's rules refuse the move (`refusals`, from GET /approvals/:id).
import { useState } from "react";
import type { Decision } from "#lib/approvals/states.ts";
import { ApiProblem } from "#lib/client/api.ts";
import { Button } from "../ui/button.tsx";

const BUTTONS: { decision: Decision; label: string; variant: "primary" | "secondary" | "danger" }[] = [
  { decision: "approve", label: "Approve", variant: "primary" },
  { decision: "request_changes", label: "Request changes", variant: "secondary" },
  { decision: "reject", label: "Reject", variant: "danger" },
];

export function DecisionForm({ refusals, onDecide }: { refusals: Record<Decision, string | null>; onDecide: (decision: Decision, comment: string) => Promise<unknown> }) {
  const [comment, setComment] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<Decision | null>(null);
  const refusedAll = BUTTONS.every((b) => refusals[b.decision] !== null);
  const submit = async (decision: Decision) => {
    if (decision !== "approve" && !comment.trim()) {
      setError(decision === "reject" ? "Say why you reject it." : "Say what should change.");
      return;
    }
    setBusy(decision);
    setError(null);
    try {
      await onDecide(decision, comment.trim());
      setComment("");
    } catch (e) {
      setError(e instanceof ApiProblem ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };
  return (
    <section aria-label="Decision" className="space-y-2 rounded-md border border-zinc-200 bg-white p-3">
      <label htmlFor="decision-comment" className="block text-sm font-medium text-zinc-800">
        Comment <span className="font-normal text-zinc-500">(required to reject or to request changes)</span>
      </label>
      <textarea
        id="decision-comment"
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        rows={3}
        maxLength={2000}
        disabled={refusedAll}
        aria-invalid={error ? true : undefined}
        className="block w-full rounded-md border border-zinc-300 px-3 py-1.5 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30 disabled:bg-zinc-50"
      />
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
      <div className="flex flex-wrap gap-2">
        {BUTTONS.map((b) => (
          <Button key={b.decision} variant={b.variant} disabled={refusals[b.decision] !== null || busy !== null} title={refusals[b.decision] ?? undefined} onClick={() => submit(b.decision)}>
            {busy === b.decision ? "Saving…" : b.label}
          </Button>
        ))}
      </div>
      {refusedAll ? <p className="text-xs text-zinc-600">{refusals.approve}</p> : refusals.approve ? <p className="text-xs text-zinc-600">Approve: {refusals.approve}</p> : null}
    </section>
  );
}
