import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { isUuid, orNotFound } from "../../../_server/not-found.ts";
import { requireUser } from "../../../_server/session.ts";
import { getWorkflow } from "#lib/workflows/workflows.ts";
import { can } from "#lib/auth/permissions.ts";
import type { Definition } from "#lib/workflow/definition.ts";
import { WorkflowEditor } from "#components/canvas/editor.tsx";

export const metadata: Metadata = { title: "Editor" };

export default async function EditorPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  if (!isUuid(id)) notFound();
  const workflow = await orNotFound(getWorkflow(id));
  return (
    <WorkflowEditor
      canEdit={can(user.role, "workflows.write")}
      canRun={can(user.role, "runs.start")}
      workflow={{
        id: workflow.id,
        name: workflow.name,
        description: workflow.description,
        draft: workflow.draft as unknown as Definition,
        draftRevision: workflow.draftRevision,
        activeVersion: workflow.activeVersion,
        rollout: workflow.rollout as { versions: { version: number; weight: number }[] } | null,
        latestDefinition: workflow.latestDefinition as unknown as Definition | null,
        versions: workflow.versions.map((v) => ({ ...v, createdAt: v.createdAt.toISOString() })),
      }}
    />
  );
}
