import type { Metadata } from "next";
import Link from "next/link";
import { FullScreen } from "#components/ui/full-screen.tsx";
import { notFound } from "next/navigation";
import { isUuid, orNotFound } from "../../../../_server/not-found.ts";
import { getVersion, getWorkflow } from "#lib/workflows/workflows.ts";
import type { Definition } from "#lib/workflow/definition.ts";
import { VersionDiff } from "#components/canvas/version-diff.tsx";
import { requireUser } from "../../../../_server/session.ts";

export const metadata: Metadata = { title: "Compare versions" };

export default async function ComparePage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ from?: string; to?: string }> }) {
  await requireUser();
  const { id } = await params;
  const q = await searchParams;
  const from = Number(q.from);
  const to = Number(q.to);
  if (!isUuid(id) || !Number.isInteger(from) || !Number.isInteger(to)) notFound();
  const [workflow, a, b] = await orNotFound(Promise.all([getWorkflow(id), getVersion(id, from), getVersion(id, to)]));
  return (
    <FullScreen fill>
      <header className="flex min-h-14 shrink-0 flex-wrap items-center gap-x-3 gap-y-1 py-2 border-b border-zinc-200 bg-white px-4 text-sm">
        <Link href={`/workflows/${id}`} className="text-zinc-500 hover:text-zinc-900">{workflow.name} /</Link>
        <h1 className="font-semibold text-zinc-900">
          Version {a.number} → version {b.number}
        </h1>
      </header>
      <VersionDiff before={a.definition as unknown as Definition} after={b.definition as unknown as Definition} />
    </FullScreen>
  );
}
