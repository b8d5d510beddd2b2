// What an alert rule can watch (browser-safe: the settings page lists them).
export const ALERT_KINDS = ["run_failed", "dead_letter", "run_stuck", "breaker_opened", "failure_rate"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
