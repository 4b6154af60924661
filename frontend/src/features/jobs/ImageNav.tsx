/**
 * Previous/next buttons over a large image (Quick Look, the job drawer):
 * round buttons at the image's left and right edges, wrapping around.
 * Styled by `.image-nav` in jobs.css.
 */
import { Icon } from "../../components/Icon";
import { cx } from "../../components/cx";
import { useI18n } from "../../i18n/useI18n";

export interface ImageNavProps {
  index: number;
  count: number;
  onIndex: (index: number) => void;
  /** "lg" in Quick Look, "md" in the drawer. */
  size?: "md" | "lg";
  /** The arrow keys switch images here too (announced on the buttons). */
  arrowKeys?: boolean;
}

export function ImageNav({ index, count, onIndex, size = "md", arrowKeys = false }: ImageNavProps) {
  const { t } = useI18n();
  if (count < 2) return null;
  const iconSize = size === "lg" ? 22 : 20;
  return (
    <>
      <button
        type="button"
        className={cx("image-nav is-prev", size === "lg" && "image-nav--lg")}
        onClick={() => onIndex((index - 1 + count) % count)}
        aria-label={t("drawer.prev")}
        aria-keyshortcuts={arrowKeys ? "ArrowLeft" : undefined}
      >
        <Icon name="chevronLeft" size={iconSize} />
      </button>
      <button
        type="button"
        className={cx("image-nav is-next", size === "lg" && "image-nav--lg")}
        onClick={() => onIndex((index + 1) % count)}
        aria-label={t("drawer.next")}
        aria-keyshortcuts={arrowKeys ? "ArrowRight" : undefined}
      >
        <Icon name="chevronRight" size={iconSize} />
      </button>
    </>
  );
}
