import type { Metadata } from "next";
import Link from "next/link";
import { FullScreen } from "#components/ui/full-screen.tsx";
import { notFound } from "next/navigation";
import { isUuid, orNotFound } from "../../../../../_server/not-found.ts";
import { getVersion, getWorkflow } from "#lib/workflows/workflows.ts";
import type { Definition } from "#lib/workflow/definition.ts";
import { ReadonlyCanvas } from "#components/canvas/readonly-canvas.tsx";
import { requireUser } from "../../../../../_server/session.ts";

export const metadata: Metadata = { title: "Version" };

export default async function VersionPage({ params }: { params: Promise<{ id: string; number: string }> }) {
  await requireUser();
  const { id, number } = await params;
  const n = Number(number);
  if (!isUuid(id) || !Number.isInteger(n) || n < 1) notFound();
  const [workflow, version] = await orNotFound(Promise.all([getWorkflow(id), getVersion(id, n)]));
  return (
    <FullScreen fill>
      <header className="flex min-h-14 shrink-0 flex-wrap items-center gap-x-3 gap-y-1 py-2 border-b border-zinc-200 bg-white px-4 text-sm">
        <Link href={`/workflows/${id}`} className="text-zinc-500 hover:text-zinc-900">{workflow.name} /</Link>
        <h1 className="font-semibold text-zinc-900">Version {version.number}</h1>
        <span className="rounded bg-zinc-100 px-2 py-0.5 text-xs text-zinc-600">Read-only</span>
        <span className="text-zinc-500">
          {version.note ? `“${version.note}” · ` : ""}published by {version.createdBy.replace(/^user:/, "")} on {version.createdAt.toLocaleString("en-GB")}
        </span>
      </header>
      <div className="min-h-0 flex-1">
        <ReadonlyCanvas definition={version.definition as unknown as Definition} />
      </div>
    </FullScreen>
  );
}
