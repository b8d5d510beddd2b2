import type { Metadata } from "next";
import { TokensSettings } from "#components/settings/tokens-settings.tsx";
import { requireUser } from "../../../_server/session.ts";

export const metadata: Metadata = { title: "API tokens" };

export default async function TokensPage() {
  await requireUser();
  return <TokensSettings />;
}
