"use client";
// The run-level events of all runs (status changes, dead letters), kept in the query cache for
// lists and the dashboard, which refresh what events cannot tell them (new rows, figures) at
// most every `refreshMs`.
import { useCallback, useEffect, useRef } from "react";
import { useQuery, useQueryClient, type QueryKey } from "@tanstack/react-query";
import { runsStreamQuery } from "#lib/client/queries.ts";
import type { StreamEvent } from "#lib/runs/live-state.ts";
import { useEventStream, type StreamState } from "../live/use-event-stream.ts";

const KEEP = 2_000;

export function useRunsStream(refresh: QueryKey[], refreshMs = 2_000): { events: StreamEvent[]; stream: StreamState } {
  const qc = useQueryClient();
  const events = useQuery(runsStreamQuery()).data;
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const keys = useRef(refresh);
  useEffect(() => {
    keys.current = refresh;
  });
  useEffect(() => () => clearTimeout(timer.current), []);

  const onEvents = useCallback(
    (batch: StreamEvent[]) => {
      qc.setQueryData(runsStreamQuery().queryKey, (old = []) => {
        const seen = new Set(old.map((e) => e.position));
        return [...old, ...batch.filter((e) => !seen.has(e.position))].slice(-KEEP);
      });
      timer.current ??= setTimeout(() => {
        timer.current = undefined;
        for (const key of keys.current) void qc.invalidateQueries({ queryKey: key });
      }, refreshMs);
    },
    [qc, refreshMs],
  );
  const stream = useEventStream("/api/v1/runs/stream", onEvents);
  return { events, stream };
}
