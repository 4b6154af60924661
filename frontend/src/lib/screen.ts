/**
 * Whether the screen a component lives in is the one on display. Screens stay
 * mounted when hidden (to keep drafts and scroll), so polling reads this to
 * pause while nobody is looking.
 */
import { createContext, useContext, useEffect, useRef } from "react";

export const ScreenVisibleContext = createContext(true);

export function useScreenVisible(): boolean {
  return useContext(ScreenVisibleContext);
}

/** Run `effect` each time the screen comes back into view (not on first mount). */
export function useOnScreenShown(effect: () => void): void {
  const visible = useScreenVisible();
  const wasVisible = useRef(visible);
  const latest = useRef(effect);
  latest.current = effect;
  useEffect(() => {
    if (visible && !wasVisible.current) latest.current();
    wasVisible.current = visible;
  }, [visible]);
}
