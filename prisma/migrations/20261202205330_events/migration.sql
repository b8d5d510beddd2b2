-- CreateTable
CREATE TABLE "event_types" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_types_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "event_type_versions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "event_type_id" UUID NOT NULL,
    "major" INTEGER NOT NULL,
    "minor" INTEGER NOT NULL,
    "schema" JSONB NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_type_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "events" (
    "seq" BIGSERIAL NOT NULL,
    "type" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "type_version" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "correlation_id" TEXT,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_by" TEXT NOT NULL,

    CONSTRAINT "events_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "event_outbox" (
    "seq" BIGINT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" TEXT,

    CONSTRAINT "event_outbox_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "event_deliveries" (
    "id" BIGSERIAL NOT NULL,
    "event_seq" BIGINT NOT NULL,
    "kind" TEXT NOT NULL,
    "trigger_id" UUID,
    "run_id" UUID,
    "error" TEXT,
    "node_id" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "event_waits" (
    "step_run_id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "event_type" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "key" JSONB NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL,
    "checked" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_waits_pkey" PRIMARY KEY ("step_run_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "event_types_name_key" ON "event_types"("name");

-- CreateIndex
CREATE UNIQUE INDEX "event_type_versions_event_type_id_major_minor_key" ON "event_type_versions"("event_type_id", "major", "minor");

-- CreateIndex
CREATE INDEX "events_type_received_at_idx" ON "events"("type", "received_at");

-- CreateIndex
CREATE INDEX "events_correlation_id_idx" ON "events"("correlation_id");

-- CreateIndex
CREATE INDEX "events_received_at_idx" ON "events"("received_at");

-- CreateIndex
CREATE UNIQUE INDEX "events_type_event_id_key" ON "events"("type", "event_id");

-- CreateIndex
CREATE INDEX "event_outbox_next_attempt_at_idx" ON "event_outbox"("next_attempt_at");

-- CreateIndex
CREATE INDEX "event_deliveries_event_seq_idx" ON "event_deliveries"("event_seq");

-- CreateIndex
CREATE INDEX "event_waits_event_type_path_key_idx" ON "event_waits"("event_type", "path", "key");

-- CreateIndex
CREATE INDEX "event_waits_checked_created_at_idx" ON "event_waits"("checked", "created_at");

-- AddForeignKey
ALTER TABLE "event_type_versions" ADD CONSTRAINT "event_type_versions_event_type_id_fkey" FOREIGN KEY ("event_type_id") REFERENCES "event_types"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The event log is append-only.
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON "events"
  FOR EACH ROW EXECUTE FUNCTION baton_reject_change();
