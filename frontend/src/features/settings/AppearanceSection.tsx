import { useId } from "react";
import { SegmentedControl } from "../../components/SegmentedControl";
import { LANGUAGES, isLanguage } from "../../i18n/languages";
import { useI18n } from "../../i18n/useI18n";
import { setThemePref, useThemePref } from "../../lib/theme";

export function AppearanceSection() {
  const { t, lang, setLang } = useI18n();
  const theme = useThemePref();
  const id = useId();
  return (
    <section className="settings-section card" id="settings-appearance" aria-labelledby="settings-appearance-title">
      <div className="settings-section__head">
        <div>
          <h2 id="settings-appearance-title" className="settings-section__title">
            {t("settings.appearance")}
          </h2>
          <p className="settings-section__desc">{t("settings.appearance_desc")}</p>
        </div>
      </div>
      <div className="form-grid form-grid--2">
        <SegmentedControl
          legend={t("settings.theme")}
          options={[
            { value: "system", label: t("theme.system") },
            { value: "light", label: t("theme.light") },
            { value: "dark", label: t("theme.dark") },
          ]}
          value={theme}
          onChange={setThemePref}
        />
        <div className="field">
          <label htmlFor={`${id}-lang`} className="field-label">
            {t("lang.label")}
          </label>
          <div className="select">
            <select id={`${id}-lang`} value={lang} onChange={(e) => isLanguage(e.target.value) && setLang(e.target.value)}>
              {Object.values(LANGUAGES).map((info) => (
                <option key={info.id} value={info.id} lang={info.locale}>
                  {info.nativeName}
                </option>
              ))}
            </select>
          </div>
        </div>
      </div>
    </section>
  );
}
