// Reports the ends of sub-workflow runs to the steps waiting for them (lib/engine/child-runs.ts):
// when told (NOTIFY baton_child_runs), and every few seconds for anything a notice missed.
import type { Logger } from "#lib/log.ts";
import type { EngineDeps } from "#lib/engine/deps.ts";
import { reportChildRunEnds } from "#lib/engine/child-runs.ts";
import { drainLoop } from "./drain-loop.ts";

export const startChildRuns = (deps: EngineDeps, log: Logger, intervalMs = 2_000) => drainLoop(log, "report child run ends", () => reportChildRunEnds(deps), intervalMs);
