-- DropIndex
DROP INDEX "approval_requests_state_created_at_idx";

-- AlterTable
ALTER TABLE "approval_requests" ADD COLUMN     "escalations" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "next_reminder_at" TIMESTAMPTZ(3),
ADD COLUMN     "policy" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "previous_data" JSONB,
ADD COLUMN     "reminders" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "approval_requests_closed_at_created_at_idx" ON "approval_requests"("closed_at", "created_at");

-- CreateIndex
CREATE INDEX "approval_requests_deadline_at_idx" ON "approval_requests"("deadline_at");

-- CreateIndex
CREATE INDEX "approval_requests_next_reminder_at_idx" ON "approval_requests"("next_reminder_at");
