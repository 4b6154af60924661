import { useEffect, useId, useState, type FormEvent } from "react";
import { Button } from "../../components/Button";
import { LogoMark } from "../../components/Icon";
import { LanguageSelect } from "../../components/LanguageSelect";
import { useI18n } from "../../i18n/useI18n";
import { toApiError } from "../../api/errors";
import { useSignIn } from "./api";

export function TokenScreen() {
  const { t } = useI18n();
  const [token, setToken] = useState("");
  const signIn = useSignIn();
  const inputId = useId();
  const errorId = useId();

  useEffect(() => {
    document.title = `${t("auth.title")} · ${t("app.name")}`;
  }, [t]);

  const error = signIn.error ? toApiError(signIn.error) : null;
  const message = error
    ? error.status === 401
      ? t("auth.invalid")
      : t("auth.failed", { message: error.message })
    : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (token.trim()) signIn.mutate(token.trim());
  };

  return (
    <main className="auth">
      <div className="auth__lang">
        <LanguageSelect />
      </div>
      <form className="card auth__card" onSubmit={submit} aria-labelledby={`${inputId}-title`}>
        <LogoMark size={40} />
        <h1 id={`${inputId}-title`} className="auth__title">
          {t("auth.title")}
        </h1>
        <p className="auth__text">{t("auth.description")}</p>
        <label htmlFor={inputId} className="field-label">
          {t("auth.token_label")}
        </label>
        <input
          id={inputId}
          className="input"
          type="password"
          autoComplete="current-password"
          autoFocus
          placeholder={t("auth.token_placeholder")}
          value={token}
          onChange={(e) => {
            setToken(e.target.value);
            if (signIn.error) signIn.reset();
          }}
          aria-invalid={message ? true : undefined}
          aria-describedby={message ? errorId : undefined}
        />
        {message ? (
          <p id={errorId} className="field-error" role="alert">
            {message}
          </p>
        ) : null}
        <Button type="submit" variant="primary" size="lg" busy={signIn.isPending} disabled={!token.trim() || signIn.isPending}>
          {signIn.isPending ? t("auth.checking") : t("auth.submit")}
        </Button>
      </form>
    </main>
  );
}
