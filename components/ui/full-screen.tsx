import type { ReactNode } from "react";
import { cx } from "#lib/client/cx.ts";

/**
 * A page that uses the whole window beside the navigation (the editor, a run, a version): it
 * undoes the main area's padding. On a desktop it is the window's height; on a phone, `fill`
 * makes it the height below the top bar, otherwise it grows with its content and scrolls.
 */
export function FullScreen({ children, fill = false, className }: { children: ReactNode; fill?: boolean; className?: string }) {
  return <div className={cx("-mx-4 -my-5 flex flex-col md:-mx-8 md:-my-7 md:h-screen", fill && "h-[calc(100dvh-3.5rem)]", className)}>{children}</div>;
}
