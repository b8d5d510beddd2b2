"use client";
import { useState } from "react";
import { Dialog } from "../../ui/dialog.tsx";
import { Button } from "../../ui/button.tsx";

export function PublishDialog({ open, onOpenChange, onPublish, pending, error }: { open: boolean; onOpenChange(o: boolean): void; onPublish(note: string): void; pending: boolean; error: string | null }) {
  const [note, setNote] = useState("");
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title="Publish a new version" description="Runs started from now on use it. Earlier versions stay as they were, and so do their runs.">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onPublish(note);
        }}
        className="space-y-4"
      >
        <div className="space-y-1">
          <label htmlFor="publish-note" className="block text-sm font-medium text-zinc-800">
            Note <span className="font-normal text-zinc-500">(what changed, for the history)</span>
          </label>
          <textarea id="publish-note" value={note} onChange={(e) => setNote(e.target.value)} rows={3} maxLength={1000} className="block w-full rounded-md border border-zinc-300 px-3 py-2 text-sm shadow-sm" />
        </div>
        {error ? <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">{error}</p> : null}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button type="submit" disabled={pending}>{pending ? "Publishing…" : "Publish"}</Button>
        </div>
      </form>
    </Dialog>
  );
}
