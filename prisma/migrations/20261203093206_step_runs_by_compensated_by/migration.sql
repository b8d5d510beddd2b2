-- CreateIndex
CREATE INDEX "step_runs_compensated_by_idx" ON "step_runs"("compensated_by");
