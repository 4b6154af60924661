import { QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";
import { AuthGate } from "../features/auth/AuthGate";
import { I18nProvider } from "../i18n/I18nProvider";
import { createQueryClient } from "./queryClient";
import { Shell } from "./Shell";

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <AuthGate>
          <Shell />
        </AuthGate>
      </I18nProvider>
    </QueryClientProvider>
  );
}
