import { definitions } from "#lib/steps/index.ts";
import { runScript, stripTypes } from "#lib/code/sandbox.ts";
import { NonRetryableError } from "#lib/engine/errors.ts";
import { defineExecutor } from "./types.ts";

/** The script runs in QuickJS (lib/code/sandbox.ts); what it throws fails the attempt and is not
 * retried (running the same code on the same data throws again), nor is a limit overrun. */
export const code = defineExecutor(definitions.code, async (config, ctx) => {
  let source = config.code;
  if (config.language === "typescript") {
    try {
      source = stripTypes(source);
    } catch (error) {
      throw new NonRetryableError(`the TypeScript cannot be run: ${(error as Error).message.split("\n")[0]}`, { code: "code_syntax" });
    }
  }
  // `original`: in a compensation, the step it undoes.
  const { input, steps, run, original } = ctx.context;
  const outcome = await runScript(source, { input, steps, run, original }, { timeoutMs: config.timeoutMs, memoryBytes: config.memoryMb * 1024 * 1024 }, (percent, message) =>
    ctx.progress(Number(percent), typeof message === "string" ? message : undefined),
  );
  if (!outcome.ok) throw new NonRetryableError(outcome.limit ? outcome.message : `the script threw ${outcome.message}`, { code: outcome.limit ? `code_${outcome.limit}_limit` : "code_error" });
  return { output: outcome.value };
});
