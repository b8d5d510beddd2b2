import { z } from "zod";
import { CREDENTIAL_NAME } from "../secrets/schemas.ts";
import { defineStep, jsonValue, templatable } from "./types.ts";

export const database = defineStep({
  type: "database",
  label: "Database",
  description: "Runs one SQL statement with $1-style parameters on Postgres: a credential's, or Baton's app database. Returns rows and rowCount.",
  icon: "database",
  category: "action",
  config: z.strictObject({
    credential: z
      .string()
      .regex(CREDENTIAL_NAME, "Enter a credential's name.")
      .optional()
      .meta({ title: "Connection (credential)", description: "A Postgres credential; none: the app database of Baton's own Postgres.", credential: "postgres" }),
    sql: z
      .string()
      .min(1, "Write the statement, e.g. select * from orders where id = $1.")
      .max(100_000)
      .meta({ title: "SQL", description: "One statement; values go in as $1, $2 … from Parameters, never written into the text.", widget: "code", raw: true }),
    params: z.array(jsonValue).max(100).default([]).meta({ title: "Parameters", description: "A JSON array: $1 is the first; each may be a {{ template }}." }),
    readOnly: z.boolean().default(false).meta({ title: "Read only", description: "In a read-only transaction: a write is refused by Postgres." }),
    timeoutMs: templatable(z.int().min(10).max(300_000)).default(10_000).meta({ title: "Statement timeout (ms)" }),
    maxRows: z.int().min(1).max(100_000).default(1000).meta({ title: "Row limit", description: "At most this many rows are read; if there were more, the output says truncated: true." }),
  }),
  defaultConfig: { sql: "select now() as now", params: [], readOnly: false, timeoutMs: 10_000, maxRows: 1000 },
  outputs: ["default"],
  acceptsInput: true,
  outputFields: () => ["rows", "rowCount", "truncated"],
});
