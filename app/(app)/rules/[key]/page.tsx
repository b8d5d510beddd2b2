import type { Metadata } from "next";
import { RuleSetEditor } from "#components/rules/rule-set-editor.tsx";
import { requireUser } from "../../../_server/session.ts";

export const metadata: Metadata = { title: "Rule set" };

export default async function RuleSetPage({ params }: { params: Promise<{ key: string }> }) {
  await requireUser();
  return <RuleSetEditor ruleSetKey={(await params).key} />;
}
