// Finding a step type by what it is called or does: the palette's search and the quick-add
// picker share it. Browser-safe and pure.
import { stepDefinitions, type StepDefinition } from "../steps/index.ts";

/** The step types that can be added (a second entry, such as a start, cannot) matching every word
 * of `query`: those whose name matches first (from its start, then anywhere), then those whose
 * description does. */
export function searchSteps(query: string, options: { hasEntry: boolean; needsInput?: boolean }): StepDefinition[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const rank = (d: StepDefinition) => {
    const name = `${d.label} ${d.type}`.toLowerCase();
    if (words.every((w) => name.split(/\s+/).some((part) => part.startsWith(w)))) return 0;
    if (words.every((w) => name.includes(w))) return 1;
    return words.every((w) => `${name} ${d.description.toLowerCase()}`.includes(w)) ? 2 : -1;
  };
  return Object.values(stepDefinitions)
    .filter((d) => !(d.entry && options.hasEntry))
    // After another step's output, only a step that takes input fits.
    .filter((d) => !options.needsInput || d.acceptsInput)
    .map((d) => ({ d, r: rank(d) }))
    .filter(({ r }) => r >= 0)
    .sort((a, b) => a.r - b.r)
    .map(({ d }) => d);
}
