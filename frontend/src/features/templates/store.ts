/**
 * Prompt templates, kept in the browser (spec/ui.md §9.6):
 * `localStorage["gpt2.promptTemplates"] = {version: 1, groups, templates}`.
 * Pure helpers plus a tiny external store shared by every picker and the
 * Settings panel (and other tabs, through the `storage` event).
 */
import { useSyncExternalStore } from "react";

export type TemplateScope = "common" | "generate" | "edit" | "region";

export interface TemplateGroup {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
}

export interface PromptTemplate {
  id: string;
  groupId: string;
  title: string;
  prompt: string;
  scope: TemplateScope;
  icon?: string;
  color?: string;
  createdAt: number;
  updatedAt: number;
  usedAt?: number;
}

export interface TemplateState {
  version: 1;
  groups: TemplateGroup[];
  templates: PromptTemplate[];
}

export const TEMPLATE_KEY = "gpt2.promptTemplates";
const SCOPES: readonly TemplateScope[] = ["common", "generate", "edit", "region"];

export function seedTemplates(lang: "en" | "zh", now = 0): TemplateState {
  const zh = lang === "zh";
  return {
    version: 1,
    groups: [{ id: "default", name: zh ? "默认" : "Default", createdAt: now, updatedAt: now }],
    templates: [
      {
        id: "seed-product",
        groupId: "default",
        title: zh ? "产品摄影" : "Product photo",
        prompt: zh
          ? "高端产品摄影，主体居中，柔和的棚拍光，干净的浅灰背景，细腻的反射与阴影，85mm 镜头，超清细节"
          : "Premium product photography, subject centred, soft studio lighting, clean light-grey backdrop, subtle reflections and shadow, 85mm lens, crisp detail",
        scope: "generate",
        createdAt: now,
        updatedAt: now,
      },
      {
        id: "seed-region",
        groupId: "default",
        title: zh ? "局部精修" : "Local touch-up",
        prompt: zh
          ? "只修改选区内的内容，保持光线、透视和材质与周围一致，边缘自然过渡"
          : "Change only the selected area; keep lighting, perspective and materials consistent with the surroundings, with natural edges",
        scope: "region",
        createdAt: now,
        updatedAt: now,
      },
      {
        id: "seed-material",
        groupId: "default",
        title: zh ? "通用质感" : "Material & light",
        prompt: zh
          ? "电影感布光，真实材质细节，柔和的体积光，浅景深"
          : "Cinematic lighting, realistic material detail, soft volumetric light, shallow depth of field",
        scope: "common",
        createdAt: now,
        updatedAt: now,
      },
    ],
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Accept a stored or imported document field by field; null if it is not one. */
export function parseTemplates(value: unknown): TemplateState | null {
  if (!isRecord(value) || !Array.isArray(value.groups) || !Array.isArray(value.templates)) return null;
  const groups = value.groups.filter(isRecord).flatMap((g): TemplateGroup[] =>
    typeof g.id === "string" && typeof g.name === "string"
      ? [{ id: g.id, name: g.name, createdAt: Number(g.createdAt) || 0, updatedAt: Number(g.updatedAt) || 0 }]
      : [],
  );
  const groupIds = new Set(groups.map((g) => g.id));
  const templates = value.templates.filter(isRecord).flatMap((t): PromptTemplate[] =>
    typeof t.id === "string" && typeof t.title === "string" && typeof t.prompt === "string" && typeof t.groupId === "string" && groupIds.has(t.groupId)
      ? [
          {
            id: t.id,
            groupId: t.groupId,
            title: t.title,
            prompt: t.prompt,
            scope: SCOPES.includes(t.scope as TemplateScope) ? (t.scope as TemplateScope) : "common",
            icon: typeof t.icon === "string" ? t.icon : undefined,
            color: typeof t.color === "string" ? t.color : undefined,
            createdAt: Number(t.createdAt) || 0,
            updatedAt: Number(t.updatedAt) || 0,
            usedAt: typeof t.usedAt === "number" ? t.usedAt : undefined,
          },
        ]
      : [],
  );
  return { version: 1, groups, templates };
}

/** Templates a picker with `scope` shows: common always; region also shows edit ones. */
export function templatesFor(state: TemplateState, scope: TemplateScope, query = ""): PromptTemplate[] {
  const allowed = new Set<TemplateScope>(["common", scope]);
  if (scope === "region") allowed.add("edit");
  const q = query.trim().toLowerCase();
  return state.templates
    .filter((t) => allowed.has(t.scope))
    .filter((t) => !q || t.title.toLowerCase().includes(q) || t.prompt.toLowerCase().includes(q))
    .sort((a, b) => (b.usedAt ?? 0) - (a.usedAt ?? 0) || b.updatedAt - a.updatedAt);
}

/** Insert `text` into `value` replacing [start, end); returns the new value and caret. */
export function insertAt(value: string, text: string, start: number, end: number): { value: string; caret: number } {
  const s = Math.max(0, Math.min(start, value.length));
  const e = Math.max(s, Math.min(end, value.length));
  const before = value.slice(0, s);
  const after = value.slice(e);
  const sepBefore = before && !/\s$/.test(before) ? " " : "";
  const sepAfter = after && !/^\s/.test(after) ? " " : "";
  const next = `${before}${sepBefore}${text}${sepAfter}${after}`;
  return { value: next, caret: before.length + sepBefore.length + text.length };
}

// --- store -------------------------------------------------------------------

const listeners = new Set<() => void>();
let cache: { raw: string | null; state: TemplateState | null } = { raw: null, state: null };

function readRaw(): string | null {
  try {
    return window.localStorage.getItem(TEMPLATE_KEY);
  } catch {
    return null;
  }
}

export function getTemplates(lang: "en" | "zh"): TemplateState {
  const raw = readRaw();
  if (raw !== cache.raw || !cache.state) {
    let parsed: TemplateState | null = null;
    try {
      parsed = raw ? parseTemplates(JSON.parse(raw)) : null;
    } catch {
      parsed = null;
    }
    cache = { raw, state: parsed ?? seedTemplates(lang) };
  }
  return cache.state!;
}

export function saveTemplates(state: TemplateState): void {
  try {
    window.localStorage.setItem(TEMPLATE_KEY, JSON.stringify(state));
  } catch {
    // storage full or unavailable: the change lasts for this page
    cache = { raw: cache.raw, state };
  }
  for (const l of listeners) l();
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  const onStorage = (e: StorageEvent) => {
    if (e.key === TEMPLATE_KEY) l();
  };
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(l);
    window.removeEventListener("storage", onStorage);
  };
}

export function useTemplates(lang: "en" | "zh"): TemplateState {
  return useSyncExternalStore(subscribe, () => getTemplates(lang), () => seedTemplates(lang));
}

export function newId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}
