// How many evaluations served each value: counted in memory where flags are evaluated (the
// worker) and added to `flag_evaluation_counts` per minute every few seconds, so counting costs
// a step nothing. The flag page sums the last hour.
import type pg from "pg";
import type { FlagEvaluation } from "./definition.ts";

const tallies = new Map<string, number>();
const SEP = "\u0000";

export function countEvaluations(evaluations: readonly FlagEvaluation[]): void {
  for (const e of evaluations) {
    const key = `${e.flag}${SEP}${JSON.stringify(e.value)}`;
    tallies.set(key, (tallies.get(key) ?? 0) + 1);
  }
}

/** Adds what was counted since the last flush to this minute's rows. */
export async function flushEvaluationCounts(pool: Pick<pg.Pool, "query">): Promise<void> {
  if (tallies.size === 0) return;
  const entries = [...tallies];
  tallies.clear();
  const flags = entries.map(([k]) => k.split(SEP)[0]);
  const values = entries.map(([k]) => k.split(SEP)[1]);
  const counts = entries.map(([, n]) => n);
  try {
    await pool.query(
      `insert into flag_evaluation_counts (flag_key, minute, value, count)
       select f, date_trunc('minute', now()), v, n from unnest($1::text[], $2::text[], $3::bigint[]) as t(f, v, n)
       on conflict (flag_key, minute, value) do update set count = flag_evaluation_counts.count + excluded.count`,
      [flags, values, counts],
    );
  } catch (error) {
    // Counted again next time rather than lost.
    for (const [k, n] of entries) tallies.set(k, (tallies.get(k) ?? 0) + n);
    throw error;
  }
}

/** Flushes every `everyMs` until stopped (then once more). */
export function startEvaluationCounts(pool: Pick<pg.Pool, "query">, onError: (error: unknown) => void, everyMs = 2_000) {
  const timer = setInterval(() => flushEvaluationCounts(pool).catch(onError), everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await flushEvaluationCounts(pool).catch(onError);
    },
  };
}
