import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { RunView } from "#components/runs/run-view.tsx";

export const metadata: Metadata = { title: "Run" };

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!/^[0-9a-f-]{36}$/i.test(id)) notFound();
  return <RunView runId={id} />;
}
