-- AlterTable
ALTER TABLE "runs" ADD COLUMN     "trigger_id" UUID;

-- CreateTable
CREATE TABLE "triggers" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "workflow_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "input" JSONB,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "pinned_version" INTEGER,
    "next_fire_at" TIMESTAMPTZ(3),
    "last_fire_at" TIMESTAMPTZ(3),
    "missed_fires" INTEGER NOT NULL DEFAULT 0,
    "last_missed_at" TIMESTAMPTZ(3),
    "secrets" JSONB NOT NULL DEFAULT '[]',
    "created_by" TEXT NOT NULL,
    "updated_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "triggers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trigger_fires" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "trigger_id" UUID NOT NULL,
    "scheduled_at" TIMESTAMPTZ(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "reason" TEXT,
    "run_id" UUID,
    "backfill" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),

    CONSTRAINT "trigger_fires_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "trigger_id" UUID NOT NULL,
    "webhook_id" TEXT,
    "status" INTEGER NOT NULL,
    "error" TEXT,
    "run_id" UUID,
    "duplicate" BOOLEAN NOT NULL DEFAULT false,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "triggers_workflow_id_idx" ON "triggers"("workflow_id");

-- CreateIndex
CREATE INDEX "triggers_next_fire_at_idx" ON "triggers"("next_fire_at");

-- CreateIndex
CREATE INDEX "trigger_fires_status_scheduled_at_idx" ON "trigger_fires"("status", "scheduled_at");

-- CreateIndex
CREATE UNIQUE INDEX "trigger_fires_trigger_id_scheduled_at_key" ON "trigger_fires"("trigger_id", "scheduled_at");

-- CreateIndex
CREATE INDEX "webhook_deliveries_trigger_id_received_at_idx" ON "webhook_deliveries"("trigger_id", "received_at");

-- CreateIndex
CREATE INDEX "runs_trigger_id_created_at_idx" ON "runs"("trigger_id", "created_at");

-- AddForeignKey
ALTER TABLE "triggers" ADD CONSTRAINT "triggers_workflow_id_fkey" FOREIGN KEY ("workflow_id") REFERENCES "workflows"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trigger_fires" ADD CONSTRAINT "trigger_fires_trigger_id_fkey" FOREIGN KEY ("trigger_id") REFERENCES "triggers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
