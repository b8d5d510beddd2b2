"use client";
// Previews of the selected step's templated fields, asked for a moment after typing stops.
import { useEffect, useMemo, useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api } from "#lib/client/api.ts";
import { previewFields } from "#lib/canvas/previews.ts";
import { canonicalJson } from "#lib/workflow/canonical.ts";
import type { SampleState } from "./use-samples.ts";

import type { FieldPreview as Preview } from "../config-form.tsx";

const PAUSE_MS = 300;

function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function usePreviews(workflowId: string, stepType: string, config: Record<string, unknown>, sample: SampleState, enabled: boolean): Record<string, Preview> {
  const fields = useMemo(() => previewFields(stepType, config), [stepType, config]);
  const request = useSettled(useMemo(() => canonicalJson({ fields, sample: sample.body ?? null, version: sample.version }), [fields, sample.body, sample.version]), PAUSE_MS);
  const query = useQuery({
    queryKey: ["workflow", workflowId, "previews", request],
    queryFn: () => {
      const { fields, sample } = JSON.parse(request) as { fields: object; sample: object | null };
      return api<{ previews: Record<string, Preview> }>(`/workflows/${workflowId}/template-previews`, { body: { fields, ...(sample ? { sample } : {}) } });
    },
    enabled: enabled && Object.keys(fields).length > 0 && !sample.error,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
  // Only fields that still hold templates: one just cleared loses its preview at once.
  return useMemo(() => Object.fromEntries(Object.entries(query.data?.previews ?? {}).filter(([k]) => k in fields)), [query.data, fields]);
}
