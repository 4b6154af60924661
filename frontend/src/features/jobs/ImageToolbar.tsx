/**
 * The hover toolbar on an image tile (spec/ui.md §8.2): Quick Look, use as
 * reference, copy image, download, open in a new tab, and "…" for the full
 * image menu. Labels and icons come from the action registry (imageMenu.ts).
 * Visible on hover and while any of its buttons has keyboard focus.
 */
import { useState } from "react";
import type { Job, JobOutput } from "../../api/types";
import { outputUrl } from "../../api/urls";
import { Icon } from "../../components/Icon";
import { Spinner } from "../../components/Spinner";
import { cx } from "../../components/cx";
import { useI18n } from "../../i18n/useI18n";
import type { ImageActions } from "./imageActions";
import { imageAction, type ImageActionId } from "./imageMenu";

export interface ImageToolbarProps {
  job: Job;
  output: JobOutput;
  actions: ImageActions;
  onQuickLook?: () => void;
  /** Opens the full image menu under the "…" button. */
  onMenu?: (button: HTMLElement) => void;
  /** The element the image menu is open for (ImageMenu.anchor): "…" is expanded when it is that button. */
  menuAnchor?: Element | null;
  className?: string;
}

export function ImageToolbar({ job, output, actions, onQuickLook, onMenu, menuAnchor = null, className }: ImageToolbarProps) {
  const { t } = useI18n();
  const [busy, setBusy] = useState<string | null>(null);
  const [more, setMore] = useState<HTMLButtonElement | null>(null);
  const button = (name: ImageActionId, action: () => Promise<void> | void) => {
    const { icon, label, keys } = imageAction(name);
    return (
      <button
        type="button"
        className="image-toolbar__btn"
        aria-label={t(label)}
        title={t(label)}
        aria-keyshortcuts={keys}
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
  };
  return (
    <div role="group" aria-label={t("image.toolbar")} className={cx("image-toolbar", className)} data-testid="image-toolbar">
      {onQuickLook ? button("quick-look", onQuickLook) : null}
      {button("use-as-reference", () => actions.useAsReference(job, output))}
      {button("copy-image", () => actions.copyImage(job, output))}
      {button("save-as", () => actions.download(job, output))}
      <a className="image-toolbar__btn" href={outputUrl(job.id, output.index)} target="_blank" rel="noreferrer" aria-label={t("image.open_tab")} title={t("image.open_tab")}>
        <Icon name="external" size={16} />
      </a>
      {onMenu ? (
        <button
          type="button"
          className="image-toolbar__btn"
          aria-label={t("image.more")}
          title={t("image.more")}
          aria-haspopup="menu"
          aria-expanded={more !== null && menuAnchor === more}
          ref={setMore}
          onClick={(e) => {
            e.stopPropagation();
            onMenu(e.currentTarget);
          }}
        >
          <Icon name="more" size={16} />
        </button>
      ) : null}
    </div>
  );
}
