import { definitions } from "#lib/steps/index.ts";
import { MAX_FOR_EACH_ITEMS } from "#lib/steps/for-each.ts";
import { NonRetryableError } from "#lib/engine/errors.ts";
import { beginForEach } from "#lib/engine/for-each.ts";
import { defineExecutor } from "./types.ts";

/** Writes the items and starts the first ones in the transaction in which the step begins to
 * wait (holding no worker); lib/engine/for-each.ts goes on as their runs end. */
export const for_each = defineExecutor(definitions.for_each, async (config) => {
  const items = config.items;
  if (!Array.isArray(items)) throw new NonRetryableError(`the items are not a list once their template is resolved (${items === null ? "null" : typeof items})`, { code: "config" });
  if (items.length > MAX_FOR_EACH_ITEMS) throw new NonRetryableError(`${items.length} items: a for-each step takes at most ${MAX_FOR_EACH_ITEMS}`, { code: "config" });
  if (items.length === 0) return { output: { total: 0, succeeded: 0, failed: 0, results: [], errors: [] } };
  return {
    wait: {
      kind: "items",
      output: { total: items.length },
      record: (tx, waiting, deps) => beginForEach(tx, deps, waiting, items, config),
    },
  };
});
