"use client";
import { DropdownMenu } from "radix-ui";
import { useRouter } from "next/navigation";
import Link from "next/link";
import { api } from "#lib/client/api.ts";
import { ChevronDown } from "../ui/icons.tsx";
import type { ShellUser } from "./app-shell.tsx";

export function UserMenu({ user, compact = false }: { user: ShellUser; compact?: boolean }) {
  const router = useRouter();
  const signOut = async () => {
    await api("/auth/logout", { method: "POST" }).catch(() => undefined);
    router.replace("/login");
    router.refresh();
  };
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger
        className="flex w-full items-center gap-2.5 rounded-md px-2 py-1.5 text-left hover:bg-zinc-100"
      >
        {/* Named by what it shows (the person and their role), plus what it opens. */}
        <span aria-hidden className="flex size-8 shrink-0 items-center justify-center rounded-full bg-indigo-100 text-sm font-semibold text-indigo-700">
          {user.name.slice(0, 1).toUpperCase()}
        </span>
        {compact ? (
          <span className="sr-only">{user.name}, account menu</span>
        ) : (
          <>
            <span className="min-w-0 flex-1">
              <span className="block truncate text-sm font-medium text-zinc-900">
                {user.name}
                <span className="sr-only">, account menu, </span>
              </span>
              <span className="block truncate text-xs text-zinc-500">{user.role}</span>
            </span>
            <ChevronDown className="text-zinc-500" />
          </>
        )}
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          side="top"
          align="start"
          sideOffset={6}
          className="z-50 min-w-52 rounded-md border border-zinc-200 bg-white p-1 text-sm shadow-lg"
        >
          <div className="px-2 py-1.5">
            <div className="font-medium text-zinc-900">{user.name}</div>
            <div className="text-xs text-zinc-500">{user.email}</div>
          </div>
          <DropdownMenu.Separator className="my-1 h-px bg-zinc-200" />
          <DropdownMenu.Item asChild className="block cursor-pointer rounded px-2 py-1.5 outline-none data-highlighted:bg-zinc-100">
            <Link href="/settings/account">Account</Link>
          </DropdownMenu.Item>
          <DropdownMenu.Item
            onSelect={signOut}
            className="cursor-pointer rounded px-2 py-1.5 text-zinc-800 outline-none data-highlighted:bg-zinc-100"
          >
            Sign out
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
