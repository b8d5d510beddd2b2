import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { pool } from "#lib/db.ts";
import { exportApprovalsCsv } from "#lib/approvals/export.ts";

export const GET = route(operations.exportApprovals, async ({ query }) => {
  const csv = await exportApprovalsCsv(pool(), query);
  const day = new Date().toISOString().slice(0, 10);
  return new Response(csv, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="baton-approvals-${query.status}-${day}.csv"` },
  });
});
