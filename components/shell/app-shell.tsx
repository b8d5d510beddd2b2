"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import type { Role } from "#lib/auth/permissions.ts";
import { cx } from "#lib/client/cx.ts";
import { DashboardIcon, DeadLetterIcon, LogoMark, RunsIcon, SettingsIcon, WorkflowIcon } from "../ui/icons.tsx";
import { UserMenu } from "./user-menu.tsx";
import { CurrentUserProvider } from "./current-user.tsx";

const nav = [
  { href: "/workflows", label: "Workflows", icon: WorkflowIcon },
  { href: "/runs", label: "Runs", icon: RunsIcon },
  { href: "/dashboard", label: "Dashboard", icon: DashboardIcon },
  { href: "/dead-letters", label: "Dead letters", icon: DeadLetterIcon },
  { href: "/settings", label: "Settings", icon: SettingsIcon },
];

export interface ShellUser {
  name: string;
  email: string;
  role: Role;
}

// Full-screen pages (the editor, a run, a version) get a narrow, icon-only navigation rail.
const COMPACT = /^\/(workflows|runs)\/[^/]+/;

export function AppShell({ user, children }: { user: ShellUser; children: ReactNode }) {
  const pathname = usePathname();
  const compact = COMPACT.test(pathname);
  return (
    <CurrentUserProvider user={user}>
      <div className="flex min-h-screen">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:z-50 focus:m-2 focus:rounded focus:bg-white focus:p-2">
          Skip to content
        </a>
        <aside className={cx("sticky top-0 flex h-screen shrink-0 flex-col border-r border-zinc-200 bg-white", compact ? "w-14" : "w-56")}>
          <Link href="/workflows" className="flex h-14 items-center gap-2 px-4 text-[15px] font-semibold tracking-tight" aria-label="Baton home">
            <LogoMark />
            {compact ? null : "Baton"}
          </Link>
          <nav aria-label="Main" className="flex-1 space-y-0.5 px-2 py-2">
            {nav.map(({ href, label, icon: Icon }) => {
              const active = pathname === href || pathname.startsWith(`${href}/`);
              return (
                <Link
                  key={href}
                  href={href}
                  aria-current={active ? "page" : undefined}
                  aria-label={compact ? label : undefined}
                  title={compact ? label : undefined}
                  className={cx(
                    "flex items-center gap-2.5 rounded-md px-2.5 py-2 text-sm font-medium",
                    active ? "bg-indigo-50 text-indigo-700" : "text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900",
                  )}
                >
                  <Icon />
                  {compact ? null : label}
                </Link>
              );
            })}
          </nav>
          <div className="border-t border-zinc-200 p-2">
            <UserMenu user={user} compact={compact} />
          </div>
        </aside>
        <main id="main" className="min-w-0 flex-1 px-8 py-7">
          {children}
        </main>
      </div>
    </CurrentUserProvider>
  );
}
