import type { Metadata } from "next";
import { Flags } from "#components/flags/flags.tsx";
import { requireUser } from "../../_server/session.ts";

export const metadata: Metadata = { title: "Flags" };

export default async function FlagsPage() {
  await requireUser();
  return <Flags />;
}
