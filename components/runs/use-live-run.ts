"use client";
// One run, live: the API's view of it plus the streamed events that came after (applied in
// lib/runs/live-state.ts), and every event of the run in the query cache for the audit log.
// The full run is refetched now and then (outputs, attempts) and as soon as it ends.
import { useCallback, useEffect, useMemo, useRef } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { runEventsQuery, runKey, runQuery, stepLogsKey } from "#lib/client/queries.ts";
import { isFinishedRun } from "#lib/engine/states.ts";
import { applyRunEvents, runStatusAfter, type RunView, type StreamEvent } from "#lib/runs/live-state.ts";
import { useEventStream, type StreamState } from "../live/use-event-stream.ts";

const REFRESH_MS = 1_000;

export function useLiveRun(runId: string): { run: RunView | undefined; events: StreamEvent[]; error: Error | null; stream: StreamState } {
  const qc = useQueryClient();
  // Kept current by the stream; refetched when it says so (below).
  const query = useQuery({ ...runQuery(runId), staleTime: Infinity });
  const events = useQuery(runEventsQuery(runId)).data;

  const refresh = useRef<{ timer?: ReturnType<typeof setTimeout>; last: number }>({ last: 0 });
  useEffect(() => () => clearTimeout(refresh.current.timer), []);
  const refetchSoon = useCallback(
    (now: boolean) => {
      const r = refresh.current;
      if (r.timer && !now) return;
      clearTimeout(r.timer);
      const wait = now ? 0 : Math.max(0, r.last + REFRESH_MS - Date.now());
      r.timer = setTimeout(() => {
        r.timer = undefined;
        r.last = Date.now();
        void qc.invalidateQueries({ queryKey: runKey(runId), exact: true });
      }, wait);
    },
    [qc, runId],
  );

  const onEvents = useCallback(
    (batch: StreamEvent[]) => {
      qc.setQueryData(runEventsQuery(runId).queryKey, (old = []) => {
        const seen = new Set(old.map((e) => e.position));
        const fresh = batch.filter((e) => !seen.has(e.position));
        return fresh.length ? [...old, ...fresh] : old;
      });
      for (const nodeId of new Set(batch.map((e) => e.nodeId).filter((n): n is string => !!n))) {
        void qc.invalidateQueries({ queryKey: stepLogsKey(runId, nodeId) });
      }
      const ended = batch.some((e) => isFinishedRun(runStatusAfter(e) ?? ""));
      refetchSoon(ended);
    },
    [qc, runId, refetchSoon],
  );
  const stream = useEventStream(`/api/v1/runs/${runId}/stream?after=0`, onEvents);

  const run = useMemo(() => (query.data ? applyRunEvents(query.data, events) : undefined), [query.data, events]);
  return { run, events, error: query.error, stream };
}
