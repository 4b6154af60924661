import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import type { SessionStatus } from "../../api/types";

export const sessionKey = ["session"] as const;

/** A server that cannot answer the session check is treated as open (spec/ui.md §2). */
const OPEN_SESSION = { auth_required: false, authorized: true } as SessionStatus;

export function useSession() {
  return useQuery({
    queryKey: sessionKey,
    queryFn: async () => {
      try {
        return await unwrap(api.GET("/api/session"));
      } catch {
        return OPEN_SESSION;
      }
    },
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (token: string) => unwrap(api.POST("/api/session", { body: { token } })),
    onSuccess: () => queryClient.invalidateQueries(),
  });
}
