// Why a run is stuck, in words: the same sentences in the API (ISO times) and the browser (local
// times). Browser-safe.
export type StuckKind = "timeout" | "heartbeat" | "queued" | "retry" | "waiting";

const WORDS: Record<StuckKind, (since: string) => string> = {
  timeout: (since) => `running past its timeout (since ${since}); its worker should have stopped it.`,
  heartbeat: (since) => `running, but its worker has not been heard from since ${since}.`,
  queued: (since) => `queued since ${since}; are workers running?`,
  retry: (since) => `due for a retry since ${since}; are workers running?`,
  waiting: (since) => `waiting since ${since}.`,
};

export const stuckMessage = (nodeId: string, kind: StuckKind, since: string) => `Step ${nodeId} is ${WORDS[kind](since)}`;
