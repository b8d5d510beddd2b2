-- AlterTable
ALTER TABLE "runs" ADD COLUMN     "callback_url" TEXT;

-- CreateTable
CREATE TABLE "run_callbacks" (
    "id" BIGSERIAL NOT NULL,
    "run_id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(6),

    CONSTRAINT "run_callbacks_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "run_callbacks_status_next_attempt_at_idx" ON "run_callbacks"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "run_callbacks_run_id_idx" ON "run_callbacks"("run_id");

-- Written by hand (Prisma does not model triggers). The one rule for callbacks, whichever code
-- ends a run (a step's result, a cancel, a deadline): when a run with a callback URL reaches a
-- final status, queue its callback and wake the workers. The WHEN clause keeps every other
-- update of runs free of any call.
CREATE FUNCTION baton_queue_run_callback() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "run_callbacks" ("run_id", "url") VALUES (NEW."id", NEW."callback_url");
  PERFORM pg_notify('baton_callbacks', '');
  RETURN NULL;
END $$;

CREATE TRIGGER runs_queue_callback AFTER UPDATE OF "status" ON "runs"
  FOR EACH ROW
  WHEN (NEW."callback_url" IS NOT NULL AND OLD."status" IS DISTINCT FROM NEW."status"
        AND NEW."status" IN ('succeeded', 'failed', 'cancelled'))
  EXECUTE FUNCTION baton_queue_run_callback();
