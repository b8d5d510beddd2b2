import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requireUser } from "../../../_server/session.ts";
import { getWorkflow } from "#lib/workflows/workflows.ts";
import { can } from "#lib/auth/permissions.ts";
import { ApiError } from "#lib/api/errors.ts";
import type { Definition } from "#lib/workflow/definition.ts";
import { WorkflowEditor } from "#components/canvas/editor.tsx";

export const metadata: Metadata = { title: "Editor" };

const UUID = /^[0-9a-f-]{36}$/i;

export default async function EditorPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  if (!UUID.test(id)) notFound();
  const workflow = await getWorkflow(id).catch((e) => {
    if (e instanceof ApiError && e.status === 404) notFound();
    throw e;
  });
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
        versions: workflow.versions.map((v) => ({ ...v, createdAt: v.createdAt.toISOString() })),
      }}
    />
  );
}
