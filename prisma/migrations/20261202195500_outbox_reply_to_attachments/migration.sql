-- AlterTable
ALTER TABLE "outbox_messages" ADD COLUMN     "attachments" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "reply_to" TEXT[];
