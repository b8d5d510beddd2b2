import type { ReactNode } from "react";
import { cx } from "#lib/client/cx.ts";
import { LogoMark } from "./icons.tsx";

/** A page outside the app's shell (sign-in, a decision link): the logo above one card. */
export function StandalonePage({ width = "max-w-sm", children }: { width?: string; children: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center bg-zinc-50 px-4 py-8">
      <div className={cx("w-full", width)}>
        <div className="mb-6 flex items-center justify-center gap-2 text-lg font-semibold tracking-tight">
          <LogoMark width={28} height={28} />
          Baton
        </div>
        <div className="rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">{children}</div>
      </div>
    </main>
  );
}
