import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { isUuid } from "../../../../_server/not-found.ts";
import { requireUser } from "../../../../_server/session.ts";
import { RolloutPage } from "#components/workflows/rollout-page.tsx";

export const metadata: Metadata = { title: "Rollout" };

export default async function WorkflowRolloutPage({ params }: { params: Promise<{ id: string }> }) {
  await requireUser();
  const { id } = await params;
  if (!isUuid(id)) notFound();
  return <RolloutPage workflowId={id} />;
}
