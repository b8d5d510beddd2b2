import type { Metadata } from "next";
import { PageHeader } from "#components/ui/page-header.tsx";
import { EmptyState } from "#components/ui/empty-state.tsx";
import { WorkflowIcon } from "#components/ui/icons.tsx";

export const metadata: Metadata = { title: "Workflows" };

export default function WorkflowsPage() {
  return (
    <>
      <PageHeader title="Workflows" description="Flowcharts that Baton runs durably: retries, timeouts and dead letters included." />
      <EmptyState icon={<WorkflowIcon width={32} height={32} />} title="No workflows yet">
        Workflows you design or import will be listed here.
      </EmptyState>
    </>
  );
}
