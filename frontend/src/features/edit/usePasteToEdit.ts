import { useEffect, useRef } from "react";
import { useToast } from "../../components/Toast";
import { useI18n } from "../../i18n/useI18n";
import { navigate } from "../../lib/router";
import { editInbox } from "./inbox";
import { clipboardName, isImageFile } from "./references";

/**
 * Pasting image files anywhere in the app (outside text fields that take the
 * paste themselves) adds them as Edit references (spec/ui.md §5.2).
 */
export function usePasteToEdit(enabled: boolean): void {
  const { t, tp } = useI18n();
  const toast = useToast();
  const latest = useRef({ t, tp, toast });
  latest.current = { t, tp, toast };

  useEffect(() => {
    if (!enabled) return undefined;
    const onPaste = (e: ClipboardEvent) => {
      const files = [...(e.clipboardData?.files ?? [])].filter(isImageFile);
      if (files.length === 0) return;
      e.preventDefault();
      const now = new Date();
      editInbox.put({ files: files.map((f, i) => ({ name: clipboardName(f.name, f.type, now, i + 1), blob: f })) });
      const { t, tp, toast } = latest.current;
      const onEdit = window.location.hash.startsWith("#/edit");
      toast.show({
        tone: "success",
        title: tp("edit.pasted", files.length),
        description: t("edit.from_clipboard"),
        action: onEdit ? undefined : { label: t("edit.open"), onClick: () => navigate("edit") },
      });
    };
    window.addEventListener("paste", onPaste, true);
    return () => window.removeEventListener("paste", onPaste, true);
  }, [enabled]);
}
