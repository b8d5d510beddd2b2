// Testing one step from the editor, and the sample data it runs against.
//
// A test is a row in step_tests and a job on the step-test queue: a worker runs the step with
// the real executor, in its expression sandbox and behind the egress policy, and writes the
// result back (worker/step-tests.ts). No run is created: nothing is retried, nothing follows.
//
// Sample data stands in for a run: the run input and the outputs of earlier steps. A step's
// pinned sample wins; otherwise the workflow's last run supplies what it has; what the caller
// sends wins over both.
import type { z } from "zod";
import { db as defaultDb, type Db, type Prisma } from "../db.ts";
import { notFound, unprocessable } from "../api/errors.ts";
import { engine } from "../engine/runtime.ts";
import { STEP_TEST_QUEUE } from "../engine/jobs.ts";
import { bossDb, transaction } from "../engine/tx.ts";
import type { RunContext } from "../workflow/templates.ts";
import type { Definition } from "../workflow/definition.ts";
import { nodeConfigProblems } from "../workflow/validate.ts";
import { isEntry } from "../steps/index.ts";
import { findLive } from "./workflows.ts";
import type { pinSampleBody, sampleData, testStepBody } from "./schemas.ts";

/** How long a test may run on a worker, whatever the step's own timeout. */
export const STEP_TEST_TIMEOUT_MS = 60_000;
/** Tests older than this are deleted as new ones are made. */
const KEEP_TESTS = "1 day";
/** A test no worker has finished this long after it was asked for is reported lost. */
const LOST_AFTER_MS = STEP_TEST_TIMEOUT_MS + 30_000;

type Sample = z.infer<typeof sampleData>;
export type SampleSource = { kind: "run"; runId: string } | { kind: "pinned"; pinnedBy: string; pinnedAt: Date };

export interface Samples {
  input: unknown;
  steps: Record<string, { output: unknown }>;
  /** Where each part came from: `input` and step ids. Parts without a source are absent. */
  sources: Record<string, SampleSource>;
}

const startNodeId = (draft: Definition) => draft.nodes.find((n) => isEntry(n.type))?.id;

/** The workflow's sample data: pinned outputs over its last run's. */
export async function workflowSamples(workflowId: string, db: Db = defaultDb()): Promise<Samples> {
  const workflow = await findLive(db, workflowId);
  const startId = startNodeId(workflow.draft as unknown as Definition);
  const [last, pins] = await Promise.all([
    db.run.findFirst({
      where: { workflowId },
      orderBy: { createdAt: "desc" },
      select: { id: true, input: true, steps: { where: { status: "succeeded", iteration: 0 }, select: { nodeId: true, output: true } } },
    }),
    db.stepSample.findMany({ where: { workflowId } }),
  ]);
  const samples: Samples = { input: {}, steps: {}, sources: {} };
  if (last) {
    samples.input = last.input;
    samples.sources.input = { kind: "run", runId: last.id };
    for (const s of last.steps) {
      samples.steps[s.nodeId] = { output: s.output };
      samples.sources[s.nodeId] = { kind: "run", runId: last.id };
    }
  }
  for (const pin of pins) {
    const source = { kind: "pinned" as const, pinnedBy: pin.pinnedBy, pinnedAt: pin.pinnedAt };
    samples.steps[pin.nodeId] = { output: pin.output };
    samples.sources[pin.nodeId] = source;
    // The start step's output is the run input.
    if (pin.nodeId === startId) {
      samples.input = pin.output;
      samples.sources.input = source;
    }
  }
  return samples;
}

/** The data templates see in a test or preview: the caller's sample over the workflow's. */
export async function sampleContext(workflowId: string, sample: Sample | undefined, purpose: "test" | "preview", db: Db = defaultDb()): Promise<RunContext> {
  const samples = await workflowSamples(workflowId, db);
  return {
    input: sample?.input !== undefined ? sample.input : samples.input,
    steps: { ...samples.steps, ...sample?.steps },
    run: { id: purpose, workflowId, attempt: 1 },
  };
}

export async function pinSample(workflowId: string, nodeId: string, body: z.infer<typeof pinSampleBody>, actor: string, db: Db = defaultDb()) {
  await findLive(db, workflowId);
  const output = body.output as Prisma.InputJsonValue;
  await db.stepSample.upsert({
    where: { workflowId_nodeId: { workflowId, nodeId } },
    create: { workflowId, nodeId, output, pinnedBy: actor },
    update: { output, pinnedBy: actor, pinnedAt: new Date() },
  });
  return workflowSamples(workflowId, db);
}

export async function unpinSample(workflowId: string, nodeId: string, db: Db = defaultDb()) {
  await findLive(db, workflowId);
  await db.stepSample.deleteMany({ where: { workflowId, nodeId } });
  return workflowSamples(workflowId, db);
}

/** Queues a test of `body.node`; a worker picks it up at once. 422 for a step that cannot run. */
export async function startStepTest(workflowId: string, body: z.infer<typeof testStepBody>, actor: string, db: Db = defaultDb()) {
  await findLive(db, workflowId);
  const problems = nodeConfigProblems(body.node, ["node"]);
  if (problems.length) throw unprocessable("This step cannot run as it is configured.", problems);
  const context = await sampleContext(workflowId, body.sample, "test", db);
  const { pool, boss } = await engine();
  const id = await transaction(pool, async (tx) => {
    await tx.query(`delete from step_tests where created_at < now() - interval '${KEEP_TESTS}'`);
    const { rows } = await tx.query(`insert into step_tests (workflow_id, node_id, node, sample, requested_by) values ($1, $2, $3, $4, $5) returning id`, [
      workflowId,
      body.node.id,
      JSON.stringify(body.node),
      JSON.stringify({ input: context.input, steps: context.steps }),
      actor,
    ]);
    const testId = rows[0].id as string;
    await boss.send(STEP_TEST_QUEUE, { testId }, { db: bossDb(tx) });
    await tx.query(`select pg_notify('baton_step_tests', '')`);
    return testId;
  });
  return { id, status: "queued" as const };
}

export async function getStepTest(id: string, db: Db = defaultDb()) {
  const test = await db.stepTest.findUnique({ where: { id } });
  if (!test) throw notFound(`Step test ${id}`);
  const { node, sample, ...rest } = test;
  const lost = (test.status === "queued" || test.status === "running") && Date.now() - test.createdAt.getTime() > LOST_AFTER_MS;
  return {
    ...rest,
    node,
    sample,
    ...(lost
      ? {
          status: "failed",
          error: { message: test.status === "queued" ? "No worker picked this test up. Is a worker running? Test again once one is." : "The worker running this test stopped before it finished. Test again." },
        }
      : {}),
  };
}
