// Regular expressions without backtracking: RE2 semantics (re2js, pure JavaScript), so matching
// takes time linear in the input whatever the pattern. `/^(a+)+$/` against "aaaa…!" is as fast
// as any other pattern, where JavaScript's own engine takes exponential time. Patterns that need
// backtracking (backreferences, lookahead, lookbehind) are refused when compiled.
import { RE2JS } from "re2js";

const FLAGS: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL };

/** RE2 compiles `pattern` (JavaScript syntax) or throws a SyntaxError saying what it refuses. */
export function compileRe2(pattern: string, flags = ""): RE2JS {
  let bits = 0;
  for (const flag of flags) bits |= FLAGS[flag] ?? 0;
  try {
    return RE2JS.compile(RE2JS.translateRegExp(pattern), bits);
  } catch (error) {
    throw new SyntaxError(`the regular expression /${pattern}/ is not supported: ${(error as Error).message} (backreferences and lookaround are not available)`);
  }
}

/**
 * A RegExp look-alike on RE2, for JSONata's `RegexEngine` option: JSONata constructs it from the
 * RegExp its parser made, then calls `exec` with `lastIndex` set, as on a global RegExp.
 */
export class Re2RegExp {
  lastIndex = 0;
  readonly source: string;
  readonly flags: string;
  readonly #re: RE2JS;

  constructor(pattern: RegExp | string, flags?: string) {
    this.source = typeof pattern === "string" ? pattern : pattern.source;
    this.flags = flags ?? (typeof pattern === "string" ? "" : pattern.flags);
    this.#re = compileRe2(this.source, this.flags);
  }

  exec(input: string): RegExpExecArray | null {
    const matcher = this.#re.matcher(input);
    if (this.lastIndex > input.length || !matcher.find(this.lastIndex)) {
      this.lastIndex = 0;
      return null;
    }
    const groups: (string | undefined)[] = [];
    for (let g = 0; g <= matcher.groupCount(); g++) groups.push(matcher.group(g) ?? undefined);
    const match = Object.assign(groups, { index: matcher.start(), input }) as unknown as RegExpExecArray;
    this.lastIndex = matcher.end();
    return match;
  }

  test(input: string): boolean {
    return this.exec(input) !== null;
  }
}

/** Ajv's `code.regExp` option: JSON Schema `pattern`s compiled by RE2. */
export const ajvRe2 = Object.assign((pattern: string, flags: string) => new Re2RegExp(pattern, flags.replace("u", "")), { code: "re2" });
