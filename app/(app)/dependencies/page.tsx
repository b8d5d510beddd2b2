import type { Metadata } from "next";
import { Dependencies } from "#components/dependencies/dependencies.tsx";
import { requireUser } from "../../_server/session.ts";

export const metadata: Metadata = { title: "Dependencies" };

export default async function DependenciesPage() {
  await requireUser();
  return <Dependencies />;
}
