-- CreateTable
CREATE TABLE "dependencies" (
    "key" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'closed',
    "failure_threshold" INTEGER NOT NULL DEFAULT 20,
    "window_ms" INTEGER NOT NULL DEFAULT 60000,
    "cool_down_ms" INTEGER NOT NULL DEFAULT 30000,
    "half_open_probes" INTEGER NOT NULL DEFAULT 1,
    "window_started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "calls" INTEGER NOT NULL DEFAULT 0,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "probes_in_flight" INTEGER NOT NULL DEFAULT 0,
    "opened_at" TIMESTAMPTZ(3),
    "open_until" TIMESTAMPTZ(3),
    "forced" BOOLEAN NOT NULL DEFAULT false,
    "last_error" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dependencies_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "dependency_events" (
    "id" BIGSERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dependency_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dependency_waits" (
    "step_run_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "run_id" UUID NOT NULL,
    "node_id" TEXT NOT NULL,
    "until" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "dependency_waits_pkey" PRIMARY KEY ("step_run_id")
);

-- CreateIndex
CREATE INDEX "dependency_events_key_id_idx" ON "dependency_events"("key", "id");

-- CreateIndex
CREATE INDEX "dependency_waits_key_idx" ON "dependency_waits"("key");

-- Written by hand: a dependency's history is never rewritten.
CREATE TRIGGER dependency_events_append_only BEFORE UPDATE OR DELETE ON "dependency_events"
  FOR EACH ROW EXECUTE FUNCTION baton_reject_change();
