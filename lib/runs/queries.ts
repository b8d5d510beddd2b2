// Reading runs: lists with keyset cursors, one run with its steps and attempts, its events.
import type { z } from "zod";
import { db as defaultDb, type Db, type Prisma } from "../db.ts";
import { notFound } from "../api/errors.ts";
import { decodeCursor, encodeCursor } from "../api/cursor.ts";
import type { listDeadLettersQuery, listEventsQuery, listRunsQuery } from "../workflows/schemas.ts";

const runSummary = {
  id: true,
  workflowId: true,
  versionNumber: true,
  status: true,
  error: true,
  idempotencyKey: true,
  correlationId: true,
  replayOf: true,
  createdBy: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  workflow: { select: { name: true } },
} as const;

type RunSummaryRow = Prisma.RunGetPayload<{ select: typeof runSummary }>;

export const statusUrl = (id: string) => `/api/v1/runs/${id}`;

function present({ workflow, versionNumber, ...run }: RunSummaryRow) {
  const end = run.finishedAt ?? null;
  return {
    ...run,
    workflowName: workflow.name,
    version: versionNumber,
    durationMs: run.startedAt && end ? end.getTime() - run.startedAt.getTime() : null,
    statusUrl: statusUrl(run.id),
  };
}

/** Newest first. The cursor is the last run of the previous page. */
export async function listRuns(query: z.infer<typeof listRunsQuery>, db: Db = defaultDb()) {
  const after = decodeCursor(query.cursor);
  const rows = await db.run.findMany({
    where: {
      ...(query.workflowId ? { workflowId: query.workflowId } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(after ? { OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }] } : {}),
    },
    select: runSummary,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { runs: page.map(present), nextCursor: rows.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null };
}

export async function getRun(id: string, db: Db = defaultDb()) {
  const run = await db.run.findUnique({
    where: { id },
    select: {
      ...runSummary,
      input: true,
      output: true,
      deadlineAt: true,
      progress: true,
      steps: {
        orderBy: [{ createdAt: "asc" }, { nodeId: "asc" }],
        select: {
          id: true,
          nodeId: true,
          iteration: true,
          type: true,
          status: true,
          attempt: true,
          maxAttempts: true,
          input: true,
          output: true,
          branch: true,
          error: true,
          reason: true,
          progress: true,
          workerId: true,
          queuedAt: true,
          startedAt: true,
          finishedAt: true,
          heartbeatAt: true,
          nextAttemptAt: true,
          waitUntil: true,
          reusedFrom: true,
          attempts: {
            orderBy: { attempt: "asc" },
            select: { attempt: true, status: true, workerId: true, startedAt: true, finishedAt: true, error: true, retryDelayMs: true },
          },
        },
      },
    },
  });
  if (!run) throw notFound(`Run ${id}`);
  const { steps, input, output, deadlineAt, progress, ...summary } = run;
  return { ...present(summary), input, output, deadlineAt, progress, steps };
}

export async function listRunEvents(runId: string, query: z.infer<typeof listEventsQuery>, db: Db = defaultDb()) {
  if (!(await db.run.findUnique({ where: { id: runId }, select: { id: true } }))) throw notFound(`Run ${runId}`);
  const rows = await db.runEvent.findMany({
    where: { runId, ...(query.after !== undefined ? { id: { gt: query.after } } : {}) },
    select: { id: true, stepRunId: true, nodeId: true, type: true, actor: true, data: true, at: true },
    orderBy: { id: "asc" },
    take: query.limit + 1,
  });
  const page = rows.slice(0, query.limit).map((e) => ({ ...e, id: e.id.toString() }));
  return { events: page, nextCursor: rows.length > query.limit ? page.at(-1)!.id : null };
}

export async function listDeadLetters(query: z.infer<typeof listDeadLettersQuery>, db: Db = defaultDb()) {
  const after = decodeCursor(query.cursor);
  const rows = await db.deadLetter.findMany({
    where: {
      ...(query.status === "open" ? { resolvedAt: null } : query.status === "resolved" ? { resolvedAt: { not: null } } : {}),
      ...(after ? { OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }] } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
  });
  const workflowNames = new Map(
    (await db.workflow.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.workflowId))] } }, select: { id: true, name: true } })).map((w) => [w.id, w.name]),
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    deadLetters: page.map((d) => ({ ...d, workflowName: workflowNames.get(d.workflowId) ?? null, runUrl: statusUrl(d.runId) })),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}
