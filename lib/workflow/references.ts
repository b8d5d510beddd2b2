// What a template reads from the run context: `steps.<id>.output.<field>…` and `input.<field>…`,
// found in the parsed expression (not by pattern matching), so that the validator can tell a
// reference to a step that does not exist, or does not run first, from a working one. Only
// paths read from the top of the context count: inside a filter, after a path's first step, or
// inside a function the author wrote, `steps` is just a field of something else.
import { compile } from "./templates.ts";

export interface Reference {
  root: "steps" | "input";
  /** The names after the root, as far as they are plain names: ["fetch", "output", "body"]. */
  names: string[];
  /** How it reads in the template: steps.fetch.output.body. */
  text: string;
}

type Ast = { type?: string; value?: unknown; steps?: Ast[]; stages?: unknown; predicate?: unknown; [key: string]: unknown };

function fromPath(path: Ast): Reference | undefined {
  const steps = path.steps ?? [];
  const first = steps[0];
  if (first?.type !== "name" || (first.value !== "steps" && first.value !== "input")) return undefined;
  const names: string[] = [];
  for (const step of steps.slice(1)) {
    if (step.type !== "name" || typeof step.value !== "string") break;
    names.push(step.value);
    if (step.stages) break;
  }
  return { root: first.value, names, text: [first.value, ...names].join(".") };
}

function walk(node: unknown, found: Reference[]): void {
  if (Array.isArray(node)) return node.forEach((n) => walk(n, found));
  if (!node || typeof node !== "object") return;
  const n = node as Ast;
  // A function the author wrote reads whatever it is called with.
  if (n.type === "lambda") return;
  if (n.type === "path") {
    const ref = fromPath(n);
    if (ref) found.push(ref);
    // Only the first step reads from the top; filters and later steps read from what came before.
    const [first] = n.steps ?? [];
    if (first) for (const [key, value] of Object.entries(first)) if (key !== "stages" && key !== "predicate") walk(value, found);
    return;
  }
  for (const [key, value] of Object.entries(n)) if (key !== "stages" && key !== "predicate" && key !== "position") walk(value, found);
}

/** The references of an expression; none when it does not parse (that is reported elsewhere). */
export function references(expression: string): Reference[] {
  let ast: unknown;
  try {
    ast = compile(expression).ast();
  } catch {
    return [];
  }
  const found: Reference[] = [];
  walk(ast, found);
  return found;
}
