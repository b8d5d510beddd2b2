-- AlterTable
ALTER TABLE "workflows" ADD COLUMN     "signing_secrets" JSONB NOT NULL DEFAULT '[]';

-- CreateTable
CREATE TABLE "callback_opt_outs" (
    "url_hash" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "run_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "callback_opt_outs_pkey" PRIMARY KEY ("url_hash")
);
