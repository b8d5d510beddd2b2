import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentUser } from "../_server/session.ts";
import { LoginForm } from "#components/auth/login-form.tsx";
import { StandalonePage } from "#components/ui/standalone-page.tsx";
import { safeNextPath } from "#lib/auth/next-path.ts";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  // Only a path on Baton: an open redirect would let a link send people elsewhere after sign-in.
  const next = safeNextPath((await searchParams).next);
  if (await currentUser()) redirect(next);
  return (
    <StandalonePage>
      <h1 className="text-base font-semibold text-zinc-900">Sign in</h1>
      <p className="mt-1 mb-5 text-sm text-zinc-600">Design, run and operate your workflows.</p>
      <LoginForm next={next} />
    </StandalonePage>
  );
}
