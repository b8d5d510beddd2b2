import type { Metadata } from "next";
import { TokensSettings } from "#components/settings/tokens-settings.tsx";

export const metadata: Metadata = { title: "API tokens" };

export default function TokensPage() {
  return <TokensSettings />;
}
