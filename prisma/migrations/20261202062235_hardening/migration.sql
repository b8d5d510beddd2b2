-- AlterTable
ALTER TABLE "api_tokens" ADD COLUMN     "created_by_user_id" UUID,
ADD COLUMN     "expires_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "login_throttles" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL,
    "first_failure_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_failure_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "blocked_until" TIMESTAMPTZ(3),

    CONSTRAINT "login_throttles_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "process_events" (
    "id" BIGSERIAL NOT NULL,
    "process" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "exit_code" INTEGER,
    "signal" TEXT,
    "detail" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "process_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "login_throttles_last_failure_at_idx" ON "login_throttles"("last_failure_at");

-- CreateIndex
CREATE INDEX "process_events_at_idx" ON "process_events"("at");

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_created_by_user_id_fkey" FOREIGN KEY ("created_by_user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Existing tokens: the person behind them, from the `user:<email>` label they were created with.
UPDATE "api_tokens" t SET "created_by_user_id" = u."id" FROM "users" u WHERE t."created_by" = 'user:' || u."email";
