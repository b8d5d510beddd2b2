import type { Metadata } from "next";
import { AccountSettings } from "#components/settings/account-settings.tsx";
import { requireUser } from "../../../_server/session.ts";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  await requireUser();
  return <AccountSettings />;
}
