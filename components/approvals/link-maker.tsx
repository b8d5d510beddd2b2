"use client";
// For operators and admins: a personal decision link for one eligible person, to send by e-mail
// or chat. The URL is shown once (only its hash is kept).
import { useState } from "react";
import { api, ApiProblem } from "#lib/client/api.ts";
import { fullTime } from "#lib/client/format.ts";
import { Button } from "../ui/button.tsx";

export function LinkMaker({ requestId }: { requestId: string }) {
  const [email, setEmail] = useState("");
  const [made, setMade] = useState<{ url: string; email: string; expiresAt: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const make = async () => {
    setError(null);
    try {
      setMade(await api(`/approvals/${requestId}/links`, { body: { email: email.trim() } }));
    } catch (e) {
      setError(e instanceof ApiProblem ? (e.fieldError("email") ?? e.message) : String(e));
    }
  };
  return (
    <details className="rounded-md border border-zinc-200 p-3 text-sm">
      <summary className="cursor-pointer font-medium text-zinc-800">Make a decision link</summary>
      <p className="mt-1 text-xs text-zinc-600">A single-use link for one person who may decide, to send them; it expires in 7 days or at the deadline. Opening it decides nothing.</p>
      <div className="mt-2 flex gap-2">
        <label htmlFor="link-email" className="sr-only">
          E-mail of the person
        </label>
        <input
          id="link-email"
          type="email"
          value={email}
          placeholder="name@example.com"
          onChange={(e) => setEmail(e.target.value)}
          aria-invalid={error ? true : undefined}
          className="block w-full rounded-md border border-zinc-300 px-3 py-1.5 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30"
        />
        <Button variant="secondary" onClick={make} disabled={!email.trim()}>
          Make link
        </Button>
      </div>
      {error ? (
        <p role="alert" className="mt-1 text-xs text-red-700">
          {error}
        </p>
      ) : null}
      {made ? (
        <div className="mt-2 space-y-1" data-testid="decision-link">
          <p className="text-xs text-zinc-600">
            For {made.email}, until <span title={fullTime(made.expiresAt)}>{new Date(made.expiresAt).toLocaleString()}</span>. Copy it now: it is not shown again.
          </p>
          <input readOnly value={made.url} aria-label="Decision link" onFocus={(e) => e.target.select()} className="block w-full rounded-md border border-zinc-300 bg-zinc-50 px-2 py-1 font-mono text-xs" />
        </div>
      ) : null}
    </details>
  );
}
