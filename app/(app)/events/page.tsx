import type { Metadata } from "next";
import { Suspense } from "react";
import { EventsLog } from "#components/events/events-log.tsx";
import { requireUser } from "../../_server/session.ts";

export const metadata: Metadata = { title: "Events" };

export default async function EventsPage() {
  await requireUser();
  return (
    <Suspense>
      <EventsLog />
    </Suspense>
  );
}
