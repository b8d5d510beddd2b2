// Expressions whose cost is bounded by their own size and the size of the data they read: paths
// (`steps.fetch.output.body.items[price > 10].id`), literals, arithmetic, comparison, `&`,
// `and`/`or`, `? :`, array and object constructors. Without function calls, lambdas, regular
// expressions, ranges (`[1..1e7]`), variable bindings, sorting, or the join (`@`, `#`) and parent
// (`%`) operators, nothing can loop or recurse. And a path may only navigate after its first
// step (names, `*`, filters): a step that computes (`a.{"x": $, "y": $}`, `a.(b & b)`) would
// double what the step before it made, and chained it doubles again at each step (exponential
// in the expression's length). So what such an expression builds is at most its own size times
// the data it reads. Such templates, most of them in practice, are evaluated inline; everything
// else goes to an evaluator process (pool.ts), where it can be stopped.
import { compile } from "../workflow/templates.ts";

const ALLOWED = new Set(["path", "name", "string", "number", "value", "binary", "unary", "condition", "filter", "wildcard", "block", "variable"]);
/** Step properties that turn a path into a join or a grouping. */
const JOINS = ["focus", "index", "tuple", "group", "ancestor", "seekingParent"];

function bounded(node: unknown): boolean {
  if (Array.isArray(node)) return node.every(bounded);
  if (!node || typeof node !== "object") return true;
  const n = node as Record<string, unknown>;
  if (typeof n.type === "string") {
    if (!ALLOWED.has(n.type)) return false;
    if (n.type === "binary" && n.value === "..") return false;
    // `$` (the current item) only: `$$` reaches the root from inside a filter (n × m work), and
    // other variables name functions.
    if (n.type === "variable" && n.value !== "") return false;
    if (JOINS.some((key) => key in n)) return false;
    if (n.type === "path" && !(n.steps as { type: string }[]).slice(1).every((step) => step.type === "name" || step.type === "wildcard")) return false;
  }
  return Object.entries(n).every(([key, value]) => key === "position" || bounded(value));
}

const cache = new Map<string, boolean>();

/** Whether evaluating `expression` is bounded as described above (false when it does not parse). */
export function isBounded(expression: string): boolean {
  let known = cache.get(expression);
  if (known === undefined) {
    try {
      known = bounded(compile(expression).ast());
    } catch {
      known = false;
    }
    if (cache.size >= 5000) cache.delete(cache.keys().next().value!);
    cache.set(expression, known);
  }
  return known;
}
