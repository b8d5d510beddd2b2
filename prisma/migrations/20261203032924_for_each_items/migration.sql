-- CreateTable
CREATE TABLE "for_each_items" (
    "step_run_id" UUID NOT NULL,
    "index" INTEGER NOT NULL,
    "item" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "child_run_id" UUID,
    "output" JSONB,
    "error" JSONB,

    CONSTRAINT "for_each_items_pkey" PRIMARY KEY ("step_run_id","index")
);

-- CreateIndex
CREATE INDEX "for_each_items_child_run_id_idx" ON "for_each_items"("child_run_id");
