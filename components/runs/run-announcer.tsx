"use client";
// What changes on a live run, told to screen readers: the run's status, and steps that finish,
// fail, wait or retry. Told politely and at most every two seconds; changes that come together
// are told together (a busy run does not read out every event), and what the page showed when it
// opened is not told at all.
import { useEffect, useRef, useState } from "react";
import type { RunView } from "#lib/runs/live-state.ts";

const TOLD: Record<string, string> = { succeeded: "succeeded", failed: "failed", retry_scheduled: "will be retried", waiting: "is waiting", cancelled: "was cancelled", skipped: "was skipped" };
const EVERY_MS = 2000;

/** `named`: the step names are known (the version has loaded); nothing is told before. */
export function RunAnnouncer({ run, nameOf, named }: { run: RunView; nameOf(nodeId: string): string; named: boolean }) {
  const seen = useRef<Map<string, string> | null>(null);
  // Named when told, not when seen: the version (and so the names) may arrive after the run.
  const pending = useRef<{ nodeId?: string; text: string }[]>([]);
  const names = useRef(nameOf);
  useEffect(() => {
    names.current = nameOf;
  }, [nameOf]);
  const lastTold = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const [text, setText] = useState("");

  useEffect(() => {
    const now = new Map<string, string>([["run", run.status], ...run.steps.map((s) => [`${s.nodeId}:${s.iteration}`, s.status] as [string, string])]);
    const before = seen.current;
    seen.current = now;
    if (!before) return;
    for (const s of run.steps) {
      const status = now.get(`${s.nodeId}:${s.iteration}`)!;
      if (before.get(`${s.nodeId}:${s.iteration}`) !== status && TOLD[status]) pending.current.push({ nodeId: s.nodeId, text: TOLD[status] });
    }
    if (before.get("run") !== run.status) pending.current.push({ text: `Run ${run.status.replaceAll("_", " ")}` });
    if (pending.current.length === 0 || timer.current || !named) return;
    const tell = () => {
      timer.current = undefined;
      const messages = pending.current.splice(0).map((m) => (m.nodeId ? `${names.current(m.nodeId)} ${m.text}` : m.text));
      lastTold.current = Date.now();
      setText(messages.length > 4 ? `${messages.slice(0, 3).join(". ")}, and ${messages.length - 3} more changes.` : `${messages.join(". ")}.`);
    };
    timer.current = setTimeout(tell, Math.max(0, lastTold.current + EVERY_MS - Date.now()));
  }, [run, named]);
  useEffect(() => () => clearTimeout(timer.current), []);

  return (
    <div role="status" aria-live="polite" className="sr-only" data-testid="run-announcer">
      {text}
    </div>
  );
}
