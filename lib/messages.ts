// What people read when something is refused: every message is a sentence about their thing,
// written once here and shared by the API (beside the machine-readable path) and the pages.
// Browser-safe. Importing this module installs the wording of zod's own checks (z.config), so
// every schema in the product speaks the same way without repeating itself.
import { z } from "zod";

const quote = (s: string) => `“${s}”`;
const list = (values: readonly unknown[]) => {
  const shown = values.map((v) => String(v));
  return shown.length <= 1 ? shown.join("") : `${shown.slice(0, -1).join(", ")} or ${shown.at(-1)}`;
};
const number = (n: number | bigint) => (typeof n === "bigint" ? n.toString() : n.toLocaleString("en-US"));

const FORMATS: Record<string, string> = {
  email: "an email address, such as ada@example.com",
  url: "a URL, such as https://example.com/path",
  datetime: "a date and time in ISO 8601, such as 2027-01-31T09:00:00Z",
  date: "a date, such as 2027-01-31",
  uuid: "an id (a UUID)",
};

/** zod's checks, as sentences. A message a schema sets itself wins over these. */
export function zodMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return "Enter a value; this is required.";
      return `Enter ${issue.expected === "number" || issue.expected === "int" ? "a number" : issue.expected === "boolean" ? "true or false" : issue.expected === "array" ? "a list" : issue.expected === "object" ? "an object" : `a ${issue.expected}`}.`;
    case "too_small":
      if (issue.origin === "string") return Number(issue.minimum) <= 1 ? "Enter a value; this is required." : `Use at least ${number(issue.minimum)} characters.`;
      if (issue.origin === "array") return `Add at least ${number(issue.minimum)}.`;
      return `Enter a number of at least ${number(issue.minimum)}${issue.inclusive === false ? " (not equal to it)" : ""}.`;
    case "too_big":
      if (issue.origin === "string") return `Keep it to ${number(issue.maximum)} characters or fewer.`;
      if (issue.origin === "array") return `Keep it to ${number(issue.maximum)} or fewer.`;
      return `Enter a number of at most ${number(issue.maximum)}.`;
    case "invalid_format":
      return `Enter ${FORMATS[issue.format] ?? `a value in the ${issue.format} format`}.`;
    case "invalid_value":
      return `Choose ${list(issue.values.map((v) => quote(String(v))))}.`;
    case "unrecognized_keys":
      return `Remove ${list(issue.keys.map(quote))}: ${issue.keys.length > 1 ? "they are not known fields" : "it is not a known field"}.`;
    case "invalid_union":
      return "Enter a value of the expected kind.";
    case "not_multiple_of":
      return `Enter a multiple of ${issue.divisor}.`;
    default:
      return undefined;
  }
}

z.config({ customError: (issue) => zodMessage(issue) });

/** How a step is named to people: its name, else its id. */
export const stepName = (step: { id: string; name?: string }) => quote(step.name || step.id);

/** Sentences about a workflow definition (lib/workflow/validate.ts). */
export const definitionMessages = {
  duplicateNodeId: (id: string) => `Another step already has the id ${quote(id)}; give this one another id.`,
  unknownStepType: (type: string, known: string[]) => `${quote(type)} is not a step type Baton knows; use ${list(known)}.`,
  noOutputs: (step: string, label: string) => `${step} is ${label === "End" ? "an End step" : `a ${label} step`}, which ends its path: nothing can follow it.`,
  wrongHandle: (step: string, outputs: readonly string[]) => `Connect from one of ${step}’s outputs: ${list(outputs.map(quote))}.`,
  singleOutput: (step: string) => `${step} has one output; the connection must not name another.`,
  noInputs: (step: string) => `${step} is where a run begins: nothing connects into it.`,
  duplicateEdge: (from: string, to: string) => `${from} is already connected to ${to} this way.`,
  duplicateEdgeId: (id: string) => `Another connection already has the id ${quote(id)}.`,
  danglingEdge: (end: "from" | "to", id: string) => `This connection goes ${end} a step that does not exist (${quote(id)}).`,
  selfEdge: (step: string) => `${step} is connected to itself; connect it to the next step instead.`,
  noStart: () => "Add a Start step: every workflow begins with exactly one.",
  secondStart: (step: string) => `${step} is a second Start step; a workflow has exactly one.`,
  cycle: (loop: string) => `This connection closes a loop (${loop}). A workflow runs forward only; repeat work with a loop step instead.`,
  unreachable: (step: string) => `${step} cannot be reached from Start; connect it after another step.`,
  emptyTemplate: () => "This {{ }} is empty; write an expression between the braces, or remove them.",
  unclosedTemplate: () => "A {{ is never closed: end the template with }}.",
  badExpression: (expression: string, why: string) => `The template {{${expression}}} cannot be read: ${why}`,
  unknownStep: (id: string) => `There is no step with the id ${quote(id)} for steps.${id} to read; check the id.`,
  notBefore: (id: string, step: string) => `This reads steps.${id}, the output of ${step}, which does not run before this step; connect ${step} earlier, or use another step's output.`,
  notOutput: (id: string) => `A step's data is under steps.${id}.output; there is nothing else under steps.${id}.`,
  unknownField: (path: string, step: string, fields: string[]) => `This reads ${path}, but the output of ${step} has only ${list(fields.map(quote))}.`,
  unknownInput: (path: string, fields: string[]) => `This reads ${path}, but the run input's schema has only ${list(fields.map(quote))}.`,
  tooLong: (chars: number, max: number) => `This value is ${number(chars)} characters long; a value may have at most ${number(max)}.`,
  tooBig: (chars: number, max: number) => `This workflow is ${number(chars)} characters of JSON; a workflow may have at most ${number(max)}.`,
  tooManySteps: (max: number) => `A workflow may have at most ${number(max)} steps.`,
  tooManyEdges: (max: number) => `A workflow may have at most ${number(max)} connections.`,
  compensationHandle: () => "A compensates connection leaves from the step it undoes, not from one of its branches.",
  compensationFromEntry: (step: string) => `${step} is where a run begins; it changes nothing outside, so there is nothing to undo.`,
  compensationOfCompensation: (step: string) => `${step} undoes another step; a compensation is not undone in turn.`,
  compensationTarget: (step: string, why: string) => `${step} cannot undo a step: ${why}.`,
  secondCompensator: (step: string) => `${step} already has a compensation; one step undoes it.`,
  sharedCompensator: (step: string) => `${step} already undoes another step; draw one compensation per step.`,
  compensatorInFlow: (step: string) => `${step} undoes a step, so it runs only when a run fails: remove its normal connections.`,
  bodyFrom: (step: string) => `${step} does not run steps per item; an "each item" connection leaves from a For each step.`,
  bodyHandle: () => `An "each item" connection leaves from the For each step itself, not from one of its branches.`,
  secondBody: (step: string) => `${step} already runs a step per item; draw one "each item" connection.`,
  sharedBody: (step: string) => `${step} already runs per item of another For each step; give each its own.`,
  bodyTarget: (step: string, why: string) => `${step} cannot run per item: ${why}.`,
  bodyInFlow: (step: string) => `${step} runs once per item of its For each step: remove its normal connections (what comes after the For each connects to the For each).`,
  bodyWithCompensation: (step: string) => `${step} runs per item; an item is not undone on its own: move the compensation to the For each step's workflow.`,
  noBody: () => `Choose a workflow to run per item, or draw the step to run from the For each step's "each item" handle.`,
  twoBodies: () => `A step is drawn on the "each item" connection: clear this workflow, or remove that connection; one of the two runs per item.`,
  badStepId: () => "An id starts with a letter or _ and holds only letters, digits and _ (at most 64).",
};

/** A problem as shown in a workflow-wide list: the step it is about, then the sentence. */
export function problemLine(problem: { nodeId?: string; message: string }, names: Map<string, string | undefined>): string {
  if (!problem.nodeId) return problem.message;
  const step = stepName({ id: problem.nodeId, name: names.get(problem.nodeId) });
  return problem.message.includes(step) ? problem.message : `${step}: ${problem.message}`;
}
