// Icons named by step definitions (lib/steps/*.ts `icon`): one for every name in
// lib/steps/icons.ts, and no other (a missing or extra one does not compile).
import type { SVGProps } from "react";
import type { StepIcon as StepIconName } from "#lib/steps/icons.ts";

const props = (p: SVGProps<SVGSVGElement>) => ({
  width: 16,
  height: 16,
  viewBox: "0 0 24 24",
  fill: "none",
  stroke: "currentColor",
  strokeWidth: 2,
  strokeLinecap: "round" as const,
  strokeLinejoin: "round" as const,
  "aria-hidden": true,
  ...p,
});

const icons = {
  play: (p) => <svg {...props(p)}><path d="M6 4v16l13-8z" /></svg>,
  globe: (p) => <svg {...props(p)}><circle cx="12" cy="12" r="9" /><path d="M3 12h18M12 3a14 14 0 0 1 0 18M12 3a14 14 0 0 0 0 18" /></svg>,
  shuffle: (p) => <svg {...props(p)}><path d="M16 3h5v5M4 20 21 3M21 16v5h-5M15 15l6 6M4 4l5 5" /></svg>,
  split: (p) => <svg {...props(p)}><path d="M6 3v6a6 6 0 0 0 6 6h6M18 15l-3-3m3 3-3 3M6 9a6 6 0 0 1 6-6h6M18 3l-3 3" /></svg>,
  clock: (p) => <svg {...props(p)}><circle cx="12" cy="12" r="9" /><path d="M12 7v5l3 2" /></svg>,
  flag: (p) => <svg {...props(p)}><path d="M5 21V4m0 0h11l-2 4 2 4H5" /></svg>,
  check: (p) => <svg {...props(p)}><circle cx="12" cy="12" r="9" /><path d="m8 12 3 3 5-6" /></svg>,
  code: (p) => <svg {...props(p)}><path d="m8 7-5 5 5 5M16 7l5 5-5 5M14 4l-4 16" /></svg>,
  mail: (p) => <svg {...props(p)}><rect x="3" y="5" width="18" height="14" rx="2" /><path d="m3 7 9 6 9-6" /></svg>,
  database: (p) => <svg {...props(p)}><ellipse cx="12" cy="5" rx="8" ry="3" /><path d="M4 5v14c0 1.7 3.6 3 8 3s8-1.3 8-3V5M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3" /></svg>,
  bell: (p) => <svg {...props(p)}><path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.9 1.9 0 0 0 3.4 0" /></svg>,
  repeat: (p) => <svg {...props(p)}><path d="m17 2 4 4-4 4" /><path d="M3 11v-1a4 4 0 0 1 4-4h14M7 22l-4-4 4-4" /><path d="M21 13v1a4 4 0 0 1-4 4H3" /></svg>,
  layers: (p) => <svg {...props(p)}><path d="m12 3 9 5-9 5-9-5 9-5Z" /><path d="m3 13 9 5 9-5" /></svg>,
  table: (p) => <svg {...props(p)}><rect x="3" y="4" width="18" height="16" rx="2" /><path d="M3 10h18M3 15h18M9 4v16" /></svg>,
  radio: (p) => <svg {...props(p)}><circle cx="12" cy="12" r="2" /><path d="M16.2 7.8a6 6 0 0 1 0 8.4M7.8 16.2a6 6 0 0 1 0-8.4M19.1 4.9a10 10 0 0 1 0 14.2M4.9 19.1a10 10 0 0 1 0-14.2" /></svg>,
} satisfies Record<StepIconName, (p: SVGProps<SVGSVGElement>) => React.JSX.Element>;

export function StepIcon({ name, ...p }: { name: StepIconName } & SVGProps<SVGSVGElement>) {
  const Icon = icons[name];
  return <Icon {...p} />;
}

/** Card colours per step category. */
export const categoryTone: Record<string, string> = {
  flow: "bg-violet-100 text-violet-700",
  action: "bg-sky-100 text-sky-700",
  data: "bg-amber-100 text-amber-700",
};
