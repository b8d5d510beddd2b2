// What the editor and the validator know about a step type. How it runs is in worker/steps/.
import { z } from "zod";
import { hasTemplate } from "../workflow/templates.ts";

export interface ConfigProblem {
  path: string;
  message: string;
}

export interface StepDefinition<S extends z.ZodType = z.ZodType> {
  type: string;
  label: string;
  description: string;
  /** Icon name from components/canvas/step-icons.tsx. */
  icon: string;
  category: "flow" | "action" | "data";
  config: S;
  defaultConfig: z.input<S>;
  /** Output handles; the first is the one a plain edge leaves from. [] ends a path. */
  outputs: readonly string[];
  /** Whether edges may lead into the node. */
  acceptsInput: boolean;
  /**
   * No effects outside Baton and quick (transform, condition, end): the engine may run the
   * attempt without first recording it as running, and record start and result together. A
   * repeated attempt (after a lost worker) is harmless because nothing outside saw the first.
   */
  pure?: boolean;
  /** Where a run enters: created already done with the run, its output the run's input.
   * A workflow has exactly one such node, and edges never lead into it. */
  entry?: boolean;
  /** Its output is the run's output when the run succeeds (by node id when several are reached). */
  exit?: boolean;
  /** The waits an attempt may ask for (see lib/engine/waits.ts): a `timer` wait resumes itself when
   * due; any other kind is resumed from outside through resumeWaitingStep (approvals, events). */
  waits?: readonly string[];
  /** Checks beyond the schema, on a config that passed it. */
  validate?: (config: z.infer<S>) => ConfigProblem[];
  /** The fields of the step's output when they are known from its config (for checking what
   * later templates read); undefined when they depend on data. */
  outputFields?: (config: z.infer<S>) => string[] | undefined;
}

export const defineStep = <S extends z.ZodType>(definition: StepDefinition<S>): StepDefinition<S> => definition;

/** A string holding at least one `{{ template }}`: accepted wherever a templatable value is. */
export const templateString = z
  .string()
  .refine(hasTemplate, "Enter a value, or a {{ template }} that gives one.")
  .meta({ template: true });

/** A field that takes either a value of `schema` or a template resolved when the step runs. */
export const templatable = <T extends z.ZodType>(schema: T) => z.union([schema, templateString]).meta({ templatable: true });

/** Any JSON value; strings in it may hold templates. */
export const jsonValue = z.json();
