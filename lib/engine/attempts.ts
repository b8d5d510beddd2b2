// What a worker hands in about an attempt besides its result: log lines and the resolved config.
import { valuesList, type Sql } from "./tx.ts";

export interface LogLine {
  level: "debug" | "info" | "warn" | "error";
  message: string;
  data?: unknown;
  at: Date;
}

/** What a worker hands in with any result: the attempt's log lines and its resolved config. */
export interface Report {
  logs: LogLine[];
  input?: unknown;
}

/** Applied, or dropped by fencing: the step had moved on (cancelled, skipped, taken over). */
export type Outcome = "applied" | "stale";

export const inputJson = (report: Report) => (report.input === undefined ? null : JSON.stringify(report.input));

/** The log lines of several attempts, in one statement. */
export async function writeLogs(sql: Sql, attempts: { stepRunId: string; attempt: number; logs: LogLine[] }[]): Promise<void> {
  const rows = attempts.flatMap((a) =>
    a.logs.map((l) => [a.stepRunId, a.attempt, l.level, l.message.slice(0, 10_000), l.data === undefined ? null : JSON.stringify(l.data), l.at]),
  );
  if (rows.length === 0) return;
  const { text, values } = valuesList(rows, ["uuid", "int", "text", "text", "jsonb", "timestamptz"]);
  await sql.query(`insert into step_logs (step_run_id, attempt, level, message, data, at) values ${text}`, values);
}

export async function finishAttempt(sql: Sql, stepRunId: string, attempt: number, status: string, error: unknown = null, retryDelayMs: number | null = null): Promise<void> {
  await sql.query({
    name: "finish-attempt",
    text: `update step_attempts set status = $3, finished_at = clock_timestamp(), error = $4::jsonb, retry_delay_ms = $5 where step_run_id = $1 and attempt = $2`,
    values: [stepRunId, attempt, status, error === null ? null : JSON.stringify(error), retryDelayMs],
  });
}
