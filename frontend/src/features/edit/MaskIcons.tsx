/** Icons for the mask editor's selection, pan and zoom tools, drawn like components/Icon. */
import type { ReactNode } from "react";

const PATHS = {
  rect: <rect x="4.5" y="5.5" width="15" height="13" rx="1" strokeDasharray="3 2.2" />,
  ellipse: <ellipse cx="12" cy="12" rx="8" ry="6.5" strokeDasharray="3 2.2" />,
  pan: (
    <path d="M12 3.5v17M3.5 12h17M12 3.5l-2.5 2.5M12 3.5l2.5 2.5M12 20.5l-2.5-2.5M12 20.5l2.5-2.5M3.5 12l2.5-2.5M3.5 12l2.5 2.5M20.5 12l-2.5-2.5M20.5 12l-2.5 2.5" />
  ),
  zoomIn: (
    <>
      <circle cx="10.5" cy="10.5" r="6" />
      <path d="M15 15l5 5M8 10.5h5M10.5 8v5" />
    </>
  ),
  zoomOut: (
    <>
      <circle cx="10.5" cy="10.5" r="6" />
      <path d="M15 15l5 5M8 10.5h5" />
    </>
  ),
  fit: <path d="M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5" />,
} satisfies Record<string, ReactNode>;

export type MaskIconName = keyof typeof PATHS;

export function MaskIcon({ name, size = 17 }: { name: MaskIconName; size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {PATHS[name]}
    </svg>
  );
}
