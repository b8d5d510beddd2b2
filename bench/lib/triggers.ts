// Triggers and events: how soon a signed webhook becomes a running step at a steady 200
// deliveries/s; how soon a published event resumes the step waiting for it while 10,000 other
// waits (on other keys) sit in the index; how late cron fires start their runs. Times come from
// the client's clock (sent) and the database's (started) on the same machine.
import { Webhook } from "standardwebhooks";
import { publishWorkflow, startStack, type Cluster } from "./cluster.ts";
import { distribution, sleep, type Distribution } from "./stats.ts";

export interface TriggersResult {
  webhooks: { rate: number; deliveries: number; sentPerSecond: number; errors: number; answerMs: Distribution; toStepStartedMs: Distribution };
  events: { waiting: number; samples: number; publishToResumedMs: Distribution; publishRequestMs: Distribution };
  cron: { triggers: number; latenessMs: Distribution };
}

const node = (id: string, type: string, x: number, config: Record<string, unknown> = {}) => ({ id, type, position: { x, y: 0 }, config });
const line = (ids: string[]) => ids.slice(1).map((id, i) => ({ id: `e${i}`, source: ids[i], target: id }));
const quickFlow = { nodes: [node("start", "start", 0), node("t", "transform", 250, { output: { ok: true } }), node("done", "end", 500)], edges: line(["start", "t", "done"]) };
const waitFlow = {
  nodes: [node("start", "start", 0), node("wait", "wait_for_event", 250, { eventType: "BenchPinged", path: "data.key", value: "{{ input.key }}", timeout: "1h" }), node("done", "end", 500)],
  edges: [
    { id: "e0", source: "start", target: "wait" },
    { id: "e1", source: "wait", sourceHandle: "default", target: "done" },
  ],
};

export async function triggersScenario(cluster: Cluster, options: { deliveries: number; rate: number; waiting: number; eventSamples: number; cronTriggers: number }): Promise<TriggersResult> {
  const stack = await startStack(cluster, 1);
  try {
    // Webhooks at a steady rate, each signed as a sender would.
    const hookFlow = await publishWorkflow(stack.client, quickFlow, "Bench webhooks");
    const hook = (await stack.client.post(`/workflows/${hookFlow}/triggers`, { kind: "webhook", name: "bench" }, { origin: null })).json;
    const signer = new Webhook(hook.secret);
    const sent = new Map<string, number>();
    const answers: number[] = [];
    let errors = 0;
    const failures = new Map<string, number>();
    const started = performance.now();
    const pending: Promise<void>[] = [];
    // A sender keeps at most 64 deliveries in flight (as a webhook sender's worker pool would): when
    // Baton answers slower than the rate, the rate achieved says so rather than a queue of sockets.
    let inFlight = 0;
    for (let i = 0; i < options.deliveries; i++) {
      const due = started + (i * 1000) / options.rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      while (inFlight >= 64) await sleep(1);
      inFlight++;
      const body = JSON.stringify({ n: i });
      const id = `msg_${i}`;
      const at = new Date();
      const t = performance.now();
      const wall = Date.now();
      pending.push(
        fetch(`${stack.web.url}${hook.url}`, { method: "POST", body, headers: { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": String(Math.floor(at.getTime() / 1000)), "webhook-signature": signer.sign(id, at, body) } })
          .then(async (res) => {
            answers.push(performance.now() - t);
            if (res.status !== 202) {
              errors++;
              failures.set(`${res.status} ${(await res.text()).slice(0, 160)}`, (failures.get(`${res.status}`) ?? 0) + 1);
            }
            else sent.set((await res.json()).id, wall);
          })
          .catch((error) => {
            errors++;
            failures.set(String((error as Error).cause ?? error), 1);
          })
          .finally(() => void inFlight--),
      );
    }
    await Promise.all(pending);
    const sentPerSecond = options.deliveries / ((performance.now() - started) / 1000);
    if (failures.size) {
      console.error(`[bench] webhook failures: ${[...failures.keys()].slice(0, 3).join(" | ")}`);
      console.error(stack.web.output().split("\n").filter((l) => l.includes('"level":50')).slice(0, 3).join("\n"));
    }
    const toStep: number[] = [];
    for (let tries = 0; toStep.length < sent.size && tries < 600; tries++) {
      const { rows } = await stack.db.pool.query(`select run_id, extract(epoch from started_at) * 1000 as at from step_runs where run_id = any($1::uuid[]) and node_id = 't' and started_at is not null`, [[...sent.keys()]]);
      if (rows.length === sent.size) for (const r of rows) toStep.push(Number(r.at) - sent.get(r.run_id)!);
      else await sleep(200);
    }

    // Events: many waits on other keys in the index, then one real wait at a time.
    await stack.client.post("/event-types", { name: "BenchPinged", schema: { type: "object", properties: { key: { type: "string" } } } }, { origin: null });
    const waitFlowId = await publishWorkflow(stack.client, waitFlow, "Bench waits");
    await stack.db.pool.query(
      `insert into event_waits (step_run_id, run_id, attempt, event_type, path, key, since, checked)
       select gen_random_uuid(), gen_random_uuid(), 1, 'BenchPinged', 'data.key', to_jsonb('other-' || i), now(), true from generate_series(1, $1) i`,
      [options.waiting],
    );
    await stack.db.pool.query("analyze event_waits");
    const resumed: number[] = [];
    const publishing: number[] = [];
    for (let n = 0; n < options.eventSamples; n++) {
      const key = `key-${n}`;
      const runId = (await stack.client.post(`/workflows/${waitFlowId}/runs`, { input: { key } }, { origin: null })).json.id;
      while (!(await stack.db.pool.query(`select 1 from event_waits where run_id = $1 and checked`, [runId])).rowCount) await sleep(5);
      const wall = Date.now();
      const t = performance.now();
      const res = await stack.client.post("/events", { type: "BenchPinged", id: `e-${n}`, data: { key } }, { origin: null });
      publishing.push(performance.now() - t);
      if (res.status !== 201) throw new Error(`publish failed: ${res.status} ${res.text}`);
      let at: number | undefined;
      while (at === undefined) {
        const { rows } = await stack.db.pool.query(`select extract(epoch from finished_at) * 1000 as at from step_runs where run_id = $1 and node_id = 'wait' and status = 'succeeded'`, [runId]);
        at = rows[0] ? Number(rows[0].at) : undefined;
        if (at === undefined) await sleep(2);
      }
      resumed.push(at - wall);
    }

    // Cron: many triggers firing at the same minute; lateness is run created − fire time.
    const cronFlow = await publishWorkflow(stack.client, quickFlow, "Bench cron");
    const ids: string[] = [];
    for (let i = 0; i < options.cronTriggers; i++) {
      ids.push((await stack.client.post(`/workflows/${cronFlow}/triggers`, { kind: "cron", name: `every minute ${i}`, config: { cron: "* * * * *", overlap: "allow_all" } }, { origin: null })).json.id);
    }
    const fireAt = Math.ceil((Date.now() + 1000) / 60_000) * 60_000;
    await sleep(fireAt - Date.now() + 5_000);
    let lateness: number[] = [];
    for (let tries = 0; tries < 100 && lateness.length < ids.length; tries++) {
      const { rows } = await stack.db.pool.query(
        `select extract(epoch from (r.created_at - f.scheduled_at)) * 1000 as ms from trigger_fires f join runs r on r.id = f.run_id where f.trigger_id = any($1::uuid[]) and f.scheduled_at = $2`,
        [ids, new Date(fireAt)],
      );
      lateness = rows.map((r) => Number(r.ms));
      if (lateness.length < ids.length) await sleep(200);
    }
    await stack.db.pool.query(`update triggers set paused = true where id = any($1::uuid[])`, [ids]);
    return {
      webhooks: { rate: options.rate, deliveries: options.deliveries, sentPerSecond, errors, answerMs: distribution(answers), toStepStartedMs: distribution(toStep) },
      events: { waiting: options.waiting, samples: options.eventSamples, publishToResumedMs: distribution(resumed), publishRequestMs: distribution(publishing) },
      cron: { triggers: ids.length, latenessMs: distribution(lateness) },
    };
  } finally {
    await stack.stop();
  }
}
