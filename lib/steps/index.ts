// Every step type, by name. A type is two files with one name: lib/steps/<type>.ts (this side)
// and worker/steps/<type>.ts (how it runs); a test checks that each has both. Nothing outside
// lib/steps names a type: what a type needs (its ports, entry or exit, purity, waits,
// expression fields) is declared on its definition and read through the helpers below.
import type { StepDefinition } from "./types.ts";
import { start } from "./start.ts";
import { http } from "./http.ts";
import { transform } from "./transform.ts";
import { condition } from "./condition.ts";
import { delay } from "./delay.ts";
import { end } from "./end.ts";
import { approval } from "./approval.ts";
import { code } from "./code.ts";
import { database } from "./database.ts";
import { email } from "./email.ts";
import { waitForEvent } from "./wait-for-event.ts";
import { emitEvent } from "./emit-event.ts";
import { subworkflow } from "./subworkflow.ts";
import { forEach } from "./for-each.ts";
import { decide } from "./decide.ts";

/** The definitions with their own config types (for worker/steps, through defineExecutor). */
export const definitions = { start, http, transform, decide, code, database, email, condition, delay, approval, wait_for_event: waitForEvent, emit_event: emitEvent, subworkflow, for_each: forEach, end };

export type StepType = keyof typeof definitions;

export const stepDefinitions: Record<string, StepDefinition> = Object.fromEntries(
  Object.values(definitions).map((d) => [d.type, d as unknown as StepDefinition]),
);

export const stepTypes = Object.keys(stepDefinitions);

export function stepDefinition(type: string): StepDefinition | undefined {
  return Object.hasOwn(stepDefinitions, type) ? stepDefinitions[type] : undefined;
}

/** Whether runs enter at nodes of this type (a workflow has exactly one such node). */
export const isEntry = (type: string): boolean => stepDefinition(type)?.entry === true;

/** Whether a node of this type gives the run its output. */
export const isExit = (type: string): boolean => stepDefinition(type)?.exit === true;

/** The step type runs enter at: the one a new workflow starts with. */
export function entryStepType(): StepDefinition {
  const entries = Object.values(stepDefinitions).filter((d) => d.entry);
  if (entries.length !== 1) throw new Error(`exactly one step type must be the entry, not ${entries.length}`);
  return entries[0];
}

export type { StepDefinition } from "./types.ts";
export { credentialFields, eventTypeFields, expressionFields, flagRefFields, rawFields, ruleSetRefFields, templatedConfig, workflowRefFields } from "./types.ts";
