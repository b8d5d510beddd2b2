-- CreateTable
CREATE TABLE "child_run_ends" (
    "id" BIGSERIAL NOT NULL,
    "child_run_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "child_run_ends_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "runs_parent_run_id_idx" ON "runs"("parent_run_id");

-- Written by hand (Prisma does not model triggers). The one rule for sub-workflows, whichever
-- code ends a child run (its last step, a cancel, a deadline, compensation): queue the end for
-- the step that started it and wake the workers. The WHEN clause keeps other runs free of it.
CREATE FUNCTION baton_queue_child_run_end() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "child_run_ends" ("child_run_id") VALUES (NEW."id");
  PERFORM pg_notify('baton_child_runs', '');
  RETURN NULL;
END $$;

CREATE TRIGGER runs_queue_child_run_end AFTER UPDATE OF "status" ON "runs"
  FOR EACH ROW
  WHEN (NEW."parent_step_run_id" IS NOT NULL AND OLD."status" IS DISTINCT FROM NEW."status"
        AND NEW."status" IN ('succeeded', 'failed', 'cancelled', 'compensated', 'compensation_failed'))
  EXECUTE FUNCTION baton_queue_child_run_end();
