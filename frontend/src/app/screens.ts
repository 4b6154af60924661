/**
 * The screens of the app. A new screen (Edit, Settings, …) is one entry here
 * plus its feature folder; the shell renders navigation from this list.
 */
import type { ComponentType } from "react";
import type { IconName } from "../components/Icon";
import type { MessageKey } from "../i18n/translate";
import { GeneratePage } from "../features/generate/GeneratePage";
import { TasksPage } from "../features/tasks/TasksPage";

export interface ScreenDef {
  id: string;
  label: MessageKey;
  icon: IconName;
  Component: ComponentType;
  /** Show the number of active jobs on this tab. */
  showsActiveCount?: boolean;
}

export const SCREENS: readonly ScreenDef[] = [
  { id: "generate", label: "nav.generate", icon: "sparkles", Component: GeneratePage },
  { id: "tasks", label: "nav.tasks", icon: "tasks", Component: TasksPage, showsActiveCount: true },
];

export const DEFAULT_SCREEN = "generate";

export function screenFor(id: string): ScreenDef {
  return SCREENS.find((s) => s.id === id) ?? SCREENS.find((s) => s.id === DEFAULT_SCREEN)!;
}
