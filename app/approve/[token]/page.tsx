// A decision link (lib/approvals/links.ts): the token authenticates, for one decision. Opening
// the page decides nothing, so that link previews and mail scanners cannot approve; a signed-in
// person goes to the inbox instead.
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LinkDecision } from "#components/approvals/link-decision.tsx";
import { StandalonePage } from "#components/ui/standalone-page.tsx";
import { ApiError } from "#lib/api/errors.ts";
import { linkTokenParam, openLink } from "#lib/approvals/links.ts";
import type { ApprovalLinkView } from "#lib/client/queries.ts";
import { pool } from "#lib/db.ts";
import { currentUser } from "../../_server/session.ts";

export const metadata: Metadata = { title: "Decide a request", referrer: "no-referrer", robots: { index: false, follow: false } };
export const dynamic = "force-dynamic";

export default async function ApproveByLinkPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  let opened: ApprovalLinkView | null = null;
  try {
    opened = JSON.parse(JSON.stringify(await openLink(pool(), linkTokenParam(token))));
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
  }
  if (opened && (await currentUser())) redirect(`/approvals?tab=open&id=${opened.request.id}`);
  return (
    <StandalonePage width="max-w-2xl">
      {opened ? (
        <LinkDecision token={token} opened={opened} />
      ) : (
        <>
          <h1 className="text-base font-semibold text-zinc-900">This link does not work</h1>
          <p className="mt-1 text-sm text-zinc-600">It may be mistyped, or it was never made. Ask for a new link, or sign in and decide from the inbox.</p>
        </>
      )}
    </StandalonePage>
  );
}
