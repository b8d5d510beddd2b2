// Publishing an event: checked against its type's latest schema (422 naming the fields), stored in
// the append-only log once per (type, id), and queued for delivery (event_outbox) in the same
// transaction; NOTIFY baton_events wakes a worker to deliver it (dispatch.ts).
import type pg from "pg";
import { conflict, unprocessable } from "../api/errors.ts";
import { schemaErrors } from "../engine/start-run.ts";
import { transaction } from "../engine/tx.ts";
import { eventSchema } from "./registry.ts";
import type { PublishEventBody } from "./schemas.ts";

export interface Published {
  seq: string;
  type: string;
  id: string;
  version: string;
  /** The same (type, id) was published before: nothing was stored or delivered again. */
  duplicate: boolean;
}

export async function publishEvent(pool: pg.Pool, body: PublishEventBody, actor: string): Promise<Published> {
  const schema = await eventSchema(pool, body.type);
  if (!schema) throw unprocessable(`No event type is named ${body.type}: add it under Events → Types first.`, [{ path: "type", message: "unknown event type" }]);
  if (!schema.validate(body.data)) throw unprocessable(`The data does not match the schema of ${body.type} ${schema.version}.`, schemaErrors(schema.validate.errors, "data", `${body.type} ${schema.version}`));
  return transaction(pool, async (tx) => {
    const { rows } = await tx.query(
      `insert into events (type, event_id, type_version, data, correlation_id, occurred_at, published_by) values ($1, $2, $3, $4::jsonb, $5, coalesce($6::timestamptz, now()), $7)
       on conflict (type, event_id) do nothing returning seq::text`,
      [body.type, body.id, schema.version, JSON.stringify(body.data), body.correlationId ?? null, body.occurredAt ?? null, actor],
    );
    if (!rows[0]) {
      const { rows: existing } = await tx.query(`select seq::text, type_version, data = $3::jsonb as same from events where type = $1 and event_id = $2`, [body.type, body.id, JSON.stringify(body.data)]);
      if (!existing[0].same) {
        throw conflict(`Event ${body.type}/${body.id} was published before with other data; an event id names one event.`, { seq: existing[0].seq });
      }
      return { seq: existing[0].seq, type: body.type, id: body.id, version: existing[0].type_version, duplicate: true };
    }
    await tx.query(`insert into event_outbox (seq) values ($1)`, [rows[0].seq]);
    await tx.query(`select pg_notify('baton_events', $1)`, [rows[0].seq]);
    return { seq: rows[0].seq, type: body.type, id: body.id, version: schema.version, duplicate: false };
  });
}
