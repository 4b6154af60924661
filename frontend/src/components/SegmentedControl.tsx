import { useId } from "react";
import { cx } from "./cx";

export interface SegmentOption<T extends string> {
  value: T;
  label: string;
}

export interface SegmentedControlProps<T extends string> {
  legend: string;
  options: readonly SegmentOption<T>[];
  value: T;
  onChange: (value: T) => void;
  name?: string;
  className?: string;
  hideLegend?: boolean;
}

/** A radio group styled as a segmented control (arrow keys move the choice). */
export function SegmentedControl<T extends string>({
  legend,
  options,
  value,
  onChange,
  name,
  className,
  hideLegend = false,
}: SegmentedControlProps<T>) {
  const autoName = useId();
  const groupName = name ?? autoName;
  return (
    <fieldset className={cx("segmented", className)}>
      <legend className={cx("field-label", hideLegend && "visually-hidden")}>{legend}</legend>
      <div className="segmented__track">
        {options.map((option) => (
          <label key={option.value} className={cx("segmented__option", option.value === value && "is-selected")}>
            <input
              type="radio"
              name={groupName}
              value={option.value}
              checked={option.value === value}
              onChange={() => onChange(option.value)}
            />
            <span>{option.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
