"use client";
// The sample data of the workflow being edited (pinned outputs over the last run's), and the
// person's own sample JSON when they write one: what step tests and template previews run on.
import { useMemo, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "#lib/client/api.ts";

export type SampleSource = { kind: "run"; runId: string } | { kind: "pinned"; pinnedBy: string; pinnedAt: string };

export interface Samples {
  input: unknown;
  steps: Record<string, { output: unknown }>;
  sources: Record<string, SampleSource>;
}

export const samplesKey = (workflowId: string) => ["workflow", workflowId, "samples"] as const;

export interface SampleState {
  samples: Samples | undefined;
  /** Changes whenever the workflow's samples are fetched anew (a pin, a new run). */
  version: number;
  /** The JSON the person wrote, or null while the workflow's samples are used. */
  text: string | null;
  setText(text: string | null): void;
  /** What to send: their sample when it parses; undefined for the workflow's own. */
  body: { input?: unknown; steps?: Record<string, { output: unknown }> } | undefined;
  /** Why their sample cannot be used, or null. */
  error: string | null;
}

export function useSamples(workflowId: string, enabled: boolean): SampleState {
  const query = useQuery({ queryKey: samplesKey(workflowId), queryFn: () => api<Samples>(`/workflows/${workflowId}/samples`), enabled });
  const [text, setText] = useState<string | null>(null);
  const parsed = useMemo(() => {
    if (text === null) return { body: undefined, error: null };
    try {
      const value = JSON.parse(text) as unknown;
      if (!value || typeof value !== "object" || Array.isArray(value)) return { body: undefined, error: "Write an object with “input” and “steps”." };
      const { input, steps } = value as { input?: unknown; steps?: unknown };
      if (steps !== undefined && (typeof steps !== "object" || steps === null || Array.isArray(steps))) return { body: undefined, error: "“steps” maps step ids to { \"output\": … }." };
      return { body: { input, steps: steps as Record<string, { output: unknown }> | undefined }, error: null };
    } catch (e) {
      return { body: undefined, error: `Not valid JSON yet: ${(e as Error).message}` };
    }
  }, [text]);
  return { samples: query.data, version: query.dataUpdatedAt, text, setText, ...parsed };
}
