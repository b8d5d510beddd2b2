-- AlterTable
ALTER TABLE "approval_requests" ADD COLUMN     "approved_by" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "resubmitted_by" TEXT;
