import type { Metadata } from "next";
import { Suspense } from "react";
import { RunsList } from "#components/runs/runs-list.tsx";
import { requireUser } from "../../_server/session.ts";

export const metadata: Metadata = { title: "Runs" };

export default async function RunsPage() {
  await requireUser();
  return (
    <Suspense>
      <RunsList />
    </Suspense>
  );
}
