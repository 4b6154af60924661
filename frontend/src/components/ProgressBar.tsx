import { cx } from "./cx";

export interface ProgressBarProps {
  /** 0..100, or null for an indeterminate bar. */
  value: number | null;
  label: string;
  tone?: "accent" | "success" | "danger";
}

export function ProgressBar({ value, label, tone = "accent" }: ProgressBarProps) {
  const indeterminate = value === null;
  return (
    <div
      className={cx("progress", `progress--${tone}`, indeterminate && "progress--indeterminate")}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={indeterminate ? undefined : Math.round(value)}
    >
      <div className="progress__fill" style={indeterminate ? undefined : { width: `${value}%` }} />
    </div>
  );
}
