// The Code step's sandbox: QuickJS compiled to WebAssembly, one runtime per run of a script, with
// a memory limit, a stack limit and a deadline checked while it runs (an endless loop is stopped).
// Inside there is only the language: no require or import, no network, files, process, timers or
// host objects, but one function: `progress(percent, message)`. The script gets `input`, `steps`
// and `run` as plain data (copied in as JSON) and its return value comes back as JSON; what it
// throws comes back as an error message.
import { stripTypeScriptTypes } from "node:module";
import { newQuickJSWASMModuleFromVariant, shouldInterruptAfterDeadline, type QuickJSWASMModule } from "quickjs-emscripten-core";
import variant from "@jitl/quickjs-wasmfile-release-sync";

let wasm: Promise<QuickJSWASMModule> | undefined;
const quickjs = () => (wasm ??= newQuickJSWASMModuleFromVariant(variant));

export interface ScriptLimits {
  timeoutMs: number;
  memoryBytes: number;
}

export type ScriptOutcome =
  | { ok: true; value: unknown }
  /** `limit`: the script ran past its time or memory; else it threw (or did not compile). */
  | { ok: false; message: string; limit?: "time" | "memory" };

/** Type annotations removed (TypeScript's erasable syntax; enums and namespaces are refused). */
export function stripTypes(code: string): string {
  // As a function body (a script may `return`); stripping keeps every other character in place.
  const head = "async function __baton_code() {\n";
  const stripped = stripTypeScriptTypes(`${head}${code}\n}`, { mode: "strip" });
  return stripped.slice(head.length, -2);
}

/**
 * Runs `code` as the body of an async function of (input, steps, run, original). Its return value must be
 * JSON (undefined becomes null); a promise is awaited (there is nothing to wait for but itself).
 */
export async function runScript(
  code: string,
  data: { input: unknown; steps: unknown; run: unknown; original?: unknown },
  limits: ScriptLimits,
  onProgress: (percent: unknown, message: unknown) => Promise<void> | void = () => undefined,
): Promise<ScriptOutcome> {
  const runtime = (await quickjs()).newRuntime();
  runtime.setMemoryLimit(limits.memoryBytes);
  runtime.setMaxStackSize(1024 * 1024);
  const deadline = Date.now() + limits.timeoutMs;
  runtime.setInterruptHandler(shouldInterruptAfterDeadline(deadline));
  const vm = runtime.newContext();
  // Progress calls whose promise is still to be resolved (in the next turn of the event loop).
  const yielded = new Set<Promise<void>>();
  try {
    // progress(percent, message): awaiting it lets the worker write it (and run other steps)
    // before the script goes on. The only host function there is. One call at a time gets a
    // promise; calls made while it is pending are reported and answer undefined, so a script that
    // calls it in a loop without awaiting holds at most one promise.
    const progress = vm.newFunction("progress", (percent, message) => {
      const reported = Promise.resolve(onProgress(vm.dump(percent), message ? vm.dump(message) : undefined)).catch(() => undefined);
      if (yielded.size > 0) return vm.undefined;
      const deferred = vm.newPromise();
      // Resolved once the report is written, and after a turn of the event loop (other steps go).
      const later = reported
        .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
        .then(() => {
          try {
            deferred.resolve();
          } catch {
            deferred.dispose();
          }
        });
      yielded.add(later);
      void later.finally(() => yielded.delete(later));
      return deferred.handle;
    });
    vm.setProp(vm.global, "progress", progress);
    progress.dispose();
    const json = vm.newString(JSON.stringify(data));
    vm.setProp(vm.global, "__baton_data", json);
    json.dispose();
    // The script's own function; its result and error are kept as strings inside the sandbox.
    const wrapped = `(() => {
      const { input, steps, run, original } = JSON.parse(globalThis.__baton_data);
      delete globalThis.__baton_data;
      return (async function (input, steps, run, original) {\n${code}\n})(input, steps, run, original).then(
        (value) => { globalThis.__baton_result = JSON.stringify(value === undefined ? null : value); },
        (error) => { globalThis.__baton_error = error instanceof Error ? error.name + ": " + error.message : "threw " + String(error); },
      );
    })()`;
    const started = vm.evalCode(wrapped, "code-step.js");
    if (started.error) return failure(vm.dump(started.error), deadline);
    started.value.dispose();
    // Run until the script settles; while it awaits progress(), let the event loop turn.
    for (;;) {
      const jobs = runtime.executePendingJobs();
      if (jobs.error) {
        const message = vm.dump(jobs.error);
        jobs.error.dispose();
        return failure(message, deadline);
      }
      if (yielded.size === 0 || settled(vm)) break;
      // A slow write does not keep the script past its deadline.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([...yielded, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))))]);
      clearTimeout(timer);
      if (Date.now() >= deadline) return failure("interrupted", deadline);
    }
    const error = vm.getProp(vm.global, "__baton_error");
    const errorText = vm.dump(error);
    error.dispose();
    if (typeof errorText === "string") return failure(errorText, deadline);
    const result = vm.getProp(vm.global, "__baton_result");
    const resultText = vm.dump(result);
    result.dispose();
    if (typeof resultText !== "string") return { ok: false, message: "the script did not finish: it waits for something that never happens (a promise nobody resolves)" };
    return { ok: true, value: JSON.parse(resultText) };
  } finally {
    // Each resolves (or drops) its promise inside: none may be left alive when the sandbox goes;
    // past the deadline the interrupt handler would refuse even that.
    runtime.removeInterruptHandler();
    await Promise.allSettled([...yielded]);
    vm.dispose();
    runtime.dispose();
  }
}

/** Whether the script's promise has settled (it set its result or its error). */
function settled(vm: ReturnType<QuickJSWASMModule["newContext"]>): boolean {
  return ["__baton_result", "__baton_error"].some((name) => {
    const handle = vm.getProp(vm.global, name);
    const set = vm.typeof(handle) !== "undefined";
    handle.dispose();
    return set;
  });
}

function failure(dumped: unknown, deadline: number): ScriptOutcome {
  const e = dumped as { name?: string; message?: string } | string;
  const message = typeof e === "string" ? e : `${e?.name ?? "Error"}: ${e?.message ?? String(e)}`;
  if (/interrupted/i.test(message) || Date.now() >= deadline) return { ok: false, message: "the script ran past its time limit and was stopped", limit: "time" };
  if (/out of memory/i.test(message)) return { ok: false, message: "the script used more than its memory limit and was stopped", limit: "memory" };
  return { ok: false, message };
}
