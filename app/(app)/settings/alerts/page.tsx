import type { Metadata } from "next";
import { AlertsSettings } from "#components/settings/alerts-settings.tsx";
import { requireUser } from "../../../_server/session.ts";

export const metadata: Metadata = { title: "Alerts" };

export default async function AlertsPage() {
  await requireUser();
  return <AlertsSettings />;
}
