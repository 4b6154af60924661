import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import type { EnqueueResponse, GenerateRequest } from "../../api/types";
import { jobKeys } from "../jobs/api";

export function useGenerate(onQueued: (response: EnqueueResponse) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: GenerateRequest) => unwrap(api.POST("/api/images/generate", { body })),
    onSuccess: (response) => {
      onQueued(response);
      void queryClient.invalidateQueries({ queryKey: jobKeys.all });
    },
  });
}
