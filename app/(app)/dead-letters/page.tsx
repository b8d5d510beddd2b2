import type { Metadata } from "next";
import { Suspense } from "react";
import { DeadLetters } from "#components/runs/dead-letters.tsx";
import { requireUser } from "../../_server/session.ts";

export const metadata: Metadata = { title: "Dead letters" };

export default async function DeadLettersPage() {
  await requireUser();
  return (
    <Suspense>
      <DeadLetters />
    </Suspense>
  );
}
