import type { Metadata } from "next";
import { Suspense } from "react";
import { Inbox } from "#components/approvals/inbox.tsx";
import { requireUser } from "../../_server/session.ts";

export const metadata: Metadata = { title: "Approvals" };

export default async function ApprovalsPage() {
  await requireUser();
  return (
    <Suspense>
      <Inbox />
    </Suspense>
  );
}
