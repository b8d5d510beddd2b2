"use client";
import { createContext, useContext, type ReactNode } from "react";
import { can, type Permission } from "#lib/auth/permissions.ts";
import type { ShellUser } from "./app-shell.tsx";

const CurrentUser = createContext<ShellUser | null>(null);

export function CurrentUserProvider({ user, children }: { user: ShellUser; children: ReactNode }) {
  return <CurrentUser.Provider value={user}>{children}</CurrentUser.Provider>;
}

export function useCurrentUser(): ShellUser {
  const user = useContext(CurrentUser);
  if (!user) throw new Error("useCurrentUser outside the app shell");
  return user;
}

/** Whether the signed-in person holds a permission: the same rule the API enforces. */
export function useCan(permission: Permission): boolean {
  return can(useCurrentUser().role, permission);
}
