"use client";
import { useState } from "react";
import { Dialog } from "../../ui/dialog.tsx";
import { Button } from "../../ui/button.tsx";

export interface PublishCanary {
  weight: number;
  stickyKey?: string;
}

export function PublishDialog({ open, onOpenChange, onPublish, pending, error, canCanary }: { open: boolean; onOpenChange(o: boolean): void; onPublish(note: string, canary?: PublishCanary): void; pending: boolean; error: string | null; canCanary: boolean }) {
  const [note, setNote] = useState("");
  const [canary, setCanary] = useState(false);
  const [weight, setWeight] = useState("10");
  const [sticky, setSticky] = useState("");
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title="Publish a new version" description="Runs started from now on use it (or a share of them, as a canary). Earlier versions stay as they were, and so do their runs.">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onPublish(note, canary ? { weight: Number(weight), ...(sticky.trim() ? { stickyKey: sticky.trim() } : {}) } : undefined);
        }}
        className="space-y-4"
      >
        <div className="space-y-1">
          <label htmlFor="publish-note" className="block text-sm font-medium text-zinc-800">
            Note <span className="font-normal text-zinc-500">(what changed, for the history)</span>
          </label>
          <textarea id="publish-note" value={note} onChange={(e) => setNote(e.target.value)} rows={3} maxLength={1000} className="block w-full rounded-md border border-zinc-300 px-3 py-2 text-sm shadow-sm" />
        </div>
        {canCanary ? (
          <fieldset className="space-y-2 rounded-md border border-zinc-200 p-3">
            <label className="flex items-center gap-2 text-sm text-zinc-800">
              <input type="checkbox" checked={canary} onChange={(e) => setCanary(e.target.checked)} /> Start it as a canary
            </label>
            {canary ? (
              <div className="grid grid-cols-2 gap-2">
                <label className="text-xs font-medium text-zinc-700">
                  Share of new runs (%)
                  <input type="number" min={0.01} max={100} step={0.01} value={weight} onChange={(e) => setWeight(e.target.value)} className="mt-1 block w-full rounded-md border border-zinc-300 px-2 py-1 text-sm" />
                </label>
                <label className="text-xs font-medium text-zinc-700">
                  Stick by (template; empty: random)
                  <input value={sticky} onChange={(e) => setSticky(e.target.value)} placeholder="{{ input.customerId }}" className="mt-1 block w-full rounded-md border border-zinc-300 px-2 py-1 font-mono text-sm" />
                </label>
                <p className="col-span-2 text-xs text-zinc-500">The active version keeps the other runs. Compare, promote or roll back under Rollout.</p>
              </div>
            ) : null}
          </fieldset>
        ) : null}
        {error ? <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">{error}</p> : null}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button type="submit" disabled={pending}>{pending ? "Publishing…" : "Publish"}</Button>
        </div>
      </form>
    </Dialog>
  );
}
