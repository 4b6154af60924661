import { useI18n } from "../../i18n/useI18n";

/** A shimmer placeholder while the server config loads (tests wait for `.skeleton` to go). */
export function SectionLoading() {
  const { t } = useI18n();
  return (
    <div className="skeleton settings-skeleton" role="status">
      <span className="visually-hidden">{t("boot.loading")}</span>
    </div>
  );
}
