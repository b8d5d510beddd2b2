-- AlterTable
ALTER TABLE "for_each_items" ADD COLUMN     "body_step_run_id" UUID;

-- CreateIndex
CREATE INDEX "for_each_items_body_step_run_id_idx" ON "for_each_items"("body_step_run_id");
