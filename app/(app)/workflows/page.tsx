import type { Metadata } from "next";
import { WorkflowsList } from "#components/workflows/workflows-list.tsx";
import { requireUser } from "../../_server/session.ts";

export const metadata: Metadata = { title: "Workflows" };

export default async function WorkflowsPage() {
  await requireUser();
  return <WorkflowsList />;
}
