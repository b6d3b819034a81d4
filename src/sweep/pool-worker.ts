import { executeRun, type RunOutcome, type RunTask } from "./execute-run.js";

/** The piscina worker: one run per task, on this worker thread (see local-pool.ts). */
export default function runTask(task: RunTask): Promise<RunOutcome> {
  return executeRun(task);
}
