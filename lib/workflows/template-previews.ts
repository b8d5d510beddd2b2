// What a step's templated fields evaluate to against the sample data, for the editor to show
// beside them as they are typed. Evaluated by this process's expression pool: bounded
// expressions inline, the rest in evaluator processes with the same time and memory limits as
// a run's, so a hostile template costs a preview no more than it would cost a run.
import type { z } from "zod";
import { expressionPool } from "../expressions/pool.ts";
import { sampleContext } from "./step-tests.ts";
import type { previewTemplatesBody } from "./schemas.ts";

export type Preview = { value: unknown } | { error: string };

export async function previewTemplates(workflowId: string, body: z.infer<typeof previewTemplatesBody>): Promise<Record<string, Preview>> {
  const context = await sampleContext(workflowId, body.sample, "preview");
  const pool = expressionPool();
  const entries = Object.entries(body.fields);
  // Asked for in one turn: they travel to an evaluator as one batch, and each answers alone.
  const settled = await Promise.allSettled(
    entries.map(([key, field]) =>
      field.expression && typeof field.value === "string" ? pool.evaluate(field.value, context, key) : pool.resolve(field.value, context),
    ),
  );
  return Object.fromEntries(
    entries.map(([key], i) => {
      const r = settled[i];
      return [key, r.status === "fulfilled" ? { value: r.value ?? null } : { error: (r.reason as Error)?.message ?? String(r.reason) }];
    }),
  );
}
