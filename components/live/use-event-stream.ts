"use client";
// Follows a Server-Sent Events stream of run events. EventSource reconnects by itself after a
// network error and resumes with Last-Event-ID; when the server refuses (an error status), it
// gives up, so we reconnect with backoff, resuming from the last id we saw via `?after=`.
// Events are handed over in batches (a burst after reconnecting arrives as one update).
import { useEffect, useRef, useState } from "react";
import type { StreamEvent } from "#lib/runs/live-state.ts";

export type StreamState = "connecting" | "live" | "reconnecting";

const BACKOFF_MS = [1_000, 2_000, 5_000, 10_000];

function withAfter(url: string, after: string | null): string {
  if (!after) return url;
  const u = new URL(url, window.location.origin);
  u.searchParams.set("after", after);
  return u.pathname + u.search;
}

export function useEventStream(url: string | null, onEvents: (events: StreamEvent[]) => void): StreamState {
  const [state, setState] = useState<StreamState>("connecting");
  const handler = useRef(onEvents);
  useEffect(() => {
    handler.current = onEvents;
  });

  useEffect(() => {
    if (!url) return;
    let source: EventSource | null = null;
    let lastId: string | null = null;
    let failures = 0;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let batch: StreamEvent[] = [];
    let flush: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;

    const deliver = () => {
      flush = undefined;
      const events = batch;
      batch = [];
      if (events.length) handler.current(events);
    };
    const connect = () => {
      source = new EventSource(withAfter(url, lastId));
      const remember = (e: MessageEvent) => {
        if (e.lastEventId) lastId = e.lastEventId;
      };
      source.onmessage = (e) => {
        remember(e);
        batch.push(JSON.parse(e.data) as StreamEvent);
        flush ??= setTimeout(deliver, 0);
      };
      source.addEventListener("ready", (e) => {
        remember(e as MessageEvent);
        failures = 0;
        setState("live");
      });
      source.addEventListener("ping", (e) => remember(e as MessageEvent));
      source.onerror = () => {
        if (stopped) return;
        setState("reconnecting");
        if (source?.readyState === EventSource.CLOSED) {
          // Refused (e.g. signed out, or the server restarting): try again later ourselves.
          retry = setTimeout(connect, BACKOFF_MS[Math.min(failures++, BACKOFF_MS.length - 1)]);
        }
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      clearTimeout(flush);
      source?.close();
      setState("connecting");
    };
  }, [url]);

  return state;
}
