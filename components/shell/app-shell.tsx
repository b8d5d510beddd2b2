"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState, type ReactNode } from "react";
import type { Role } from "#lib/auth/permissions.ts";
import { cx } from "#lib/client/cx.ts";
import { useQuery } from "@tanstack/react-query";
import { approvalsWaitingQuery } from "#lib/client/queries.ts";
import { ApprovalIcon, DashboardIcon, DeadLetterIcon, DependencyIcon, EventsIcon, FlagIcon, LogoMark, RulesIcon, RunsIcon, SettingsIcon, WorkflowIcon } from "../ui/icons.tsx";
import { UserMenu } from "./user-menu.tsx";
import { CurrentUserProvider } from "./current-user.tsx";

const nav = [
  { href: "/workflows", label: "Workflows", icon: WorkflowIcon },
  { href: "/runs", label: "Runs", icon: RunsIcon },
  { href: "/approvals", label: "Approvals", icon: ApprovalIcon },
  { href: "/dashboard", label: "Dashboard", icon: DashboardIcon },
  { href: "/events", label: "Events", icon: EventsIcon },
  { href: "/rules", label: "Rules", icon: RulesIcon },
  { href: "/flags", label: "Flags", icon: FlagIcon },
  { href: "/dead-letters", label: "Dead letters", icon: DeadLetterIcon },
  { href: "/dependencies", label: "Dependencies", icon: DependencyIcon },
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
      <div className="flex min-h-screen flex-col md:flex-row">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:z-50 focus:m-2 focus:rounded focus:bg-white focus:p-2">
          Skip to content
        </a>
        <PhoneBar user={user} pathname={pathname} />
        <aside className={cx("sticky top-0 hidden h-screen shrink-0 flex-col border-r border-zinc-200 bg-white md:flex", compact ? "w-14" : "w-56")}>
          <Link href="/workflows" className="flex h-14 items-center gap-2 px-4 text-[15px] font-semibold tracking-tight" aria-label="Baton home">
            <LogoMark />
            {compact ? null : "Baton"}
          </Link>
          <NavLinks pathname={pathname} compact={compact} />
          <div className="border-t border-zinc-200 p-2">
            <UserMenu user={user} compact={compact} />
          </div>
        </aside>
        <main id="main" className="min-w-0 flex-1 px-4 py-5 md:px-8 md:py-7">
          {children}
        </main>
      </div>
    </CurrentUserProvider>
  );
}

/** How often the navigation asks how many approvals wait on the signed-in person (the inbox
 * itself refreshes it at once from the live stream). */
const WAITING_REFRESH_MS = 10_000;

function NavLinks({ pathname, compact }: { pathname: string; compact: boolean }) {
  const waiting = useQuery({ ...approvalsWaitingQuery(), refetchInterval: WAITING_REFRESH_MS }).data?.count ?? 0;
  return (
    <nav aria-label="Main" className="flex-1 space-y-0.5 px-2 py-2">
      {nav.map(({ href, label, icon: Icon }) => {
        const active = pathname === href || pathname.startsWith(`${href}/`);
        const badge = href === "/approvals" && waiting > 0 ? waiting : null;
        const name = badge ? `${label}, ${badge} waiting on you` : label;
        return (
          <Link
            key={href}
            href={href}
            aria-current={active ? "page" : undefined}
            aria-label={compact || badge ? name : undefined}
            title={compact ? name : undefined}
            className={cx("relative flex items-center gap-2.5 rounded-md px-2.5 py-2 text-sm font-medium", active ? "bg-indigo-50 text-indigo-700" : "text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900")}
          >
            <Icon />
            {compact ? null : label}
            {badge ? (
              <span data-testid="approvals-badge" className={cx("rounded-full bg-indigo-600 px-1.5 text-[11px] font-semibold leading-5 text-white", compact ? "absolute -top-0.5 right-0" : "ml-auto")}>
                {badge}
              </span>
            ) : null}
          </Link>
        );
      })}
    </nav>
  );
}

/** Below the md breakpoint: a bar with the logo and a menu that holds the navigation. */
function PhoneBar({ user, pathname }: { user: ShellUser; pathname: string }) {
  const [open, setOpen] = useState(false);
  // A link followed closes the menu.
  const [shownFor, setShownFor] = useState(pathname);
  if (shownFor !== pathname) {
    setShownFor(pathname);
    setOpen(false);
  }
  return (
    <div className="sticky top-0 z-30 border-b border-zinc-200 bg-white md:hidden">
      <div className="flex h-14 items-center justify-between px-4">
        <Link href="/workflows" className="flex items-center gap-2 text-[15px] font-semibold tracking-tight" aria-label="Baton home">
          <LogoMark />
          Baton
        </Link>
        <button type="button" aria-expanded={open} aria-controls="phone-menu" onClick={() => setOpen(!open)} className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm font-medium text-zinc-800">
          {open ? "Close" : "Menu"}
        </button>
      </div>
      {open ? (
        <div id="phone-menu" className="border-t border-zinc-200 pb-2">
          <NavLinks pathname={pathname} compact={false} />
          <div className="border-t border-zinc-200 px-2 pt-2">
            <UserMenu user={user} compact={false} />
          </div>
        </div>
      ) : null}
    </div>
  );
}
