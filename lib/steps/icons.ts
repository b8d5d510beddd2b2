// The icons a step definition may name (`icon`). Names only, so that this stays browser- and
// worker-safe; components/canvas/step-icons.tsx draws each, and must draw every one (its map
// `satisfies Record<StepIcon, ...>`), so an unknown or undrawn name does not compile.
export const stepIcons = ["play", "globe", "shuffle", "split", "clock", "flag", "check", "code", "database", "mail", "bell", "radio", "layers", "repeat", "table"] as const;

export type StepIcon = (typeof stepIcons)[number];
