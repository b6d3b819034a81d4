import type { RunSummary } from "../store/run-store.js";
import { TRAIN_DEFAULTS } from "../train/config.js";
import type { FinalRecord } from "../train/record.js";

const FINAL_KEYS: (keyof FinalRecord)[] = [
  "testAccuracy",
  "testLoss",
  "testR2",
  "trainLoss",
  "diverged",
  "divergedAtStep",
  "steps",
  "samplesPerSecond",
  "trainSeconds",
  "totalSeconds",
];

type Cell = string | number | boolean | null;

/**
 * One flat row per run for CSV: id, sweep, status, error, every config key (config.*), the final
 * metrics (final.*), where and when it ran. Lists (hidden) are written like the flag: 64,64.
 */
export function exportTable(
  runs: readonly RunSummary[],
  sweep: string | null,
): { columns: string[]; rows: Cell[][] } {
  const configKeys = Object.keys(TRAIN_DEFAULTS) as (keyof typeof TRAIN_DEFAULTS)[];
  const columns = [
    "id",
    "sweep",
    "status",
    "error",
    ...configKeys.map((k) => `config.${k}`),
    ...FINAL_KEYS.map((k) => `final.${k}`),
    "meta.backend",
    "meta.initlab",
    "meta.startedAt",
    "worker",
    "failedAttempts",
    "storedAt",
  ];
  const rows = runs.map((r): Cell[] => [
    r.id,
    sweep,
    r.status,
    r.error,
    ...configKeys.map((k) => {
      const v = r.config[k];
      return Array.isArray(v) ? v.join(",") : (v as Cell);
    }),
    ...FINAL_KEYS.map((k) => (r.final ? (r.final[k] as Cell) : null)),
    r.meta?.backend ?? null,
    r.meta?.initlab ?? null,
    r.meta?.startedAt ?? null,
    r.worker,
    r.failedAttempts,
    r.storedAt,
  ]);
  return { columns, rows };
}
