// The Code step on a real worker: a script's result, its error (not retried), its time and memory
// limits (the worker stays healthy and runs the next step at once), TypeScript, progress it
// reports, and every way out of the sandbox we know of failing inside it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { linear, publish, runWorkflow, startEngine, stepOf, waitForRun, type Engine } from "../helpers/engine.ts";
import { waitFor } from "../helpers/processes.ts";

let engine: Engine;

beforeAll(async () => {
  engine = await startEngine();
});
afterAll(async () => {
  await engine?.stop();
});

async function runCode(config: Record<string, unknown>, input: unknown = { a: 2 }) {
  const admin = await engine.as("admin");
  const id = await publish(
    admin,
    linear([{ id: "prep", type: "transform", config: { output: { b: 3 } } }, { id: "script", type: "code", config }], { output: "{{ steps.script.output }}" }),
    `code ${Math.random()}`,
  );
  return waitForRun(admin, await runWorkflow(admin, id, input));
}

describe("the Code step", () => {
  it("returns what the script returns, from input, steps and run", async () => {
    const run = await runCode({ code: "return { sum: input.a + steps.prep.output.b, run: typeof run.id, when: new Date(0) }" });
    expect(run).toMatchObject({ status: "succeeded", output: { sum: 5, run: "string", when: "1970-01-01T00:00:00.000Z" } });
  });

  it("takes TypeScript with its types removed, and leaves {{ }} in a script alone", async () => {
    expect((await runCode({ language: "typescript", code: "const x: number = input.a;\nconst twice = (n: number): number => n * 2;\nreturn twice(x);" })).output).toBe(4);
    expect((await runCode({ code: 'return "{{ input.a }}"' })).output).toBe("{{ input.a }}");
  });

  it("reports progress while it runs: kept on the step, streamed in order, shown on the run while it lasts", async () => {
    const admin = await engine.as("admin");
    // Four parts of about 400 ms each; the progress of each is awaited (the worker writes it).
    const code = `for (let part = 1; part <= 4; part++) {
        const until = Date.now() + 400;
        while (Date.now() < until) {}
        await progress(part * 25, "part " + part + " of 4");
      }
      progress(1e9, "x".repeat(100000));
      return "done";`;
    const id = await publish(admin, linear([{ id: "script", type: "code", config: { code, timeoutMs: 10_000 } }], { output: "{{ steps.script.output }}" }), `progress ${Math.random()}`);
    const runId = await runWorkflow(admin, id);
    const during = await waitFor("progress on the run", async () => {
      const listed = (await admin.get(`/runs?workflowId=${id}`)).json.runs[0];
      return listed.progress?.message?.startsWith("part") ? listed.progress : undefined;
    }, 15_000, 100);
    expect(during).toMatchObject({ unit: "steps", total: 3, message: expect.stringMatching(/^part [1-4] of 4$/) });
    const run = await waitForRun(admin, runId);
    expect(run.output).toBe("done");
    // The last report, clamped: a whole percent in 0..100 and a message of at most 200 characters.
    expect(stepOf(run, "script").progress).toEqual({ percent: 100, message: "x".repeat(200) });
    expect(run.progress).toBeNull();
    const events = (await admin.get(`/runs/${runId}/events`)).json.events.filter((e: { type: string }) => e.type === "step.progress").map((e: { data: { percent: number } }) => e.data.percent);
    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(events).toEqual(events.toSorted((a: number, b: number) => a - b));
    expect(events.at(-1)).toBe(100);
  });

  it("survives a script that calls progress() in an endless loop without awaiting it: the time limit stops it, the worker lives on", async () => {
    const run = await runCode({ code: "for (;;) progress(1, 'again');", timeoutMs: 300 });
    expect(stepOf(run, "script")).toMatchObject({ status: "failed", attempt: 1, error: { code: "code_time_limit" } });
    expect((await runCode({ code: "return 40 + 2" })).output).toBe(42);
  });

  it("fails the attempt with what the script threw, without retrying", async () => {
    const run = await runCode({ code: "throw new TypeError('amount missing')" });
    expect(run.status).toBe("failed");
    expect(stepOf(run, "script")).toMatchObject({ status: "failed", attempt: 1, error: { message: "the script threw TypeError: amount missing" } });
  });

  it("stops an endless loop and a huge allocation at their limits, and the worker runs the next script at once", async () => {
    const loop = await runCode({ code: "while (true) {}", timeoutMs: 200 });
    expect(stepOf(loop, "script")).toMatchObject({ status: "failed", attempt: 1, error: { message: "the script ran past its time limit and was stopped", code: "code_time_limit" } });
    const memory = await runCode({ code: "const a = new Array(1e8).fill(1); return a.length", memoryMb: 16 });
    expect(stepOf(memory, "script")).toMatchObject({ status: "failed", error: { message: "the script used more than its memory limit and was stopped", code: "code_memory_limit" } });
    expect((await runCode({ code: "return 'still here'" })).output).toBe("still here");
    expect(engine.workers[0].child.exitCode).toBeNull();
  });

  it("has no way out: no require, process, network, timers, host functions or modules", async () => {
    const probes = `
      const tryIt = (f) => { try { return String(f()); } catch (e) { return "threw " + e.name; } };
      return {
        require: typeof require, process: typeof process, fetch: typeof fetch, setTimeout: typeof setTimeout,
        std: typeof std, os: typeof os, Buffer: typeof Buffer,
        functionCtor: tryIt(() => Function("return typeof process")()),
        protoChain: tryIt(() => [].constructor.constructor("return typeof globalThis.process")()),
        asyncCtor: await Object.getPrototypeOf(async function () {}).constructor("return typeof process")(),
        globals: Object.getOwnPropertyNames(globalThis).filter((k) => /process|require|module|fetch|std|os|__/.test(k)).join(","),
        importFs: await import("fs").then(() => "loaded", (e) => "refused: " + e.message),
      };`;
    const run = await runCode({ code: probes });
    expect(run.status).toBe("succeeded");
    expect(run.output).toEqual({
      require: "undefined",
      process: "undefined",
      fetch: "undefined",
      setTimeout: "undefined",
      std: "undefined",
      os: "undefined",
      Buffer: "undefined",
      functionCtor: "undefined",
      protoChain: "undefined",
      asyncCtor: "undefined",
      globals: "",
      importFs: "refused: could not load module 'fs'",
    });
  });
});
