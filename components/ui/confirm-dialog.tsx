"use client";
// A command that needs a confirmation: the dialog says what will happen, may hold inputs, and
// shows the server's answer when it refuses.
import { useState, type ReactNode } from "react";
import { ApiProblem } from "#lib/client/api.ts";
import { Dialog } from "./dialog.tsx";
import { Button } from "./button.tsx";

interface Props {
  open: boolean;
  onOpenChange(open: boolean): void;
  title: string;
  /** What will happen, in a sentence or two. */
  consequence: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  children?: ReactNode;
  /** Throw to keep the dialog open with the error shown. */
  onConfirm(): Promise<void>;
  size?: "md" | "lg";
}

export function ConfirmDialog({ open, onOpenChange, title, consequence, confirmLabel, danger, children, onConfirm, size }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const change = (o: boolean) => {
    if (!o) setError(null);
    onOpenChange(o);
  };
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onOpenChange(false);
    } catch (e) {
      setError(e instanceof ApiProblem ? [e.message, ...e.errors.map((f) => `${f.path}: ${f.message}`)].join(" ") : (e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={open} onOpenChange={change} title={title} description={consequence} size={size}>
      {children}
      {error ? (
        <p role="alert" className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {error}
        </p>
      ) : null}
      <div className="mt-4 flex justify-end gap-2">
        <Button variant="secondary" onClick={() => change(false)}>
          Keep as is
        </Button>
        <Button variant={danger ? "danger" : "primary"} onClick={confirm} disabled={busy}>
          {busy ? "Working…" : confirmLabel}
        </Button>
      </div>
    </Dialog>
  );
}
