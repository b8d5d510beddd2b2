import type { Metadata } from "next";
import { FlagEditor } from "#components/flags/flag-editor.tsx";
import { requireUser } from "../../../_server/session.ts";

export const metadata: Metadata = { title: "Flag" };

export default async function FlagPage({ params }: { params: Promise<{ key: string }> }) {
  await requireUser();
  return <FlagEditor flagKey={(await params).key} />;
}
