// Every step type, by name. A type is two files with one name: lib/steps/<type>.ts (this side)
// and worker/steps/<type>.ts (how it runs); a test checks that each has both.
import type { StepDefinition } from "./types.ts";
import { start } from "./start.ts";
import { http } from "./http.ts";
import { transform } from "./transform.ts";
import { condition } from "./condition.ts";
import { delay } from "./delay.ts";
import { end } from "./end.ts";

export const stepDefinitions: Record<string, StepDefinition> = Object.fromEntries(
  [start, http, transform, condition, delay, end].map((d) => [d.type, d as unknown as StepDefinition]),
);

export const stepTypes = Object.keys(stepDefinitions);

export function stepDefinition(type: string): StepDefinition | undefined {
  return Object.hasOwn(stepDefinitions, type) ? stepDefinitions[type] : undefined;
}

export type { StepDefinition } from "./types.ts";
