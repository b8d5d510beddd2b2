-- AlterTable
ALTER TABLE "dependencies" ADD COLUMN     "max_concurrent" INTEGER;

-- AlterTable
ALTER TABLE "runs" ADD COLUMN     "held_at" TIMESTAMPTZ(6);

-- AlterTable
ALTER TABLE "concurrency_slots" DROP CONSTRAINT "concurrency_slots_pkey",
ADD CONSTRAINT "concurrency_slots_pkey" PRIMARY KEY ("step_run_id", "scope");

-- CreateIndex
CREATE INDEX "runs_workflow_id_status_idx" ON "runs"("workflow_id", "status");

-- Written by hand (Prisma does not model triggers). A run of a workflow that holds runs behind its
-- limit of active runs ended: wake the workers to admit the next (lib/engine/run-slots.ts). The
-- WHEN clause keeps it to run ends; the EXISTS to workflows with runs held.
CREATE FUNCTION baton_run_slot_freed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM "runs" WHERE "workflow_id" = NEW."workflow_id" AND "held_at" IS NOT NULL AND "status" = 'queued') THEN
    PERFORM pg_notify('baton_run_slots', NEW."workflow_id"::text);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER runs_slot_freed AFTER UPDATE OF "status" ON "runs"
  FOR EACH ROW
  WHEN (OLD."status" IS DISTINCT FROM NEW."status"
        AND NEW."status" IN ('succeeded', 'failed', 'cancelled', 'compensated', 'compensation_failed'))
  EXECUTE FUNCTION baton_run_slot_freed();
