-- DropIndex
DROP INDEX "step_runs_status_heartbeat_at_idx";

-- CreateIndex
CREATE INDEX "step_runs_heartbeat_at_idx" ON "step_runs"("heartbeat_at");

-- Written by hand (Prisma does not model storage parameters): leave room in each page so that
-- a step's updates can stay on its page (HOT) instead of writing every index again.
ALTER TABLE "step_runs" SET (fillfactor = 80);
