import type { Metadata } from "next";
import { CredentialsSettings } from "#components/settings/credentials-settings.tsx";
import { requireUser } from "../../../_server/session.ts";

export const metadata: Metadata = { title: "Credentials" };

export default async function CredentialsPage() {
  await requireUser();
  return <CredentialsSettings />;
}
