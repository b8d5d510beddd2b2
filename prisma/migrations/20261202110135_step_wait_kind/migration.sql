-- AlterTable
ALTER TABLE "step_runs" ADD COLUMN     "wait_kind" TEXT;
