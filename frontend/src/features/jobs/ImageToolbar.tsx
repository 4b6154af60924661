/**
 * The hover toolbar on an image tile (spec/ui.md §8.2): Quick Look, use as
 * reference, copy image, download, and open in a new tab. Visible on hover
 * and while any of its buttons has keyboard focus.
 */
import { useState } from "react";
import type { Job, JobOutput } from "../../api/types";
import { outputUrl } from "../../api/urls";
import { Icon, type IconName } from "../../components/Icon";
import { Spinner } from "../../components/Spinner";
import { cx } from "../../components/cx";
import { useI18n } from "../../i18n/useI18n";
import type { MessageKey } from "../../i18n/translate";
import type { ImageActions } from "./imageActions";

export interface ImageToolbarProps {
  job: Job;
  output: JobOutput;
  actions: ImageActions;
  onQuickLook?: () => void;
  className?: string;
}

export function ImageToolbar({ job, output, actions, onQuickLook, className }: ImageToolbarProps) {
  const { t } = useI18n();
  const [busy, setBusy] = useState<string | null>(null);
  const button = (name: string, icon: IconName, label: MessageKey, action: () => Promise<void> | void, shortcut?: string) => (
    <button
      type="button"
      className="image-toolbar__btn"
      aria-label={t(label)}
      title={t(label)}
      aria-keyshortcuts={shortcut}
      disabled={busy === name}
      onClick={(e) => {
        e.stopPropagation();
        setBusy(name);
        void Promise.resolve(action()).finally(() => setBusy(null));
      }}
    >
      {busy === name ? <Spinner size={14} /> : <Icon name={icon} size={16} />}
    </button>
  );
  return (
    <div role="group" aria-label={t("image.toolbar")} className={cx("image-toolbar", className)} data-testid="image-toolbar">
      {onQuickLook ? button("look", "eye", "image.quick_look", onQuickLook, "Space") : null}
      {button("ref", "edit", "image.use_as_reference", () => actions.useAsReference(job, output))}
      {button("copy", "copy", "image.copy", () => actions.copyImage(job, output), "Control+C Meta+C")}
      {button("download", "download", "image.download", () => actions.download(job, output))}
      <a className="image-toolbar__btn" href={outputUrl(job.id, output.index)} target="_blank" rel="noreferrer" aria-label={t("image.open_tab")} title={t("image.open_tab")}>
        <Icon name="external" size={16} />
      </a>
    </div>
  );
}
