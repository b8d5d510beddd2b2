// Where templates and conditions are evaluated. Expressions whose cost is bounded by their size
// (bounded.ts: paths, arithmetic, comparisons, no functions or regexes) are evaluated inline;
// every other one goes to a small pool of evaluator processes, each with a heap limit and a time
// limit. One that overruns its time is killed and replaced; one that runs out of memory dies
// alone. Either way the step fails with an ExpressionLimitError naming the limit, and every
// other run keeps its latency, because the asking process's event loop never evaluates an
// unbounded expression. A step's templates travel as one task.
//
// Tasks asked for in the same turn of the event loop go to an evaluator together, as a batch it
// works through in order, answering each; the batch's results are handed back together, so the
// steps that finish together still hand off in one transaction (worker/batcher.ts). Each task
// has the whole time limit from when the one before it was answered: when one overruns, the
// evaluator is killed, that task fails, the ones answered keep their results and the ones not yet
// started go back to the queue. A task never fails for another's sake.
//
// Processes rather than worker threads: a thread's `resourceLimits` are best effort, and one
// large allocation (a string doubled 27 times) aborts the whole process instead of the thread
// (nodejs/node#47224; reproduced here on Node 24). A child process's heap is its own.
import { fork, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { env } from "../env.ts";
import { findTemplates, setExpressionTimeout, type RunContext } from "../workflow/templates.ts";
import { ExpressionLimitError, TemplateError } from "./errors.ts";
import { isBounded } from "./bounded.ts";
import { evaluateTask } from "./evaluate.ts";
import type { EvaluatorReply, ExpressionTask } from "./protocol.ts";
import type { FlagEvaluation } from "../flags/definition.ts";

export interface ExpressionLimits {
  /** Evaluator processes, so expressions evaluated at once. */
  processes: number;
  /** Wall time for one task (all of a step's templates). */
  timeoutMs: number;
  /** Heap of one evaluator process. */
  memoryMb: number;
  /** JSON size of one task's result. */
  maxResultBytes: number;
}

interface Task {
  task: ExpressionTask;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
  settled?: boolean;
}

type Reply = EvaluatorReply & { id: number; index: number };

interface Slot {
  child: ChildProcess;
  /** The evaluator said it has booted; only then does it get tasks (and their time limits). */
  ready?: boolean;
  batch?: { id: number; tasks: Task[]; replies: Reply[] };
  timer?: NodeJS.Timeout;
}

/** Past the time limit, this long for the evaluator's own guard to answer before it is killed. */
const KILL_GRACE_MS = 100;
/** The most tasks one batch carries. */
const MAX_BATCH = 32;

// The evaluator's source, next to this file. Under a bundler (Next's server build) this module
// has moved, and a `new URL("./evaluator.ts", import.meta.url)` would be copied out as an asset
// without the modules it imports: there the checkout's own copy is used.
function evaluatorScript(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const beside = join(here, "evaluator.ts");
  return basename(here) === "expressions" && existsSync(beside) ? beside : join(process.cwd(), "lib", "expressions", "evaluator.ts");
}

/** A flag-carrying task's answer; with no templates to evaluate, the value came back as it was. */
const withFlags = (answer: unknown, unevaluated: unknown) =>
  answer && typeof answer === "object" && "flags" in answer ? (answer as { value: unknown; flags: FlagEvaluation[] }) : { value: answer ?? unevaluated, flags: [] };

const timeLimit = (ms: number) => new ExpressionLimitError("time", `the step's expressions ran longer than ${ms} ms (expression time limit)`);

export class ExpressionPool {
  readonly limits: ExpressionLimits;
  #slots = new Set<Slot>();
  #queue: Task[] = [];
  #nextBatch = 1;
  #dispatchScheduled = false;
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

  /** As resolve, for a context carrying flags: the value and the flags its templates asked. */
  async resolveWithFlags(value: unknown, context: RunContext & { flags: object }, signal?: AbortSignal): Promise<{ value: unknown; flags: FlagEvaluation[] }> {
    return withFlags(await this.#submit({ kind: "resolve", value, context }, signal), value);
  }

  /** As evaluate, for a context carrying flags. */
  async evaluateWithFlags(expression: string, context: RunContext & { flags: object }, path: string, signal?: AbortSignal): Promise<{ value: unknown; flags: FlagEvaluation[] }> {
    return withFlags(await this.#submit({ kind: "evaluate", expression, context, path }, signal), undefined);
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
    const closed = (t: Task) => t.reject(new Error("the expression pool was closed"));
    for (const task of this.#queue.splice(0)) this.#finish(task, closed);
    for (const slot of [...this.#slots]) {
      for (const task of slot.batch?.tasks ?? []) this.#finish(task, closed);
      this.#discard(slot);
    }
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
      const entry: Task = { task, resolve, reject, signal };
      if (signal) {
        entry.onAbort = () => this.#abort(entry);
        signal.addEventListener("abort", entry.onAbort, { once: true });
      }
      this.#queue.push(entry);
      // Whatever else this turn asks for goes in the same batches.
      if (!this.#dispatchScheduled) {
        this.#dispatchScheduled = true;
        setImmediate(() => {
          this.#dispatchScheduled = false;
          this.#dispatch();
        });
      }
    });
  }

  /** Shares the queue out among the idle evaluators (starting more up to the limit). */
  #dispatch(): void {
    if (this.#closed) return;
    while (this.#slots.size < this.limits.processes && this.#queue.length > [...this.#slots].filter((s) => !s.batch).length) this.#spawn();
    const idle = [...this.#slots].filter((s) => s.ready && !s.batch);
    for (const [i, slot] of idle.entries()) {
      const size = Math.min(MAX_BATCH, Math.ceil(this.#queue.length / (idle.length - i)));
      if (size === 0) return;
      const tasks = this.#queue.splice(0, size);
      slot.batch = { id: this.#nextBatch++, tasks, replies: [] };
      this.#arm(slot);
      // An answer is awaited: keep the process alive for it (idle evaluators hold nothing open).
      slot.child.channel?.ref();
      slot.child.send({ id: slot.batch.id, tasks: tasks.map((t) => t.task) });
    }
  }

  /** The time limit of the slot's next unanswered task. */
  #arm(slot: Slot): void {
    clearTimeout(slot.timer);
    slot.timer = setTimeout(() => this.#lose(slot, timeLimit(this.limits.timeoutMs)), this.limits.timeoutMs + KILL_GRACE_MS);
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
    child.on("message", (reply: Reply | { ready: true }) => {
      if ("ready" in reply) {
        slot.ready = true;
        this.#dispatch();
      } else this.#answer(slot, reply);
    });
    child.on("error", () => undefined); // 'exit' follows and does the work
    child.on("exit", (code, signal) => {
      if (!this.#slots.has(slot)) return;
      const outOfMemory = signal === "SIGABRT" || signal === "SIGTRAP" || code === 134;
      const message = outOfMemory
        ? `the step's expressions used more than ${this.limits.memoryMb} MB of memory (expression memory limit)`
        : `the expression evaluator stopped during evaluation (${signal ?? `exit code ${code}`})`;
      this.#lose(slot, new ExpressionLimitError("memory", message));
    });
    return slot;
  }

  #answer(slot: Slot, reply: Reply): void {
    const batch = slot.batch;
    if (!batch || batch.id !== reply.id) return;
    batch.replies.push(reply);
    if (batch.replies.length < batch.tasks.length) return this.#arm(slot);
    // The whole batch is answered: hand every result back in this one turn.
    this.#release(slot);
    batch.tasks.forEach((task, i) => this.#finish(task, (t) => settleWith(t, batch.replies[i])));
    this.#dispatch();
  }

  /** The evaluator overran or died: the task it was on fails with `error`, those answered keep
   * their results, the rest go back to the front of the queue; a fresh evaluator takes over. */
  #lose(slot: Slot, error: Error): void {
    const batch = slot.batch;
    this.#release(slot);
    this.replaced++;
    this.#discard(slot);
    if (batch) {
      const answered = batch.replies.length;
      batch.tasks.slice(0, answered).forEach((task, i) => this.#finish(task, (t) => settleWith(t, batch.replies[i])));
      this.#finish(batch.tasks[answered], (t) => t.reject(error));
      this.#queue.unshift(...batch.tasks.slice(answered + 1).filter((t) => !t.settled));
    }
    this.#dispatch();
  }

  #release(slot: Slot): void {
    clearTimeout(slot.timer);
    slot.batch = undefined;
    slot.child.channel?.unref();
  }

  /** Settles a task once (an aborted one was settled already). */
  #finish(task: Task | undefined, how: (task: Task) => void): void {
    if (!task || task.settled) return;
    task.settled = true;
    if (task.onAbort) task.signal?.removeEventListener("abort", task.onAbort);
    how(task);
  }

  #abort(task: Task): void {
    const queued = this.#queue.indexOf(task);
    if (queued >= 0) this.#queue.splice(queued, 1);
    const slot = [...this.#slots].find((s) => s.batch?.tasks.includes(task));
    this.#finish(task, (t) => t.reject(t.signal?.reason));
    // Stop the evaluator only if it is working on this very task; otherwise its answer is ignored.
    if (slot?.batch && slot.batch.tasks[slot.batch.replies.length] === task) this.#lose(slot, new Error("aborted"));
  }

  #discard(slot: Slot): void {
    this.#slots.delete(slot);
    clearTimeout(slot.timer);
    slot.child.kill("SIGKILL");
  }
}

function settleWith(task: Task, reply: EvaluatorReply): void {
  if (reply.ok) return task.resolve(reply.json === null ? undefined : JSON.parse(reply.json));
  const { error } = reply;
  task.reject(error.kind === "limit" ? new ExpressionLimitError(error.limit, error.message) : new TemplateError(error.path, error.expression, error.detail));
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
