// The browser's reads, each defined once: its query key, how it is fetched, and the type of what
// comes back. Components take these (`useQuery(runQuery(id))`, adding their own staleTime,
// enabled or refetchInterval) instead of restating paths, keys and response types per call.
//
// Response types come from the server: the view types of lib/runs/live-state.ts (which the live
// reducer works on) and what the server's read functions return, as JSON (`Json<T>`: dates become
// strings). The checks at the end make a server change that breaks a view type a compile error.
import type { DecisionTable, TableProblem } from "../rules/decision-table.ts";
import type { FlagDefinition, FlagValue } from "../flags/definition.ts";
import type { VersionStats } from "../workflows/rollout.ts";
import { infiniteQueryOptions, queryOptions, skipToken } from "@tanstack/react-query";
import { api } from "./api.ts";
import type { RunSummaryView, RunView, StreamEvent } from "../runs/live-state.ts";
import type { Definition } from "../workflow/definition.ts";
import type { Stats, StatsWindow } from "../runs/stats.ts";
import type { getRun, listDeadLetters, listRuns, listStepLogs } from "../runs/queries.ts";
import type { getVersion, getWorkflow, listWorkflows } from "../workflows/workflows.ts";
import type { listApprovals } from "../approvals/inbox.ts";
import type { actionsFor, ApprovalView } from "../approvals/requests.ts";
import type { openLink } from "../approvals/links.ts";
import type { listCredentials } from "../secrets/credentials.ts";
import type { getTrigger, listTriggers } from "../triggers/triggers.ts";
import type { listEventTypes } from "../events/registry.ts";
import type { getEvent, listEvents } from "../events/log.ts";

/** A server value as JSON makes it: dates become ISO strings. */
export type Json<T> = T extends Date ? string : T extends (infer U)[] ? Json<U>[] : T extends object ? { [K in keyof T]: Json<T[K]> } : T;
type Returned<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;

// What the API returns.

export type { RunSummaryView, RunView, StreamEvent };
export interface RunListPage {
  runs: RunSummaryView[];
  nextCursor: string | null;
  /** The database snapshot the page was read in (null for an empty page): see lib/live/snapshot.ts. */
  snapshot: string | null;
}
export type WorkflowSummary = Json<Returned<typeof listWorkflows>[number]>;
/** Definitions are stored as JSON; the API returns them as they were validated. */
export type WorkflowDetail = Json<Omit<Returned<typeof getWorkflow>, "draft" | "latestDefinition">> & { draft: Definition; latestDefinition: Definition | null };
export type WorkflowVersion = Json<Omit<Returned<typeof getVersion>, "definition">> & { definition: Definition };
export type StepLogsPage = Json<Returned<typeof listStepLogs>>;
export type LogLine = StepLogsPage["logs"][number];
export type DeadLettersPage = Json<Returned<typeof listDeadLetters>>;
export type DeadLetter = DeadLettersPage["deadLetters"][number];
export type DeadLetterFilter = "open" | "resolved" | "all";
export type StatsView = Json<Stats>;
export type ApprovalsPage = Json<Returned<typeof listApprovals>>;
export type ApprovalSummary = ApprovalsPage["approvals"][number];
export type ApprovalDetail = Json<ApprovalView> & { you: ReturnType<typeof actionsFor> };
export type CredentialView = Json<Returned<typeof listCredentials>[number]>;
export type TriggerView = Json<Returned<typeof listTriggers>[number]>;
export type TriggerDetail = Json<Returned<typeof getTrigger>>;
export type EventTypeView = Json<Returned<typeof listEventTypes>[number]>;
export type EventsPage = Json<Returned<typeof listEvents>>;
export type EventDetail = Json<Returned<typeof getEvent>>;
export type ApprovalLinkView = Json<Returned<typeof openLink>>;
/** The inbox's tabs: what each asks the list for. */
export const approvalTabs = {
  mine: { label: "Waiting on me", search: "status=open&assignedTo=me" },
  open: { label: "All open", search: "status=open" },
  decided: { label: "Decided", search: "status=decided" },
} as const;
export type ApprovalTab = keyof typeof approvalTabs;

// Query keys. Everything about one run is under ["run", id] (invalidate the run itself with
// `exact: true`); every run list under ["runs"]; everything about one workflow under ["workflow", id].

export const runKey = (runId: string | null) => ["run", runId] as const;
export const runEventsKey = (runId: string) => ["run", runId, "events"] as const;
export const stepLogsKey = (runId: string, nodeId: string) => ["run", runId, "logs", nodeId] as const;
export const runListsKey = ["runs"] as const;
export const runsStreamKey = ["runs-stream"] as const;
export const workflowListsKey = ["workflows"] as const;
export const workflowVersionKey = (workflowId: string | undefined, number: number | null | undefined) => ["workflow", workflowId, "version", number] as const;
export const deadLetterListsKey = ["dead-letters"] as const;
export const statsKey = ["stats"] as const;
export const approvalsKey = ["approvals"] as const;
export const credentialsKey = ["credentials"] as const;

// Fetches, for reads outside a query (an export, reloading the editor's draft).

export const fetchRun = (runId: string) => api<RunView>(`/runs/${runId}`);
export const fetchWorkflow = (workflowId: string) => api<WorkflowDetail>(`/workflows/${workflowId}`);
export const fetchWorkflows = (q = "") => api<{ workflows: WorkflowSummary[] }>(`/workflows${q ? `?q=${encodeURIComponent(q)}` : ""}`);
export const fetchWorkflowVersion = (workflowId: string, number: number) => api<WorkflowVersion>(`/workflows/${workflowId}/versions/${number}`);

// Queries.

/** One run with its steps and attempts, and the snapshot it was read in. */
export const runQuery = (runId: string | null) =>
  queryOptions({ queryKey: runKey(runId), queryFn: runId === null ? skipToken : () => fetchRun(runId) });

/**
 * A run's events as its stream delivered them (the audit log). Filled by the stream only
 * (`setQueryData`): a refetch, after an invalidation of ["run", id], keeps what is there.
 */
export const runEventsQuery = (runId: string) =>
  queryOptions({
    queryKey: runEventsKey(runId),
    queryFn: ({ client, queryKey }) => client.getQueryData<StreamEvent[]>(queryKey) ?? [],
    initialData: [] as StreamEvent[],
    staleTime: Infinity,
    gcTime: 0,
  });

/** The run-level events of all runs (lib/live/scope.ts), filled by the stream like runEventsQuery. */
export const runsStreamQuery = () =>
  queryOptions({
    queryKey: runsStreamKey,
    queryFn: ({ client, queryKey }) => client.getQueryData<StreamEvent[]>(queryKey) ?? [],
    initialData: [] as StreamEvent[],
    staleTime: Infinity,
  });

/** A step's log lines. */
export const stepLogsQuery = (runId: string, nodeId: string) =>
  queryOptions({ queryKey: stepLogsKey(runId, nodeId), queryFn: () => api<StepLogsPage>(`/runs/${runId}/steps/${encodeURIComponent(nodeId)}/logs`) });

export interface StepItem {
  index: number;
  status: string;
  item: unknown;
  output: unknown;
  error: unknown;
  childRunId: string | null;
  stepRunId: string | null;
  step: { status: string; attempt: number } | null;
}

/** A for-each step's items in order (only those in `status`, when given), page by page. */
export const stepItemsQuery = (runId: string, nodeId: string, status: string) =>
  infiniteQueryOptions({
    queryKey: ["run", runId, "items", nodeId, status] as const,
    queryFn: ({ pageParam }) =>
      api<{ counts: Record<string, number>; items: StepItem[]; nextCursor: number | null }>(
        `/runs/${runId}/steps/${encodeURIComponent(nodeId)}/items?limit=50${status ? `&status=${status}` : ""}${pageParam !== null ? `&after=${pageParam}` : ""}`,
      ),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

export interface RuleSetSummary {
  key: string;
  name: string;
  description: string;
  activeVersion: number | null;
  rows: number;
  hitPolicy: string | null;
  updatedBy: string;
  updatedAt: string;
}

export interface RuleSetDetail extends Omit<RuleSetSummary, "rows" | "hitPolicy"> {
  draft: DecisionTable;
  draftRevision: number;
  problems: TableProblem[];
  versions: { number: number; note: string; createdBy: string; createdAt: string }[];
}

export const ruleSetsKey = ["rule-sets"] as const;
export const ruleSetsQuery = () => queryOptions({ queryKey: ruleSetsKey, queryFn: () => api<{ ruleSets: RuleSetSummary[] }>("/rule-sets") });
export const ruleSetQuery = (key: string) => queryOptions({ queryKey: [...ruleSetsKey, key] as const, queryFn: () => api<RuleSetDetail>(`/rule-sets/${encodeURIComponent(key)}`) });
export const ruleSetVersionQuery = (key: string, number: number | null) =>
  queryOptions({
    queryKey: [...ruleSetsKey, key, "version", number] as const,
    queryFn: number === null ? skipToken : () => api<{ number: number; table: DecisionTable; note: string }>(`/rule-sets/${encodeURIComponent(key)}/versions/${number}`),
    staleTime: Infinity,
  });

export interface FlagSummary {
  id: string;
  key: string;
  name: string;
  description: string;
  kind: "boolean" | "variant";
  enabled: boolean;
  rules: number;
  version: number;
  updatedBy: string;
  updatedAt: string;
  lastHour: { value: FlagValue; count: number }[];
}

export interface FlagDetail {
  id: string;
  key: string;
  name: string;
  description: string;
  definition: FlagDefinition;
  version: number;
  updatedBy: string;
  updatedAt: string;
  versions: { number: number; note: string; createdBy: string; createdAt: string }[];
  lastHour: { value: FlagValue; count: number }[];
}

export interface RolloutView {
  versions: { version: number; weight: number }[];
  stickyKey?: string;
  autoRollback?: { margin: number; minRuns: number };
  startedAt: string;
  startedBy: string;
}

export interface RolloutDetail {
  id: string;
  name: string;
  active: number | null;
  rollout: RolloutView | null;
  stats: VersionStats[];
  versions: { number: number; note: string | null; createdAt: string }[];
  history: { id: string; action: string; actor: string; at: string; data: Record<string, unknown> }[];
}

export const rolloutKey = (workflowId: string) => ["rollout", workflowId] as const;
export const rolloutQuery = (workflowId: string) => queryOptions({ queryKey: rolloutKey(workflowId), queryFn: () => api<RolloutDetail>(`/workflows/${workflowId}/rollout`) });
export const rolloutsQuery = () =>
  queryOptions({ queryKey: ["rollouts"] as const, queryFn: () => api<{ rollouts: { id: string; name: string; active: number; rollout: RolloutView; stats: VersionStats[] }[] }>("/rollouts") });

export const flagsKey = ["flags"] as const;
export const flagsQuery = () => queryOptions({ queryKey: flagsKey, queryFn: () => api<{ flags: FlagSummary[] }>("/flags") });
export const flagQuery = (key: string) => queryOptions({ queryKey: [...flagsKey, key] as const, queryFn: () => api<FlagDetail>(`/flags/${encodeURIComponent(key)}`) });
export const flagVersionQuery = (key: string, number: number | null) =>
  queryOptions({
    queryKey: [...flagsKey, key, "version", number] as const,
    queryFn: number === null ? skipToken : () => api<{ number: number; definition: FlagDefinition; note: string }>(`/flags/${encodeURIComponent(key)}/versions/${number}`),
    staleTime: Infinity,
  });

/** Runs, newest first, page by page; `search` is the list's query string (filters and limit). */
export const runListQuery = (search: string) =>
  infiniteQueryOptions({
    queryKey: [...runListsKey, search] as const,
    queryFn: ({ pageParam }) => api<RunListPage>(`/runs?${search}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ""}`),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

/** Workflows whose name or description contains `q` (all for ""), with their latest run. */
export const workflowsQuery = (q = "") => queryOptions({ queryKey: [...workflowListsKey, q] as const, queryFn: () => fetchWorkflows(q) });

/** One published version of a workflow (immutable); skipped until both are known. */
export const workflowVersionQuery = (workflowId: string | undefined, number: number | null | undefined) =>
  queryOptions({
    queryKey: workflowVersionKey(workflowId, number),
    queryFn: workflowId === undefined || number === null || number === undefined ? skipToken : () => fetchWorkflowVersion(workflowId, number),
  });

/** Dead letters, newest first, page by page. */
export const deadLettersQuery = (status: DeadLetterFilter) =>
  infiniteQueryOptions({
    queryKey: [...deadLetterListsKey, status] as const,
    queryFn: ({ pageParam }) => api<DeadLettersPage>(`/dead-letters?status=${status}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ""}`),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

/** Approval requests of an inbox tab, newest first, page by page. */
export const approvalsQuery = (tab: ApprovalTab) =>
  infiniteQueryOptions({
    queryKey: [...approvalsKey, "list", tab] as const,
    queryFn: ({ pageParam }) => api<ApprovalsPage>(`/approvals?${approvalTabs[tab].search}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ""}`),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

export const approvalQuery = (id: string | null) =>
  queryOptions({ queryKey: [...approvalsKey, "one", id] as const, queryFn: id === null ? skipToken : () => api<ApprovalDetail>(`/approvals/${id}`) });

/** The navigation's badge: requests waiting on the signed-in person. */
export const approvalsWaitingQuery = () => queryOptions({ queryKey: [...approvalsKey, "waiting"] as const, queryFn: () => api<{ count: number }>("/approvals/waiting-count") });

/** Credentials (never their values): the settings page, and the editor's names for templates. */
export const credentialsQuery = () => queryOptions({ queryKey: credentialsKey, queryFn: () => api<{ credentials: CredentialView[] }>("/credentials") });

/** A workflow's triggers; one trigger with its fires, deliveries and history. */
export const triggersKey = (workflowId: string) => ["workflow", workflowId, "triggers"] as const;
export const triggersQuery = (workflowId: string) => queryOptions({ queryKey: triggersKey(workflowId), queryFn: () => api<{ triggers: TriggerView[] }>(`/workflows/${workflowId}/triggers`) });
export const triggerQuery = (id: string) => queryOptions({ queryKey: ["trigger", id] as const, queryFn: () => api<TriggerDetail>(`/triggers/${id}`) });

/** The event type registry. */
export const eventTypesKey = ["event-types"] as const;
export const eventTypesQuery = () => queryOptions({ queryKey: eventTypesKey, queryFn: () => api<{ eventTypes: EventTypeView[] }>("/event-types") });

/** The event log (a query string of filters), and one event with what it caused. */
export const eventsQuery = (search: string) => queryOptions({ queryKey: ["events", search] as const, queryFn: () => api<EventsPage>(`/events?${search}`) });
export const eventQuery = (seq: string) => queryOptions({ queryKey: ["event", seq] as const, queryFn: () => api<EventDetail>(`/events/${seq}`) });

/** The dashboard's figures for a window. */
export const statsQuery = (window: StatsWindow) => queryOptions({ queryKey: [...statsKey, window] as const, queryFn: () => api<StatsView>(`/stats?window=${window}`) });

// The view types declared for the browser must be what the server sends (a compile error otherwise).
type Fits<T extends U, U> = T;
type _RunFits = Fits<Json<Returned<typeof getRun>>, RunView>;
type _RunListFits = Fits<Json<Returned<typeof listRuns>>, RunListPage>;
