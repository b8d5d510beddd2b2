// What a circuit breaker costs an HTTP step: asking it before the call (closed: one indexed read,
// no lock), and telling it the call succeeded (counted in memory, written once a second). Also the
// locked path an open breaker takes, which only steps held back by it pay.
import { performance } from "node:perf_hooks";
import type { Cluster } from "./cluster.ts";
import { createBreakers } from "../../lib/dependencies/breaker.ts";
import { distribution, type Distribution } from "./stats.ts";

export interface BreakersResult {
  calls: number;
  closedAdmitMs: Distribution;
  succeededMs: Distribution;
  openAdmitMs: Distribution;
}

export async function breakersScenario(cluster: Cluster, calls: number): Promise<BreakersResult> {
  const db = await cluster.freshDatabase();
  const breakers = createBreakers(db.handles.pool, "bench");
  try {
    await db.handles.pool.query(`insert into dependencies (key) values ('closed.example.com'), ('open.example.com')`);
    await db.handles.pool.query(`update dependencies set state = 'open', open_until = now() + interval '1 hour' where key = 'open.example.com'`);
    const closed: number[] = [];
    const succeeded: number[] = [];
    const open: number[] = [];
    for (let i = 0; i < calls; i++) {
      let t = performance.now();
      const admission = await breakers.admit("closed.example.com");
      closed.push(performance.now() - t);
      if (!admission.ok) throw new Error("a closed breaker refused a call");
      t = performance.now();
      await breakers.succeeded("closed.example.com", false);
      succeeded.push(performance.now() - t);
      t = performance.now();
      if ((await breakers.admit("open.example.com")).ok) throw new Error("an open breaker let a call through");
      open.push(performance.now() - t);
    }
    return { calls, closedAdmitMs: distribution(closed), succeededMs: distribution(succeeded), openAdmitMs: distribution(open) };
  } finally {
    await breakers.stop();
    await db.handles.close();
  }
}
