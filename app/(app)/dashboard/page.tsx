import type { Metadata } from "next";
import { Suspense } from "react";
import { Dashboard } from "#components/dashboard/dashboard.tsx";
import { requireUser } from "../../_server/session.ts";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  await requireUser();
  return (
    <Suspense>
      <Dashboard />
    </Suspense>
  );
}
