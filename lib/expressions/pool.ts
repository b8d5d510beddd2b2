// Where templates and conditions are evaluated. Expressions whose cost is bounded by their size
// (bounded.ts: paths, arithmetic, comparisons, no functions or regexes) are evaluated inline;
// every other one goes to a small pool of evaluator processes, each with a heap limit and a time
// limit. One that overruns its time is killed and replaced; one that runs out of memory dies
// alone. Either way the step fails with an ExpressionLimitError naming the limit, and every
// other run keeps its latency, because the asking process's event loop never evaluates an
// unbounded expression. A step's templates travel in one message.
//
// Processes rather than worker threads: a thread's `resourceLimits` are best effort, and one
// large allocation (a string doubled 27 times) aborts the whole process instead of the thread
// (nodejs/node#47224; reproduced here on Node 24). A child process's heap is its own.
import { fork, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { env } from "../env.ts";
import type { RunContext } from "../workflow/templates.ts";
import { findTemplates, setExpressionTimeout } from "../workflow/templates.ts";
import { ExpressionLimitError, TemplateError } from "./errors.ts";
import { isBounded } from "./bounded.ts";
import { evaluateTask } from "./evaluate.ts";
import type { EvaluatorReply, ExpressionTask } from "./protocol.ts";

export interface ExpressionLimits {
  /** Evaluator processes, so expressions evaluated at once. */
  processes: number;
  /** Wall time for one message (all of a step's templates). */
  timeoutMs: number;
  /** Heap of one evaluator process. */
  memoryMb: number;
  /** JSON size of one message's result. */
  maxResultBytes: number;
}

interface Task {
  id: number;
  task: ExpressionTask;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface Slot {
  child: ChildProcess;
  task?: Task;
  timer?: NodeJS.Timeout;
}

/** Past the time limit, this long for the evaluator's own guard to answer before it is killed. */
const KILL_GRACE_MS = 100;

// The evaluator's source, next to this file; under a bundler (Next's server build) this module
// has moved, so the checkout's own copy is used.
function evaluatorScript(): string {
  const beside = fileURLToPath(new URL("./evaluator.ts", import.meta.url));
  return existsSync(beside) ? beside : join(process.cwd(), "lib", "expressions", "evaluator.ts");
}

export class ExpressionPool {
  readonly limits: ExpressionLimits;
  #slots = new Set<Slot>();
  #queue: Task[] = [];
  #nextId = 1;
  #closed = false;
  /** Evaluators killed or lost to a limit since start. */
  replaced = 0;
  /** Tasks evaluated inline, being bounded (see bounded.ts). */
  inline = 0;

  constructor(limits: ExpressionLimits) {
    this.limits = limits;
    // JSONata's own guard for what is evaluated inline (evaluators set theirs from their arguments).
    setExpressionTimeout(limits.timeoutMs);
  }

  /** Resolves every template in `value` (a step's config) against the run context; a value
   * without templates comes back as it is. */
  resolve(value: unknown, context: RunContext, signal?: AbortSignal): Promise<unknown> {
    return this.#submit({ kind: "resolve", value, context }, signal);
  }

  /** Evaluates one bare JSONata expression (a condition); `path` names it in errors. */
  evaluate(expression: string, context: RunContext, path: string, signal?: AbortSignal): Promise<unknown> {
    return this.#submit({ kind: "evaluate", expression, context, path }, signal);
  }

  /** Starts the evaluators now rather than on first use (each takes a moment to start). */
  warm(): void {
    while (this.#slots.size < this.limits.processes) this.#spawn();
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const task of this.#queue.splice(0)) task.reject(new Error("the expression pool was closed"));
    for (const slot of [...this.#slots]) this.#discard(slot);
  }

  #submit(task: ExpressionTask, signal?: AbortSignal): Promise<unknown> {
    if (this.#closed) return Promise.reject(new Error("the expression pool is closed"));
    if (signal?.aborted) return Promise.reject(signal.reason);
    const expressions = task.kind === "resolve" ? findTemplates(task.value).map((t) => t.expression) : [task.expression];
    if (expressions.length === 0) return Promise.resolve(task.kind === "resolve" ? task.value : undefined);
    if (expressions.every(isBounded)) {
      this.inline++;
      return evaluateTask(task, this.limits.maxResultBytes).then((json) => (json === null ? undefined : JSON.parse(json)));
    }
    return new Promise((resolve, reject) => {
      const entry: Task = { id: this.#nextId++, task, resolve, reject, signal };
      if (signal) {
        entry.onAbort = () => this.#abort(entry);
        signal.addEventListener("abort", entry.onAbort, { once: true });
      }
      this.#queue.push(entry);
      this.#dispatch();
    });
  }

  #dispatch(): void {
    while (this.#queue.length) {
      let slot = [...this.#slots].find((s) => !s.task);
      if (!slot) {
        if (this.#slots.size >= this.limits.processes) return;
        slot = this.#spawn();
      }
      const task = this.#queue.shift()!;
      const busy = slot;
      busy.task = task;
      busy.timer = setTimeout(() => {
        this.#settle(busy, (t) => t.reject(new ExpressionLimitError("time", `the step's expressions ran longer than ${this.limits.timeoutMs} ms (expression time limit)`)));
        this.#replace(busy);
      }, this.limits.timeoutMs + KILL_GRACE_MS);
      // An answer is awaited: keep the process alive for it (idle evaluators hold nothing open).
      busy.child.channel?.ref();
      busy.child.send({ id: task.id, task: task.task });
    }
  }

  #spawn(): Slot {
    const child = fork(evaluatorScript(), [String(this.limits.timeoutMs), String(this.limits.maxResultBytes)], {
      execArgv: [`--max-old-space-size=${this.limits.memoryMb}`, `--max-semi-space-size=${Math.max(1, Math.min(16, Math.floor(this.limits.memoryMb / 8)))}`],
      serialization: "advanced",
      // V8's out-of-memory report is long and says nothing the step's error does not.
      stdio: ["ignore", "ignore", "ignore", "ipc"],
    });
    child.unref();
    child.channel?.unref();
    const slot: Slot = { child };
    this.#slots.add(slot);
    child.on("message", (reply: EvaluatorReply) => {
      if (slot.task?.id !== reply.id) return;
      this.#settle(slot, (t) => (reply.ok ? t.resolve(reply.json === null ? undefined : JSON.parse(reply.json)) : t.reject(toError(reply.error))));
      this.#dispatch();
    });
    child.on("error", () => undefined); // 'exit' follows and does the work
    child.on("exit", (code, signal) => {
      if (!this.#slots.has(slot)) return;
      const outOfMemory = signal === "SIGABRT" || signal === "SIGTRAP" || code === 134;
      const message = outOfMemory
        ? `the step's expressions used more than ${this.limits.memoryMb} MB of memory (expression memory limit)`
        : `the expression evaluator stopped during evaluation (${signal ?? `exit code ${code}`})`;
      this.#settle(slot, (t) => t.reject(new ExpressionLimitError("memory", message)));
      this.#replace(slot);
    });
    return slot;
  }

  /** Ends the slot's task (if any) with `how`, once. */
  #settle(slot: Slot, how: (task: Task) => void): void {
    const task = slot.task;
    if (!task) return;
    slot.task = undefined;
    clearTimeout(slot.timer);
    slot.child.channel?.unref();
    if (task.onAbort) task.signal?.removeEventListener("abort", task.onAbort);
    how(task);
  }

  #abort(task: Task): void {
    const queued = this.#queue.indexOf(task);
    if (queued >= 0) {
      this.#queue.splice(queued, 1);
      task.reject(task.signal?.reason);
      return;
    }
    const slot = [...this.#slots].find((s) => s.task === task);
    if (!slot) return;
    this.#settle(slot, (t) => t.reject(t.signal?.reason));
    this.#replace(slot);
  }

  /** Kills an evaluator that may be stuck, and lets the queue go on with a fresh one. */
  #replace(slot: Slot): void {
    this.replaced++;
    this.#discard(slot);
    if (!this.#closed) this.#dispatch();
  }

  #discard(slot: Slot): void {
    this.#slots.delete(slot);
    clearTimeout(slot.timer);
    slot.child.kill("SIGKILL");
  }
}

function toError(error: Extract<EvaluatorReply, { ok: false }>["error"]): Error {
  return error.kind === "limit" ? new ExpressionLimitError(error.limit, error.message) : new TemplateError(error.path, error.expression, error.detail);
}

let shared: ExpressionPool | undefined;

/** This process's pool, with the limits from the environment (BATON_EXPRESSION_*). */
export function expressionPool(): ExpressionPool {
  shared ??= new ExpressionPool({
    processes: env.BATON_EXPRESSION_PROCESSES,
    timeoutMs: env.BATON_EXPRESSION_TIMEOUT_MS,
    memoryMb: env.BATON_EXPRESSION_MEMORY_MB,
    maxResultBytes: env.BATON_EXPRESSION_MAX_RESULT_BYTES,
  });
  return shared;
}
