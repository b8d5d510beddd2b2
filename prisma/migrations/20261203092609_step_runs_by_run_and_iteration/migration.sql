-- CreateIndex
CREATE INDEX "step_runs_run_id_iteration_idx" ON "step_runs"("run_id", "iteration");
