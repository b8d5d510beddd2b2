"use client";
// Saves the draft a moment after each change. Each save names the revision it started from, so
// a second tab (or person) saving meanwhile makes this one stop with a conflict instead of
// overwriting their work; the person then reloads theirs or overwrites on purpose.
import { useCallback, useEffect, useRef, useState } from "react";
import { api, ApiProblem } from "#lib/client/api.ts";
import type { Definition } from "#lib/workflow/definition.ts";

export type SaveStatus = "saved" | "unsaved" | "saving" | "error" | "conflict";

const DEBOUNCE_MS = 700;

export function useAutosave(options: { workflowId: string; definition: Definition; version: number; revision: number; enabled: boolean }) {
  const { workflowId, definition, version, enabled } = options;
  const [status, setStatus] = useState<SaveStatus>("saved");
  const [error, setError] = useState<string | null>(null);
  const revision = useRef(options.revision);
  const saved = useRef(version);
  const latest = useRef({ definition, version });
  useEffect(() => {
    latest.current = { definition, version };
  });
  const inFlight = useRef<Promise<void> | null>(null);
  const blocked = useRef(false);

  const save = useCallback(
    async (force = false): Promise<void> => {
      if (inFlight.current) await inFlight.current;
      const { definition: body, version: at } = latest.current;
      if (!force && (at === saved.current || blocked.current)) return;
      setStatus("saving");
      const attempt = (async () => {
        try {
          const res = await api<{ revision: number }>(`/workflows/${workflowId}/draft`, {
            method: "PUT",
            body: force ? { definition: body } : { definition: body, revision: revision.current },
          });
          revision.current = res.revision;
          saved.current = at;
          blocked.current = false;
          setError(null);
          setStatus(latest.current.version === at ? "saved" : "unsaved");
        } catch (e) {
          if (e instanceof ApiProblem && e.status === 409) {
            blocked.current = true;
            setStatus("conflict");
          } else {
            setStatus("error");
            setError(e instanceof Error ? e.message : String(e));
          }
        }
      })();
      inFlight.current = attempt;
      await attempt;
      inFlight.current = null;
    },
    [workflowId],
  );

  useEffect(() => {
    if (!enabled || version === saved.current || blocked.current) return;
    setStatus((s) => (s === "saving" ? s : "unsaved"));
    const timer = setTimeout(() => void save(), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [enabled, version, save]);

  // A failed save is retried every few seconds until it goes through.
  useEffect(() => {
    if (status !== "error") return;
    const timer = setTimeout(() => void save(), 3000);
    return () => clearTimeout(timer);
  }, [status, save]);

  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (latest.current.version !== saved.current) e.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, []);

  return {
    status,
    error,
    /** Saves now if anything is unsaved (before publishing). */
    flush: () => save(),
    /** After a conflict: keep my version, replacing theirs. */
    overwrite: () => save(true),
    /** After a conflict, once their version is loaded: start from its revision. */
    adopt(rev: number, atVersion: number) {
      revision.current = rev;
      saved.current = atVersion;
      blocked.current = false;
      setStatus("saved");
    },
  };
}
