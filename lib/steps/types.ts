// What the editor and the validator know about a step type. How it runs is in worker/steps/.
import { z } from "zod";
import { hasTemplate } from "../workflow/templates.ts";
import type { StepIcon } from "./icons.ts";

export interface ConfigProblem {
  path: string;
  message: string;
}

/** `S` is the config schema; `O` and `W` are the outputs and waits as written, so that an
 * executor's branch and wait kinds are checked against them (worker/steps/types.ts). */
export interface StepDefinition<S extends z.ZodType = z.ZodType, O extends readonly string[] = readonly string[], W extends readonly string[] = readonly string[]> {
  type: string;
  label: string;
  description: string;
  /** One of lib/steps/icons.ts, drawn by components/canvas/step-icons.tsx. */
  icon: StepIcon;
  category: "flow" | "action" | "data";
  config: S;
  defaultConfig: z.input<S>;
  /** Output handles; the first is the one a plain edge leaves from. [] ends a path. */
  outputs: O;
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
  waits?: W;
  /** Runs a body once per item: the node drawn on its "each item" edge (edge kind "body"), or the
   * workflow its `workflowId` names; one of the two (lib/engine/for-each.ts). */
  itemBody?: boolean;
  /** The dependency an attempt calls, by default (its config resolved): the host of an HTTP
   * step's URL. Its circuit breaker gates the attempt; a node's `dependency` overrides it. */
  dependencyOf?: (config: z.infer<S>) => string | undefined;
  /** What of its resolved config the step keeps as its input, when not all of it (a for-each's
   * items are rows of their own, not one value in the step's input). */
  keptInput?: (config: Record<string, unknown>) => unknown;
  /** Checks beyond the schema, on a config that passed it. */
  validate?: (config: z.infer<S>) => ConfigProblem[];
  /** The fields of the step's output when they are known from its config (for checking what
   * later templates read); undefined when they depend on data. */
  outputFields?: (config: z.infer<S>) => string[] | undefined;
}

export const defineStep = <S extends z.ZodType, const O extends readonly string[], const W extends readonly string[] = readonly []>(
  definition: StepDefinition<S, O, W>,
): StepDefinition<S, O, W> => definition;

/** A string holding at least one `{{ template }}`: accepted wherever a templatable value is.
 * Branded in the parsed type only (no effect at run time), so that `Resolved` can drop it. */
export const templateString = z
  .string()
  .refine(hasTemplate, "Enter a value, or a {{ template }} that gives one.")
  .meta({ template: true })
  .brand<"Template">();

type TemplateString = z.infer<typeof templateString>;

/** A field that takes either a value of `schema` or a template resolved when the step runs. */
export const templatable = <T extends z.ZodType>(schema: T) => z.union([schema, templateString]).meta({ templatable: true });

/** Any JSON value; strings in it may hold templates. */
export const jsonValue = z.json();

/**
 * A config as its executor gets it: templates resolved, so a templatable field holds its value
 * (templatable() is used on a config's own fields, which is as deep as this looks).
 */
export type Resolved<C> = C extends object ? { [K in keyof C]: Exclude<C[K], TemplateString> } : C;

/** The config fields that hold a JSONata expression as it is (a condition's), not text with
 * {{ templates }}: declared with `.meta({ expression: true })` on the field. The validator
 * checks them as expressions and the editor previews them evaluated. */
export const expressionFields = (definition: StepDefinition) => markedFields(definition, "expression");

/** The config fields taken as they are, never as templates (a Code step's source: `{{` in
 * JavaScript is not a template): declared with `.meta({ raw: true })`. */
export const rawFields = (definition: StepDefinition) => markedFields(definition, "raw");

/** The config fields naming a credential (`.meta({ credential: kind })`): checked like
 * {{ secrets.NAME }} and offered as a choice of credentials in the editor. */
export const credentialFields = (definition: StepDefinition) => markedFields(definition, "credential");

/** The config fields naming an event type (`.meta({ eventType: true })`): checked against the
 * registry and offered as a choice of types in the editor. */
export const eventTypeFields = (definition: StepDefinition) => markedFields(definition, "eventType");

/** The config fields naming another workflow (`.meta({ workflowRef: true })`): checked to exist
 * and not to call back into the workflow being published, offered as a choice in the editor. */
export const workflowRefFields = (definition: StepDefinition) => markedFields(definition, "workflowRef");

/** The config fields naming a rule set (`.meta({ ruleSetRef: true })`): checked to exist and be
 * published, offered as a choice in the editor. */
export const ruleSetRefFields = (definition: StepDefinition) => markedFields(definition, "ruleSetRef");

/** The config fields naming a feature flag (`.meta({ flagRef: true })`): checked to exist. */
export const flagRefFields = (definition: StepDefinition) => markedFields(definition, "flagRef");

type Mark = "expression" | "raw" | "credential" | "eventType" | "workflowRef" | "ruleSetRef" | "flagRef";

/** The keys of a config's fields that carry `mark` in their meta. */
function markedFields(definition: StepDefinition, mark: Mark): string[] {
  const config = definition.config;
  if (!(config instanceof z.ZodObject)) return [];
  return Object.entries(config.shape as Record<string, z.ZodType>)
    .filter(([, field]) => hasMark(field, mark))
    .map(([key]) => key);
}

function hasMark(field: z.ZodType, mark: Mark): boolean {
  if (field.meta()?.[mark]) return true;
  // The mark may sit on the value inside .optional() or .default().
  return field instanceof z.ZodOptional || field instanceof z.ZodDefault ? hasMark(field.unwrap() as z.ZodType, mark) : false;
}

/** A node's config without its raw fields: what holds templates. */
export function templatedConfig(definition: StepDefinition | undefined, config: Record<string, unknown>): Record<string, unknown> {
  const raw = definition ? rawFields(definition) : [];
  return raw.length ? Object.fromEntries(Object.entries(config).filter(([k]) => !raw.includes(k))) : config;
}
