// Every operation of /api/v1 in one table: path, permission, query and body schemas. Route
// handlers take their spec from here (`route(operations.startRun, …)`), and the OpenAPI document
// (openapi.ts) is generated from the same objects, so the two cannot drift apart.
import { runStateQuery } from "../runs/state-at.ts";
import { alertRuleBody, createChannelBody, listAlertsQuery, updateAlertRuleBody } from "../alerts/schemas.ts";
import { createFlagBody, evaluateFlagBody, killSwitchBody, saveFlagBody } from "../flags/schemas.ts";
import { createRuleSetBody, evaluateRuleSetBody, publishRuleSetBody, saveRuleSetDraftBody } from "../rules/schemas.ts";
import { z } from "zod";
import { createCredentialBody, updateCredentialBody } from "../secrets/schemas.ts";
import { addEventTypeVersionBody, createEventTypeBody, listEventsQuery as listEventLogQuery, publishEventBody } from "../events/schemas.ts";
import { backfillBody, createTriggerBody, rotateGraceBody, rotateSecretBody, updateTriggerBody } from "../triggers/schemas.ts";
import { changePasswordBody, createTokenBody, createUserBody, loginBody, updateUserBody } from "../admin/schemas.ts";
import {
  createWorkflowBody,
  listDeadLettersQuery,
  listEventsQuery,
  listRunsQuery,
  listStepItemsQuery,
  listStepLogsQuery,
  listWorkflowsQuery,
  pinSampleBody,
  previewTemplatesBody,
  publishBody,
  promoteBody,
  rollbackBody,
  startRolloutBody,
  replayBody,
  saveDraftBody,
  skipStepBody,
  startRunBody,
  startRunQuery,
  testStepBody,
  updateWorkflowBody,
} from "../workflows/schemas.ts";
import { positionParam } from "../live/position.ts";
import { createLinkBody, decideBody, exportApprovalsQuery, listApprovalsQuery, resubmitBody } from "../approvals/schemas.ts";
import { WINDOWS, type StatsWindow } from "../runs/stats.ts";
import type { Permission } from "../auth/permissions.ts";
import { dependencySettingsBody } from "../dependencies/schemas.ts";

export interface Operation {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** OpenAPI style, under /api/v1: `/runs/{id}`. */
  path: string;
  summary: string;
  tag: string;
  /** The permission required; "public" routes skip authentication (health, login). */
  permission: Permission | "public";
  query?: z.ZodType;
  body?: z.ZodType;
  /** Accept a request without a body, parsed as `{}` (e.g. publish with no note). */
  optionalBody?: boolean;
  /** The success status and what it returns. */
  success: { status: number; description: string; contentType?: string };
}

const stream = z.strictObject({
  /** Where to start: an event id as sent in the stream, or 0 for the beginning. */
  after: positionParam.optional(),
});
const demoQuery = z.strictObject({
  key: z.string().min(1).max(200),
  fail: z.coerce.number().int().min(0).max(1000).default(0),
  status: z.coerce.number().int().min(400).max(599).default(503),
  delayMs: z.coerce.number().int().min(0).max(30_000).default(0),
});
const statsQuery = z.strictObject({ window: z.enum(Object.keys(WINDOWS) as [StatsWindow, ...StatsWindow[]]).default("1h") });

const ok = (description: string) => ({ status: 200, description });
const created = (description: string) => ({ status: 201, description });
const noContent = { status: 204, description: "Done; no body." };
const sse = { status: 200, description: "A Server-Sent Events stream of run events; resume with Last-Event-ID.", contentType: "text/event-stream" };

export const operations = {
  health: { method: "GET", path: "/health", tag: "system", summary: "Database, migrations and workers", permission: "public", success: ok("Health; 503 when the database does not answer.") },
  login: { method: "POST", path: "/auth/login", tag: "auth", summary: "Sign in with email and password (sets the session cookie)", permission: "public", body: loginBody, success: ok("The signed-in user.") },
  logout: { method: "POST", path: "/auth/logout", tag: "auth", summary: "End the session", permission: "public", success: noContent },
  me: { method: "GET", path: "/me", tag: "auth", summary: "Who is calling", permission: "read", success: ok("The caller: a user or an API token.") },
  changePassword: { method: "POST", path: "/me/password", tag: "auth", summary: "Change one's own password", permission: "read", body: changePasswordBody, success: noContent },
  listUsers: { method: "GET", path: "/users", tag: "admin", summary: "List users", permission: "admin", success: ok("Users.") },
  createUser: { method: "POST", path: "/users", tag: "admin", summary: "Create a user", permission: "admin", body: createUserBody, success: created("The user.") },
  updateUser: { method: "PATCH", path: "/users/{id}", tag: "admin", summary: "Change a user's name, role, password or disable them", permission: "admin", body: updateUserBody, success: ok("The user.") },
  listTokens: { method: "GET", path: "/tokens", tag: "admin", summary: "List API tokens", permission: "admin", success: ok("Tokens (never their secrets).") },
  createToken: { method: "POST", path: "/tokens", tag: "admin", summary: "Create an API token", permission: "admin", body: createTokenBody, success: created("The token, with its secret shown this once.") },
  revokeToken: { method: "DELETE", path: "/tokens/{id}", tag: "admin", summary: "Revoke an API token", permission: "admin", success: noContent },
  listTriggers: { method: "GET", path: "/workflows/{id}/triggers", tag: "triggers", summary: "A workflow's triggers: schedules and webhooks (never a secret)", permission: "read", success: ok("Triggers.") },
  createTrigger: { method: "POST", path: "/workflows/{id}/triggers", tag: "triggers", summary: "Add a cron or webhook trigger; a webhook's signing secret is in the answer, once", permission: "workflows.write", body: createTriggerBody, success: created("The trigger.") },
  getTrigger: { method: "GET", path: "/triggers/{id}", tag: "triggers", summary: "A trigger with its history, its last 50 fires or deliveries", permission: "read", success: ok("The trigger.") },
  updateTrigger: { method: "PATCH", path: "/triggers/{id}", tag: "triggers", summary: "Change, pause or resume a trigger", permission: "workflows.write", body: updateTriggerBody, success: ok("The trigger.") },
  deleteTrigger: { method: "DELETE", path: "/triggers/{id}", tag: "triggers", summary: "Delete a trigger (its runs keep the link)", permission: "workflows.write", success: noContent },
  rotateTriggerSecret: { method: "POST", path: "/triggers/{id}/rotate-secret", tag: "triggers", summary: "A new webhook signing secret; the previous one verifies for graceMs more (a day by default)", permission: "workflows.write", body: rotateSecretBody, optionalBody: true, success: ok("The trigger, with its new secret shown this once.") },
  backfillTrigger: { method: "POST", path: "/triggers/{id}/backfill", tag: "triggers", summary: "Start a cron trigger's runs for the fire times of a past range, one after another", permission: "runs.start", body: backfillBody, success: ok("How many fires were added.") },
  receiveWebhook: { method: "POST", path: "/hooks/{id}", tag: "triggers", summary: "Deliver a webhook (Standard Webhooks, Stripe or GitHub signature); starts the workflow", permission: "public", success: { status: 202, description: "The run started (or, for a redelivery, the run it started); 200 with the output in sync mode." } },
  receiveWebhookWithToken: { method: "POST", path: "/hooks/{id}/{token}", tag: "triggers", summary: "Deliver a webhook to a trigger verified by a URL token", permission: "public", success: { status: 202, description: "The run started." } },
  revealSigningSecret: { method: "GET", path: "/workflows/{id}/signing-secret", tag: "triggers", summary: "The secret that signs this workflow's result callbacks (Standard Webhooks); reading it is audited", permission: "workflows.write", success: ok("The secret and when it was set.") },
  rotateSigningSecret: { method: "POST", path: "/workflows/{id}/signing-secret", tag: "triggers", summary: "A new callback signing secret; the previous one still signs for graceMs (a day by default)", permission: "workflows.write", body: rotateGraceBody, optionalBody: true, success: ok("The new secret.") },
  listRuleSets: { method: "GET", path: "/rule-sets", tag: "rules", summary: "Decision tables: key, name, active version, rows and hit policy of the draft", permission: "read", success: ok("`{ ruleSets }`.") },
  createRuleSet: { method: "POST", path: "/rule-sets", tag: "rules", summary: "Add a decision table (a draft, with one input and one output unless `table` is given)", permission: "workflows.write", body: createRuleSetBody, success: created("The rule set's key, draft revision and the draft's problems.") },
  getRuleSet: { method: "GET", path: "/rule-sets/{key}", tag: "rules", summary: "One decision table: its draft, the draft's problems (unreadable cells, overlapping rows for unique), its versions", permission: "read", success: ok("The rule set.") },
  saveRuleSetDraft: { method: "PUT", path: "/rule-sets/{key}/draft", tag: "rules", summary: "Save the draft table (409 when `revision` is not the current one)", permission: "workflows.write", body: saveRuleSetDraftBody, success: ok("The new revision and the draft's problems.") },
  publishRuleSet: { method: "POST", path: "/rule-sets/{key}/versions", tag: "rules", summary: "Publish the draft as the next version, active at once (422 naming the cells while it has problems)", permission: "workflows.write", body: publishRuleSetBody, success: created("The version's number.") },
  getRuleSetVersion: { method: "GET", path: "/rule-sets/{key}/versions/{number}", tag: "rules", summary: "A published version's table", permission: "read", success: ok("The version.") },
  getRunStateAt: { method: "GET", path: "/runs/{id}/state", tag: "runs", summary: "The run's state right after one of its events (`?at=<event id>`): run status, each step's status, and the context { input, steps, run } templates would have seen", permission: "read", query: runStateQuery, success: ok("`{ event, status, steps, context }`.") },
  listAlertChannels: { method: "GET", path: "/alert-channels", tag: "alerts", summary: "Where alerts go: webhooks, Slack-compatible incoming webhooks, email", permission: "read", success: ok("`{ channels }`.") },
  createAlertChannel: { method: "POST", path: "/alert-channels", tag: "alerts", summary: "Add a channel (a webhook's signing secret is in the 201, once; a Slack URL is kept sealed)", permission: "admin", body: createChannelBody, success: created("The channel.") },
  deleteAlertChannel: { method: "DELETE", path: "/alert-channels/{id}", tag: "alerts", summary: "Remove a channel (rules stop sending to it)", permission: "admin", success: noContent },
  testAlertChannel: { method: "POST", path: "/alert-channels/{id}/test", tag: "alerts", summary: "Send a test notification (its outcome shows in the history)", permission: "admin", optionalBody: true, success: created("`{ deliveryId }`.") },
  listAlertRules: { method: "GET", path: "/alert-rules", tag: "alerts", summary: "When to alert: run failed, dead letter, run stuck, breaker opened, failure rate", permission: "read", success: ok("`{ rules }`.") },
  createAlertRule: { method: "POST", path: "/alert-rules", tag: "alerts", summary: "Add a rule (422 naming the field)", permission: "admin", body: alertRuleBody, success: created("The rule.") },
  updateAlertRule: { method: "PATCH", path: "/alert-rules/{id}", tag: "alerts", summary: "Change or pause a rule (`enabled`)", permission: "admin", body: updateAlertRuleBody, success: ok("The rule.") },
  deleteAlertRule: { method: "DELETE", path: "/alert-rules/{id}", tag: "alerts", summary: "Remove a rule (its open alerts resolve without notice)", permission: "admin", success: noContent },
  listAlerts: { method: "GET", path: "/alerts", tag: "alerts", summary: "Alert history: what fired and resolved, when, and each delivery's outcome; recent test sends", permission: "read", query: listAlertsQuery, success: ok("`{ alerts, tests }`.") },
  listFlags: { method: "GET", path: "/flags", tag: "flags", summary: "Feature flags: key, kind, on or off, version, and how many evaluations served each value in the last hour", permission: "read", success: ok("`{ flags }`.") },
  createFlag: { method: "POST", path: "/flags", tag: "flags", summary: "Add a flag (boolean, or with `variants`); version 1 serves the off value to everyone unless `definition` is given", permission: "workflows.write", body: createFlagBody, success: created("The flag's key and version.") },
  getFlag: { method: "GET", path: "/flags/{key}", tag: "flags", summary: "One flag: its definition (rules, rollouts, off value), its versions, its evaluations in the last hour", permission: "read", success: ok("The flag.") },
  saveFlag: { method: "PUT", path: "/flags/{key}", tag: "flags", summary: "Change the flag: a new version, in effect in every worker on commit (422 naming the field; 409 when `version` is not the current one)", permission: "workflows.write", body: saveFlagBody, success: ok("The new version.") },
  setFlagEnabled: { method: "POST", path: "/flags/{key}/enabled", tag: "flags", summary: "The kill switch: `enabled: false` serves the off value everywhere at once (a new version, audited)", permission: "rollouts.stop", body: killSwitchBody, success: ok("The new version.") },
  getFlagVersion: { method: "GET", path: "/flags/{key}/versions/{number}", tag: "flags", summary: "A past version's definition", permission: "read", success: ok("The version.") },
  evaluateFlag: { method: "POST", path: "/flags/{key}/evaluate", tag: "flags", summary: "The flag's answer for a context, and why (rule, rollout bucket, off); not counted", permission: "read", body: evaluateFlagBody, success: ok("`{ flag, version, value, reason, rule?, bucket? }`.") },
  evaluateRuleSet: { method: "POST", path: "/rule-sets/{key}/evaluate", tag: "rules", summary: "Evaluate the draft (or a version) against inputs: the result and the rows that matched", permission: "read", body: evaluateRuleSetBody, success: ok("`{ version, result, matched }`.") },
  listEventTypes: { method: "GET", path: "/event-types", tag: "events", summary: "Event types with their schema versions and the workflows that publish and consume each", permission: "read", success: ok("Event types.") },
  createEventType: { method: "POST", path: "/event-types", tag: "events", summary: "Add an event type (PascalCase, past tense) with its first schema", permission: "workflows.write", body: createEventTypeBody, success: created("The type and its version 1.0.") },
  addEventTypeVersion: { method: "POST", path: "/event-types/{name}/versions", tag: "events", summary: "A new schema version: a minor when compatible, else 422 unless major: true", permission: "workflows.write", body: addEventTypeVersionBody, success: created("The new version, and the breaking changes a major one made.") },
  publishEvent: { method: "POST", path: "/events", tag: "events", summary: "Publish an event: checked against its type's schema, stored once per (type, id), delivered to triggers and waiting steps", permission: "runs.start", body: publishEventBody, success: created("The stored event (200 with duplicate: true when it was published before).") },
  listEvents: { method: "GET", path: "/events", tag: "events", summary: "The event log, newest first, by type, id or correlation id", permission: "read", query: listEventLogQuery, success: ok("Events and a cursor.") },
  getEvent: { method: "GET", path: "/events/{seq}", tag: "events", summary: "One event and what it caused: runs started, waiting steps resumed", permission: "read", success: ok("The event.") },
  listOutbox: { method: "GET", path: "/outbox", tag: "credentials", summary: "Messages Email steps wrote instead of sending (no SMTP credential), newest first", permission: "read", success: ok("The last 200 messages.") },
  listCredentials: { method: "GET", path: "/credentials", tag: "credentials", summary: "Credentials: names, kinds, settings, fingerprints and the workflows that use them (never values)", permission: "read", success: ok("Credentials.") },
  createCredential: { method: "POST", path: "/credentials", tag: "credentials", summary: "Save a credential; its value is encrypted and never returned", permission: "admin", body: createCredentialBody, success: created("The credential, without its value.") },
  updateCredential: { method: "PATCH", path: "/credentials/{id}", tag: "credentials", summary: "Replace a credential's value, description or settings", permission: "admin", body: updateCredentialBody, success: ok("The credential, without its value.") },
  deleteCredential: { method: "DELETE", path: "/credentials/{id}", tag: "credentials", summary: "Delete a credential (steps that use it fail until it exists again)", permission: "admin", success: noContent },
  listLoginThrottles: { method: "GET", path: "/login-throttles", tag: "admin", summary: "Failed sign-in counts and the waits they impose", permission: "admin", success: ok("Counts per account, address and account from an address, and the rules.") },
  egressPolicy: { method: "GET", path: "/egress-policy", tag: "admin", summary: "Where outbound calls (HTTP steps, callbacks) may connect", permission: "admin", success: ok("The rules in the order they apply, and BATON_EGRESS_ALLOW.") },
  clearLoginThrottle: { method: "DELETE", path: "/login-throttles/{key}", tag: "admin", summary: "Clear one failed sign-in count (URL-encode the key)", permission: "admin", success: noContent },

  listWorkflows: { method: "GET", path: "/workflows", tag: "workflows", summary: "List workflows", permission: "read", query: listWorkflowsQuery, success: ok("Workflows.") },
  createWorkflow: { method: "POST", path: "/workflows", tag: "workflows", summary: "Create a workflow", permission: "workflows.write", body: createWorkflowBody, success: created("The workflow.") },
  getWorkflow: { method: "GET", path: "/workflows/{id}", tag: "workflows", summary: "A workflow with its draft and the draft's problems", permission: "read", success: ok("The workflow.") },
  updateWorkflow: { method: "PATCH", path: "/workflows/{id}", tag: "workflows", summary: "Rename or describe a workflow", permission: "workflows.write", body: updateWorkflowBody, success: ok("The workflow.") },
  deleteWorkflow: { method: "DELETE", path: "/workflows/{id}", tag: "workflows", summary: "Delete a workflow (its versions and runs stay)", permission: "workflows.write", success: noContent },
  duplicateWorkflow: { method: "POST", path: "/workflows/{id}/duplicate", tag: "workflows", summary: "Copy a workflow's draft into a new workflow", permission: "workflows.write", success: created("The copy.") },
  saveDraft: { method: "PUT", path: "/workflows/{id}/draft", tag: "workflows", summary: "Save the draft; with `revision`, 409 if someone saved since", permission: "workflows.write", body: saveDraftBody, success: ok("The saved draft, its revision and problems.") },
  listVersions: { method: "GET", path: "/workflows/{id}/versions", tag: "workflows", summary: "Published versions", permission: "read", success: ok("Versions, newest first.") },
  publish: { method: "POST", path: "/workflows/{id}/versions", tag: "workflows", summary: "Publish the draft as a new version (422 with its problems)", permission: "workflows.write", body: publishBody, optionalBody: true, success: created("The version.") },
  listRollouts: { method: "GET", path: "/rollouts", tag: "workflows", summary: "Every running canary rollout with its comparison of versions", permission: "read", success: ok("`{ rollouts }`.") },
  getRollout: { method: "GET", path: "/workflows/{id}/rollout", tag: "workflows", summary: "The canary rollout, if one runs: its versions and shares, and each version's runs, failure rate, p50/p95 duration and open dead letters since it started; its history", permission: "read", success: ok("`{ active, rollout, stats, versions, history }`.") },
  startRollout: { method: "PUT", path: "/workflows/{id}/rollout", tag: "workflows", summary: "Start or change a canary rollout: published versions taking shares of new runs next to the active one, sticky by a key template or random, with an optional automatic rollback", permission: "workflows.write", body: startRolloutBody, success: ok("The rollout.") },
  promoteRollout: { method: "POST", path: "/workflows/{id}/rollout/promote", tag: "workflows", summary: "Promote the canary: it becomes the active version for all new runs", permission: "workflows.write", body: promoteBody, optionalBody: true, success: ok("The active version.") },
  rollBackRollout: { method: "POST", path: "/workflows/{id}/rollout/rollback", tag: "workflows", summary: "Roll back: new runs all get the active version; runs already started keep theirs", permission: "rollouts.stop", body: rollbackBody, optionalBody: true, success: ok("The active version.") },
  listSamples: { method: "GET", path: "/workflows/{id}/samples", tag: "editing", summary: "Sample data for tests and previews: pinned outputs over the last run's", permission: "workflows.write", success: ok("`{ input, steps, sources }`.") },
  pinSample: { method: "PUT", path: "/workflows/{id}/samples/{nodeId}", tag: "editing", summary: "Pin a step's sample output", permission: "workflows.write", body: pinSampleBody, success: ok("The samples after the change.") },
  unpinSample: { method: "DELETE", path: "/workflows/{id}/samples/{nodeId}", tag: "editing", summary: "Unpin a step's sample output", permission: "workflows.write", success: ok("The samples after the change.") },
  testStep: {
    method: "POST",
    path: "/workflows/{id}/step-tests",
    tag: "editing",
    summary: "Run one step alone on a worker with sample data (no run is created)",
    permission: "workflows.write",
    body: testStepBody,
    success: { status: 202, description: "Accepted: `{ id, status }`; poll GET /step-tests/{id}." },
  },
  getStepTest: { method: "GET", path: "/step-tests/{id}", tag: "editing", summary: "A step test: its status, then its output or error, resolved config, logs and duration", permission: "workflows.write", success: ok("The test.") },
  previewTemplates: { method: "POST", path: "/workflows/{id}/template-previews", tag: "editing", summary: "What templated fields evaluate to against the sample data", permission: "workflows.write", body: previewTemplatesBody, success: ok("`{ previews: { <field>: { value } | { error } } }`.") },
  getVersion: { method: "GET", path: "/workflows/{id}/versions/{number}", tag: "workflows", summary: "One published version", permission: "read", success: ok("The version and its definition.") },
  startRun: {
    method: "POST",
    path: "/workflows/{id}/runs",
    tag: "runs",
    summary: "Start a run (Idempotency-Key header: one run per key and body); ?wait=<s> waits for the result",
    permission: "runs.start",
    body: startRunBody,
    query: startRunQuery,
    success: { status: 202, description: "Accepted: `{ id, status, statusUrl }`; 200 with the finished run when `wait` was enough." },
  },

  listRuns: { method: "GET", path: "/runs", tag: "runs", summary: "Runs, newest first, with filters and search", permission: "read", query: listRunsQuery, success: ok("Runs with their stuck reason, a cursor, and the snapshot read.") },
  runsStream: { method: "GET", path: "/runs/stream", tag: "live", summary: "Status changes and dead letters of all runs", permission: "read", query: stream, success: sse },
  getRun: { method: "GET", path: "/runs/{id}", tag: "runs", summary: "A run with its steps, attempts and stuck steps", permission: "read", success: ok("The run.") },
  runStream: { method: "GET", path: "/runs/{id}/stream", tag: "live", summary: "Every event of one run; `after=0` starts from the first", permission: "read", query: stream, success: sse },
  listRunEvents: { method: "GET", path: "/runs/{id}/events", tag: "runs", summary: "The run's audit log, oldest first", permission: "read", query: listEventsQuery, success: ok("Events and a cursor.") },
  listStepLogs: { method: "GET", path: "/runs/{id}/steps/{nodeId}/logs", tag: "runs", summary: "Lines a step logged", permission: "read", query: listStepLogsQuery, success: ok("Log lines and a cursor.") },
  listStepItems: { method: "GET", path: "/runs/{id}/steps/{nodeId}/items", tag: "runs", summary: "A for-each step's items, in order: each one's state, output or error, attempts, and the child run or step run that ran it", permission: "read", query: listStepItemsQuery, success: ok("Items, counts by state, and a cursor.") },
  cancelRun: { method: "POST", path: "/runs/{id}/cancel", tag: "commands", summary: "Cancel a run (409 unless queued, running or waiting)", permission: "runs.operate", success: ok("The run's new status.") },
  listDependencies: { method: "GET", path: "/dependencies", tag: "dependencies", summary: "Dependencies (an HTTP step's host, or a key named on a step) with their circuit breaker's state, the window's calls and failures, and the steps waiting on each", permission: "read", success: ok("`{ dependencies }`.") },
  getDependency: { method: "GET", path: "/dependencies/{key}", tag: "dependencies", summary: "One dependency with its breaker's history and the steps waiting on it", permission: "read", success: ok("The dependency.") },
  updateDependency: { method: "PUT", path: "/dependencies/{key}", tag: "dependencies", summary: "Change a dependency's breaker settings (created if new)", permission: "runs.operate", body: dependencySettingsBody, success: ok("The dependency.") },
  forceOpenDependency: { method: "POST", path: "/dependencies/{key}/force-open", tag: "dependencies", summary: "Open the breaker until it is reset: steps on it wait, holding no worker", permission: "runs.operate", success: ok("The dependency.") },
  resetDependency: { method: "POST", path: "/dependencies/{key}/reset", tag: "dependencies", summary: "Close the breaker; steps waiting on it go at once", permission: "runs.operate", success: ok("The dependency.") },
  compensateRun: { method: "POST", path: "/runs/{id}/compensate", tag: "commands", summary: "Fail and compensate: stop the run (or take a failed one) and undo its completed steps through their compensations (409 when there is nothing to undo)", permission: "runs.operate", success: ok("The run's new status (compensating).") },
  resumeRun: { method: "POST", path: "/runs/{id}/resume", tag: "commands", summary: "Queue a failed or cancelled run's failed and cancelled steps again", permission: "runs.operate", success: ok("The run's new status.") },
  replayRun: { method: "POST", path: "/runs/{id}/replay", tag: "commands", summary: "A new run reusing outputs before `fromNodeId` (from the start node with `input`: edit and re-run)", permission: "runs.operate", body: replayBody, success: { status: 202, description: "The new run." } },
  retryStep: { method: "POST", path: "/runs/{id}/steps/{nodeId}/retry", tag: "commands", summary: "Run a failed, cancelled or retry-scheduled step again now", permission: "runs.operate", success: ok("The run's new status.") },
  skipStep: { method: "POST", path: "/runs/{id}/steps/{nodeId}/skip", tag: "commands", summary: "Mark a step skipped with a given output (and branch)", permission: "runs.operate", body: skipStepBody, optionalBody: true, success: ok("The run's new status.") },
  listDeadLetters: { method: "GET", path: "/dead-letters", tag: "runs", summary: "Steps that failed their run", permission: "read", query: listDeadLettersQuery, success: ok("Dead letters and a cursor.") },
  requeueDeadLetter: { method: "POST", path: "/dead-letters/{id}/requeue", tag: "commands", summary: "Run a dead-lettered step again; its run resumes", permission: "runs.operate", success: ok("The run's new status.") },
  discardDeadLetter: { method: "DELETE", path: "/dead-letters/{id}", tag: "commands", summary: "Close a dead letter; its run stays failed", permission: "runs.operate", success: noContent },
  listApprovals: { method: "GET", path: "/approvals", tag: "approvals", summary: "Approval requests, newest first (`assignedTo=me`: those waiting on the caller)", permission: "read", query: listApprovalsQuery, success: ok("Requests.") },
  countWaitingApprovals: { method: "GET", path: "/approvals/waiting-count", tag: "approvals", summary: "How many open requests the caller may decide now (the navigation's badge)", permission: "read", success: ok("`{ count }`.") },
  exportApprovals: { method: "GET", path: "/approvals/export.csv", tag: "approvals", summary: "Every transition of the requests as CSV, one row per decision, with its hashes", permission: "read", query: exportApprovalsQuery, success: { status: 200, description: "CSV (RFC 4180).", contentType: "text/csv" } },
  getApproval: { method: "GET", path: "/approvals/{id}", tag: "approvals", summary: "A request with its data, decisions and whether their hash chain verifies", permission: "read", success: ok("The request.") },
  decideApproval: { method: "POST", path: "/approvals/{id}/decisions", tag: "approvals", summary: "Approve, reject or request changes (comment required for the last two); the run goes on when the request closes", permission: "approvals.decide", body: decideBody, success: ok("The request as it is now.") },
  resubmitApproval: { method: "POST", path: "/approvals/{id}/resubmit", tag: "approvals", summary: "After changes were requested: new data and a comment, by the run's starter or an editor; pending again", permission: "read", body: resubmitBody, success: ok("The request as it is now.") },
  createApprovalLink: { method: "POST", path: "/approvals/{id}/links", tag: "approvals", summary: "A personal, single-use, expiring link for an eligible person to decide without signing in; the URL is shown once", permission: "runs.operate", body: createLinkBody, success: created("`{ url, email, expiresAt }`.") },
  openApprovalLink: { method: "GET", path: "/approval-links/{token}", tag: "approvals", summary: "What a decision link shows (the token is the credential); decides nothing", permission: "public", success: ok("The request, whom the link is for, and why it cannot be used if so.") },
  decideByApprovalLink: { method: "POST", path: "/approval-links/{token}/decisions", tag: "approvals", summary: "Decide through a link, spending it", permission: "public", body: decideBody, success: ok("The request as it is now.") },
  stats: { method: "GET", path: "/stats", tag: "runs", summary: "The dashboard's figures for a window", permission: "read", query: statsQuery, success: ok("Counts, series, durations, queues, dead letters, stuck runs.") },
  openapi: { method: "GET", path: "/openapi.json", tag: "system", summary: "This document", permission: "public", success: ok("OpenAPI 3.1.") },
  demoFlaky: { method: "GET", path: "/demo/flaky", tag: "system", summary: "Fails the first `fail` calls per `key` (for the example workflow)", permission: "public", query: demoQuery, success: ok("`{ ok, call }` once it stops failing.") },
  demoFlakyPost: { method: "POST", path: "/demo/flaky", tag: "system", summary: "As GET", permission: "public", query: demoQuery, success: ok("`{ ok, call }` once it stops failing.") },
} as const satisfies Record<string, Operation>;
