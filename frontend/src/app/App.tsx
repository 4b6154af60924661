import { QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { ConfirmProvider } from "../components/Confirm";
import { ToastProvider } from "../components/Toast";
import { AuthGate } from "../features/auth/AuthGate";
import { I18nProvider } from "../i18n/I18nProvider";
import { useI18n } from "../i18n/useI18n";
import { createQueryClient } from "./queryClient";
import { Shell } from "./Shell";

function Overlays({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  return (
    <ToastProvider closeLabel={t("action.dismiss")}>
      <ConfirmProvider closeLabel={t("action.close")}>{children}</ConfirmProvider>
    </ToastProvider>
  );
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <Overlays>
          <AuthGate>
            <Shell />
          </AuthGate>
        </Overlays>
      </I18nProvider>
    </QueryClientProvider>
  );
}
