import type { Metadata } from "next";
import { PageHeader } from "#components/ui/page-header.tsx";
import { EmptyState } from "#components/ui/empty-state.tsx";
import { RunsIcon } from "#components/ui/icons.tsx";

export const metadata: Metadata = { title: "Runs" };

export default function RunsPage() {
  return (
    <>
      <PageHeader title="Runs" description="Every execution of every workflow, live." />
      <EmptyState icon={<RunsIcon width={32} height={32} />} title="No runs yet">
        Runs appear here as soon as a workflow is started.
      </EmptyState>
    </>
  );
}
