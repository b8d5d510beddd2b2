// How an expression fails a step. Neither is retried: the same data fails the same way.
import { NonRetryableError } from "../engine/errors.ts";

/** The expression itself failed (a type error, a bad argument, an unsupported regex). */
export class TemplateError extends NonRetryableError {
  readonly path: string;
  readonly expression: string;
  /** What went wrong, without the path and expression the message starts with. */
  readonly detail: string;

  constructor(path: string, expression: string, detail: string) {
    const where = [path, expression ? `{{${expression}}}` : ""].filter(Boolean).join(": ");
    super(where ? `${where}: ${detail}` : detail, { code: "template" });
    this.name = "TemplateError";
    this.path = path;
    this.expression = expression;
    this.detail = detail;
  }
}

export type ExpressionLimit = "time" | "memory" | "result" | "depth" | "sequence";

/** The expression went past one of the limits it runs under; the message names it. */
export class ExpressionLimitError extends NonRetryableError {
  readonly limit: ExpressionLimit;

  constructor(limit: ExpressionLimit, message: string) {
    super(message, { code: "expression_limit", details: { limit } });
    this.name = "ExpressionLimitError";
    this.limit = limit;
  }
}
