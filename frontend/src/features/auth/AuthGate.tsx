import { useQueryClient } from "@tanstack/react-query";
import { useEffect, type ReactNode } from "react";
import { UNAUTHORIZED_EVENT } from "../../api/client";
import { Spinner } from "../../components/Spinner";
import { useI18n } from "../../i18n/useI18n";
import { sessionKey, useSession } from "./api";
import { TokenScreen } from "./TokenScreen";
import "./auth.css";

/** Renders the app only once the server says we may use it. */
export function AuthGate({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const session = useSession();

  useEffect(() => {
    const recheck = () => void queryClient.invalidateQueries({ queryKey: sessionKey });
    window.addEventListener(UNAUTHORIZED_EVENT, recheck);
    return () => window.removeEventListener(UNAUTHORIZED_EVENT, recheck);
  }, [queryClient]);

  if (session.isPending) {
    return (
      <div className="boot">
        <Spinner size={22} label={t("boot.loading")} />
      </div>
    );
  }
  if (session.data?.auth_required && !session.data.authorized) return <TokenScreen />;
  return <>{children}</>;
}
