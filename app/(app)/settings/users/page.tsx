import type { Metadata } from "next";
import { UsersSettings } from "#components/settings/users-settings.tsx";
import { requireUser } from "../../../_server/session.ts";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  await requireUser();
  return <UsersSettings />;
}
