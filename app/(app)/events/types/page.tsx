import type { Metadata } from "next";
import { EventTypes } from "#components/events/event-types.tsx";
import { requireUser } from "../../../_server/session.ts";

export const metadata: Metadata = { title: "Event types" };

export default async function EventTypesPage() {
  await requireUser();
  return <EventTypes />;
}
