import type { Metadata } from "next";
import { NetworkSettings } from "#components/settings/network-settings.tsx";
import { requireUser } from "../../../_server/session.ts";

export const metadata: Metadata = { title: "Network access" };

export default async function NetworkPage() {
  await requireUser();
  return <NetworkSettings />;
}
