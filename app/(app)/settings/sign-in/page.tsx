import type { Metadata } from "next";
import { ThrottlesSettings } from "#components/settings/throttles-settings.tsx";
import { requireUser } from "../../../_server/session.ts";

export const metadata: Metadata = { title: "Sign-in" };

export default async function SignInPage() {
  await requireUser();
  return <ThrottlesSettings />;
}
