import type { ReactNode } from "react";
import { requireUser } from "../_server/session.ts";
import { AppShell } from "#components/shell/app-shell.tsx";
import { Providers } from "#components/providers.tsx";

export const dynamic = "force-dynamic";

export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  return (
    <Providers>
      <AppShell user={{ name: user.name, email: user.email, role: user.role }}>{children}</AppShell>
    </Providers>
  );
}
