-- CreateTable
CREATE TABLE "concurrency_slots" (
    "step_run_id" UUID NOT NULL,
    "scope" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "concurrency_slots_pkey" PRIMARY KEY ("step_run_id")
);

-- CreateIndex
CREATE INDEX "concurrency_slots_scope_seq_idx" ON "concurrency_slots"("scope", "seq");
