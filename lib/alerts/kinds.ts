// What an alert rule can watch (browser-safe: the settings page lists them).
export const ALERT_KINDS = ["run_failed", "dead_letter", "run_stuck", "approval_requested", "approval_overdue", "breaker_opened", "failure_rate", "no_run"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
