import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { isUuid, orNotFound } from "../../../_server/not-found.ts";
import { assertRunExists } from "#lib/runs/queries.ts";
import { RunPage } from "#components/runs/run-page.tsx";
import { requireUser } from "../../../_server/session.ts";

export const metadata: Metadata = { title: "Run" };

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  await requireUser();
  const { id } = await params;
  if (!isUuid(id)) notFound();
  await orNotFound(assertRunExists(id));
  return <RunPage runId={id} />;
}
