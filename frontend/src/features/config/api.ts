/** Server configuration and providers (spec/web.md §6.2–6.3). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import type { RequestJson } from "../../api/types";
import type { paths } from "../../api/schema";
import { providerList } from "./providers";

export type ProviderUpsert = RequestJson<paths["/api/providers/{name}"]["put"]>;

export const configKey = ["config"] as const;

export function useServerConfig() {
  return useQuery({
    queryKey: configKey,
    queryFn: () => unwrap(api.GET("/api/config")),
    staleTime: 30_000,
  });
}

/** The providers for pickers; empty while loading or when the route fails. */
export function useProviders() {
  const config = useServerConfig();
  return { ...providerList(config.data), isPending: config.isPending, isError: config.isError };
}

export function useConfigMutations() {
  const queryClient = useQueryClient();
  const onSuccess = (data: unknown) => {
    if (data && typeof data === "object" && "providers" in data) queryClient.setQueryData(configKey, data);
    void queryClient.invalidateQueries({ queryKey: configKey });
  };
  return {
    upsert: useMutation({
      mutationFn: ({ name, body }: { name: string; body: ProviderUpsert }) =>
        unwrap(api.PUT("/api/providers/{name}", { params: { path: { name } }, body })),
      onSuccess,
    }),
    remove: useMutation({
      mutationFn: (name: string) => unwrap(api.DELETE("/api/providers/{name}", { params: { path: { name } } })),
      onSuccess,
    }),
    setDefault: useMutation({
      mutationFn: (name: string) => unwrap(api.POST("/api/providers/default", { body: { name } })),
      onSuccess,
    }),
    test: useMutation({
      mutationFn: (name: string) => unwrap(api.POST("/api/providers/{name}/test", { params: { path: { name } } })),
    }),
  };
}

/** Reveal a stored secret (explicit click only; never cached). */
export function revealCredential(name: string, credential: string) {
  return unwrap(
    api.GET("/api/providers/{name}/credentials/{credential}", { params: { path: { name, credential } } }),
  );
}
