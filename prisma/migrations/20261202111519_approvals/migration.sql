-- CreateTable
CREATE TABLE "approval_requests" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "run_id" UUID NOT NULL,
    "step_run_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "workflow_id" UUID NOT NULL,
    "node_id" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending_approval',
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "data" JSONB,
    "data_hash" TEXT NOT NULL,
    "data_version" INTEGER NOT NULL DEFAULT 1,
    "eligible_roles" TEXT[],
    "eligible_users" TEXT[],
    "quorum" INTEGER NOT NULL DEFAULT 1,
    "allow_requester" BOOLEAN NOT NULL DEFAULT false,
    "requested_by" TEXT NOT NULL,
    "deadline_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closed_at" TIMESTAMPTZ(3),

    CONSTRAINT "approval_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "approval_decisions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "request_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "actor" TEXT NOT NULL,
    "role" TEXT,
    "decision" TEXT NOT NULL,
    "from_state" TEXT NOT NULL,
    "to_state" TEXT NOT NULL,
    "comment" TEXT,
    "data_hash" TEXT NOT NULL,
    "prev_hash" TEXT,
    "hash" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "approval_decisions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "approval_requests_state_created_at_idx" ON "approval_requests"("state", "created_at");

-- CreateIndex
CREATE INDEX "approval_requests_run_id_idx" ON "approval_requests"("run_id");

-- CreateIndex
CREATE UNIQUE INDEX "approval_requests_step_run_id_attempt_key" ON "approval_requests"("step_run_id", "attempt");

-- CreateIndex
CREATE UNIQUE INDEX "approval_decisions_request_id_seq_key" ON "approval_decisions"("request_id", "seq");

-- AddForeignKey
ALTER TABLE "approval_decisions" ADD CONSTRAINT "approval_decisions_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "approval_requests"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Decisions are the request's audit trail: append-only, like run_events.
CREATE TRIGGER approval_decisions_append_only BEFORE UPDATE OR DELETE ON "approval_decisions"
  FOR EACH ROW EXECUTE FUNCTION baton_reject_change();
