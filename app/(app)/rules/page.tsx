import type { Metadata } from "next";
import { RuleSets } from "#components/rules/rule-sets.tsx";
import { requireUser } from "../../_server/session.ts";

export const metadata: Metadata = { title: "Rules" };

export default async function RulesPage() {
  await requireUser();
  return <RuleSets />;
}
