"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cx } from "#lib/client/cx.ts";

const tabs = [
  { href: "/settings/users", label: "Users" },
  { href: "/settings/tokens", label: "API tokens" },
  { href: "/settings/credentials", label: "Credentials" },
  { href: "/settings/alerts", label: "Alerts" },
  { href: "/settings/outbox", label: "Outbox" },
  { href: "/settings/sign-in", label: "Sign-in" },
  { href: "/settings/network", label: "Network" },
  { href: "/settings/account", label: "Account" },
];

export function SettingsTabs() {
  const pathname = usePathname();
  return (
    <nav aria-label="Settings" className="flex gap-1 border-b border-zinc-200">
      {tabs.map((t) => {
        const active = pathname.startsWith(t.href);
        return (
          <Link
            key={t.href}
            href={t.href}
            aria-current={active ? "page" : undefined}
            className={cx(
              "-mb-px border-b-2 px-3 py-2 text-sm font-medium",
              active ? "border-indigo-600 text-indigo-700" : "border-transparent text-zinc-600 hover:text-zinc-900",
            )}
          >
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}
