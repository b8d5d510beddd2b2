import type { Metadata } from "next";
import { Outbox } from "#components/settings/outbox.tsx";
import { requireUser } from "../../../_server/session.ts";

export const metadata: Metadata = { title: "Outbox" };

export default async function OutboxPage() {
  await requireUser();
  return <Outbox />;
}
