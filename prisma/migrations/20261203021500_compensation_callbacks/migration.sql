-- Written by hand (Prisma does not model triggers). Sagas: a run that fails with steps to undo
-- goes straight to `compensating` and ends `compensated` or `compensation_failed`; those are its
-- ends, so they queue the result callback as `failed` does for a run with nothing to undo.
DROP TRIGGER runs_queue_callback ON "runs";

CREATE TRIGGER runs_queue_callback AFTER UPDATE OF "status" ON "runs"
  FOR EACH ROW
  WHEN (NEW."callback_url" IS NOT NULL AND OLD."status" IS DISTINCT FROM NEW."status"
        AND NEW."status" IN ('succeeded', 'failed', 'cancelled', 'compensated', 'compensation_failed'))
  EXECUTE FUNCTION baton_queue_run_callback();
