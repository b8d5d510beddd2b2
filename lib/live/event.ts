// A run event as streams carry it (and as the browser receives it). Browser-safe.
export interface StreamEvent {
  /** `<xid>-<id>`: the SSE event id and the resume position (see position.ts). */
  position: string;
  id: string;
  runId: string;
  stepRunId: string | null;
  nodeId: string | null;
  type: string;
  actor: string;
  data: Record<string, unknown>;
  at: string;
}
