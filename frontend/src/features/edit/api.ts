import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import type { EnqueueResponse, RequestJson } from "../../api/types";
import type { paths } from "../../api/schema";
import { invalidateJobs } from "../jobs/api";

export type EditRequest = RequestJson<paths["/api/images/edit"]["post"]>;

export function useEdit(onQueued: (response: EnqueueResponse) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: EditRequest) => unwrap(api.POST("/api/images/edit", { body })),
    onSuccess: (response) => {
      onQueued(response);
      invalidateJobs(queryClient);
    },
  });
}
