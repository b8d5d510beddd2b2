"use client";
// Saves the draft a moment after each change. Each save names the revision it started from, so
// a second tab (or person) saving meanwhile makes this one stop with a conflict instead of
// overwriting their work; the person then reloads theirs or overwrites on purpose. Leaving the
// editor never loses an edit: a link inside Baton waits for the save (and asks if it fails),
// closing the tab warns, and any other way out (the back button) saves as the editor goes.
import { useCallback, useEffect, useRef, useState } from "react";
import { useRouter } from "next/navigation";
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
  const enabledRef = useRef(enabled);
  useEffect(() => {
    enabledRef.current = enabled;
  });
  const router = useRouter();
  const dirty = () => latest.current.version !== saved.current;

  const save = useCallback(
    async (force = false): Promise<void> => {
      if (inFlight.current) await inFlight.current;
      const { definition: body, version: at } = latest.current;
      if (!force && (at === saved.current || blocked.current)) return;
      if (!enabledRef.current) return;
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
      if (enabledRef.current && dirty()) e.preventDefault();
    };
    // A click on a link inside Baton (breadcrumb, navigation, user menu) waits for the save; if
    // it cannot be saved, the person decides. Caught before Next's own handler sees the click.
    const leave = (e: MouseEvent) => {
      if (!enabledRef.current || !dirty() || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const link = (e.target as Element | null)?.closest?.("a[href]") as HTMLAnchorElement | null;
      if (!link || link.target === "_blank" || link.origin !== window.location.origin || link.hasAttribute("download")) return;
      e.preventDefault();
      e.stopPropagation();
      void save().then(() => {
        if (!dirty() || window.confirm("Your latest changes could not be saved. Leave this page and lose them?")) router.push(link.pathname + link.search + link.hash);
      });
    };
    // The page itself goes away (reload, another site, a history step out of Baton): the save
    // goes out as a keepalive request, which outlives the page.
    const unload = () => {
      if (!enabledRef.current || !dirty() || blocked.current) return;
      void fetch(`/api/v1/workflows/${workflowId}/draft`, {
        method: "PUT",
        keepalive: true,
        credentials: "same-origin",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ definition: latest.current.definition, revision: revision.current }),
      }).catch(() => undefined);
    };
    window.addEventListener("beforeunload", warn);
    window.addEventListener("pagehide", unload);
    document.addEventListener("click", leave, true);
    return () => {
      window.removeEventListener("beforeunload", warn);
      window.removeEventListener("pagehide", unload);
      document.removeEventListener("click", leave, true);
      // Leaving by other means (the back button): the save goes out as the editor unmounts.
      if (enabledRef.current && dirty() && !blocked.current) void save();
    };
    // Set up once: everything it reads is in refs.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return {
    status,
    error,
    /** Saves now if anything is unsaved (before publishing). */
    flush: () => save(),
    /** Whether the document has changes not saved yet. */
    dirty,
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
