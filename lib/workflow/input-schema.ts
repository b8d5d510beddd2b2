// A start step's input schema (JSON Schema), compiled for checking run input. Its `pattern`s run
// on RE2, so a run input cannot make the web process backtrack for minutes on a bad pattern.
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { ajvRe2 } from "../expressions/re2.ts";
import { unprocessable } from "../api/errors.ts";

const ajv = new Ajv({ allErrors: true, strict: false, code: { regExp: ajvRe2 } });
addFormats.default(ajv);

/** Compiles a schema; throws with Ajv's message when it is not a valid JSON Schema. */
export function compileInputSchema(schema: object): ValidateFunction {
  return ajv.compile(schema);
}

/** A JSON Schema someone saves (a webhook's body, an event type's data) must compile, or the
 * request is refused with Ajv's message on the field. */
export function assertJsonSchema(schema: object, path: string): ValidateFunction {
  try {
    return compileInputSchema(schema);
  } catch (error) {
    throw unprocessable("This is not a valid JSON Schema.", [{ path, message: (error as Error).message }]);
  }
}
