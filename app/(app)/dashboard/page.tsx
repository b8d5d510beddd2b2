import type { Metadata } from "next";
import { PageHeader } from "#components/ui/page-header.tsx";
import { EmptyState } from "#components/ui/empty-state.tsx";
import { DashboardIcon } from "#components/ui/icons.tsx";

export const metadata: Metadata = { title: "Dashboard" };

export default function DashboardPage() {
  return (
    <>
      <PageHeader title="Dashboard" description="Throughput, failures, latencies and queues at a glance." />
      <EmptyState icon={<DashboardIcon width={32} height={32} />} title="Nothing to chart yet">
        Figures appear once workflows have run.
      </EmptyState>
    </>
  );
}
