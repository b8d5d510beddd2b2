-- runs.progress was never written: a run's progress is worked out from its steps (lib/runs/progress.ts).
-- AlterTable
ALTER TABLE "runs" DROP COLUMN "progress";
