"use client";
// A short message shown where something happened (by the cursor), read out by screen readers,
// gone after a few seconds or on the next click.
import { useEffect } from "react";

export interface ToastMessage {
  text: string;
  x: number;
  y: number;
}

export function Toast({ toast, onDone }: { toast: ToastMessage | null; onDone(): void }) {
  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(onDone, 6_000);
    const dismiss = () => onDone();
    window.addEventListener("pointerdown", dismiss, { once: true });
    return () => {
      clearTimeout(timer);
      window.removeEventListener("pointerdown", dismiss);
    };
  }, [toast, onDone]);
  return (
    <div role="status" aria-live="polite" className="pointer-events-none fixed inset-0 z-50">
      {toast ? (
        <p
          data-testid="toast"
          className="absolute max-w-xs rounded-md bg-zinc-900 px-3 py-2 text-sm text-white shadow-lg"
          style={{ left: Math.min(toast.x + 12, window.innerWidth - 330), top: Math.min(toast.y + 12, window.innerHeight - 80) }}
        >
          {toast.text}
        </p>
      ) : null}
    </div>
  );
}
