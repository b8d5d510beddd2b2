-- CreateTable
CREATE TABLE "step_tests" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "workflow_id" UUID NOT NULL,
    "node_id" TEXT NOT NULL,
    "node" JSONB NOT NULL,
    "sample" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "resolved" JSONB,
    "output" JSONB,
    "branch" TEXT,
    "wait_until" TIMESTAMPTZ(3),
    "error" JSONB,
    "logs" JSONB NOT NULL DEFAULT '[]',
    "duration_ms" INTEGER,
    "worker_id" TEXT,
    "requested_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "step_tests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "step_samples" (
    "workflow_id" UUID NOT NULL,
    "node_id" TEXT NOT NULL,
    "output" JSONB NOT NULL,
    "pinned_by" TEXT NOT NULL,
    "pinned_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "step_samples_pkey" PRIMARY KEY ("workflow_id","node_id")
);

-- CreateIndex
CREATE INDEX "step_tests_created_at_idx" ON "step_tests"("created_at");

-- AddForeignKey
ALTER TABLE "step_tests" ADD CONSTRAINT "step_tests_workflow_id_fkey" FOREIGN KEY ("workflow_id") REFERENCES "workflows"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "step_samples" ADD CONSTRAINT "step_samples_workflow_id_fkey" FOREIGN KEY ("workflow_id") REFERENCES "workflows"("id") ON DELETE CASCADE ON UPDATE CASCADE;
