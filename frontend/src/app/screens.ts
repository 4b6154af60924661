/**
 * The screens of the app. A new screen is one entry here plus its feature
 * folder; the shell renders navigation from this list. `available` hides a
 * screen whose API routes the server does not have (yet).
 */
import type { ComponentType } from "react";
import { hasRoute, hasRoutePrefix, type Capabilities } from "../api/capabilities";
import type { IconName } from "../components/Icon";
import type { MessageKey } from "../i18n/translate";
import { EditPage } from "../features/edit/EditPage";
import { GeneratePage } from "../features/generate/GeneratePage";
import { SettingsPage } from "../features/settings/SettingsPage";
import { TasksPage } from "../features/tasks/TasksPage";
import { TransparentPage } from "../features/transparent/TransparentPage";

export interface ScreenDef {
  id: string;
  label: MessageKey;
  icon: IconName;
  Component: ComponentType;
  /** Which active jobs the tab's badge counts (by job command), or "all". */
  activeBadge?: "images generate" | "images edit" | "all";
  available?: (caps: Capabilities) => boolean;
}

export const SCREENS: readonly ScreenDef[] = [
  { id: "generate", label: "nav.generate", icon: "sparkles", Component: GeneratePage, activeBadge: "images generate" },
  {
    id: "edit",
    label: "nav.edit",
    icon: "edit",
    Component: EditPage,
    activeBadge: "images edit",
    // Shown while the schema is loading too; hidden only when it says there is no edit route.
    available: (caps) => !caps.known || hasRoute(caps, "post", "/api/images/edit"),
  },
  {
    id: "transparent",
    label: "nav.transparent",
    icon: "layers",
    Component: TransparentPage,
    // Like Edit: shown while the schema loads, so Ctrl+1…n keep their numbers.
    available: (caps) => !caps.known || hasRoutePrefix(caps, "/api/transparent/"),
  },
  { id: "tasks", label: "nav.tasks", icon: "tasks", Component: TasksPage, activeBadge: "all" },
  { id: "settings", label: "nav.settings", icon: "settings", Component: SettingsPage },
];

export const DEFAULT_SCREEN = "generate";

export function availableScreens(caps: Capabilities): ScreenDef[] {
  return SCREENS.filter((s) => !s.available || s.available(caps));
}

export function screenFor(id: string, screens: readonly ScreenDef[] = SCREENS): ScreenDef {
  return screens.find((s) => s.id === id) ?? screens.find((s) => s.id === DEFAULT_SCREEN)!;
}
