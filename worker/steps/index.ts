// How each step type runs, by name; the definitions are in lib/steps (same file names). Typed so
// that a type without an executor, or an executor without a type, does not compile.
import type { StepType } from "#lib/steps/index.ts";
import type { Executor } from "./types.ts";
import { start } from "./start.ts";
import { http } from "./http.ts";
import { transform } from "./transform.ts";
import { decide } from "./decide.ts";
import { condition } from "./condition.ts";
import { delay } from "./delay.ts";
import { end } from "./end.ts";
import { approval } from "./approval.ts";
import { wait_for_event } from "./wait-for-event.ts";
import { emit_event } from "./emit-event.ts";
import { code } from "./code.ts";
import { database } from "./database.ts";
import { email } from "./email.ts";
import { subworkflow } from "./subworkflow.ts";
import { for_each } from "./for-each.ts";

export const executors: Record<string, Executor> = { start, http, transform, decide, code, database, email, condition, delay, approval, wait_for_event, emit_event, subworkflow, for_each, end } satisfies Record<StepType, Executor>;
