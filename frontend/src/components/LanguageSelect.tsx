import { LANGUAGES, isLanguage } from "../i18n/languages";
import { useI18n } from "../i18n/useI18n";
import { Icon } from "./Icon";

export function LanguageSelect() {
  const { lang, setLang, t } = useI18n();
  return (
    <label className="lang-select" title={t("lang.label")}>
      <Icon name="globe" size={16} />
      <span className="visually-hidden">{t("lang.label")}</span>
      <select
        value={lang}
        onChange={(e) => {
          if (isLanguage(e.target.value)) setLang(e.target.value);
        }}
      >
        {Object.values(LANGUAGES).map((info) => (
          <option key={info.id} value={info.id} lang={info.locale}>
            {info.nativeName}
          </option>
        ))}
      </select>
      <Icon name="chevronDown" size={14} className="lang-select__chevron" />
    </label>
  );
}
