import type { Metadata } from "next";
import { Suspense } from "react";
import { DeadLetters } from "#components/runs/dead-letters.tsx";

export const metadata: Metadata = { title: "Dead letters" };

export default function DeadLettersPage() {
  return (
    <Suspense>
      <DeadLetters />
    </Suspense>
  );
}
