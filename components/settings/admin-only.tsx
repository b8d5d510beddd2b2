"use client";
import type { ReactNode } from "react";
import { useCan } from "../shell/current-user.tsx";
import { EmptyState } from "../ui/empty-state.tsx";

/** Shows its content to admins; tells everyone else why they see nothing. */
export function AdminOnly({ what, children }: { what: string; children: ReactNode }) {
  if (!useCan("admin")) {
    return (
      <EmptyState title={`Only admins manage ${what}`}>
        Your role does not include this. Ask an admin if you need a change.
      </EmptyState>
    );
  }
  return <>{children}</>;
}
