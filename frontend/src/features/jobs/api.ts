/** Server state for jobs: query keys, fetchers and polling rules. */
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import type { Job, JobDetailResponse, JobListResponse } from "../../api/types";
import { isJobActive } from "../../lib/jobs";

export interface JobListParams {
  limit: number;
  status?: string;
  q?: string;
}

export const jobKeys = {
  all: ["jobs"] as const,
  lists: () => ["jobs", "list"] as const,
  list: (params: JobListParams) => ["jobs", "list", params] as const,
  pages: (params: Omit<JobListParams, "limit"> & { limit: number }) => ["jobs", "pages", params] as const,
  detail: (id: string) => ["jobs", "detail", id] as const,
};

/** Poll quickly while anything is running, slowly otherwise. */
export const ACTIVE_POLL_MS = 1500;
export const IDLE_POLL_MS = 15_000;

export function pollInterval(jobs: readonly Job[] | undefined): number {
  return jobs?.some(isJobActive) ? ACTIVE_POLL_MS : IDLE_POLL_MS;
}

export function fetchJobList(params: JobListParams & { cursor?: string }): Promise<JobListResponse> {
  const query: Record<string, string | number> = { limit: params.limit };
  if (params.cursor) query.cursor = params.cursor;
  if (params.status) query.status = params.status;
  if (params.q) query.q = params.q;
  return unwrap(api.GET("/api/jobs", { params: { query } }));
}

export function fetchJobDetail(jobId: string): Promise<JobDetailResponse> {
  return unwrap(api.GET("/api/jobs/{job_id}", { params: { path: { job_id: jobId } } }));
}

/** The newest jobs, refreshed while any of them is active (and `poll` is on). */
export function useJobList(params: JobListParams, poll = true) {
  return useQuery({
    queryKey: jobKeys.list(params),
    queryFn: () => fetchJobList(params),
    refetchInterval: (query) => (poll ? pollInterval(query.state.data?.jobs) : false),
  });
}

/** Paged job history (cursor based) for the Tasks screen. */
export function useJobPages(params: JobListParams, poll = true) {
  return useInfiniteQuery({
    queryKey: jobKeys.pages(params),
    queryFn: ({ pageParam }) => fetchJobList({ ...params, cursor: pageParam ?? undefined }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => (last.has_more && last.next_cursor ? last.next_cursor : undefined),
    refetchInterval: (query) => (poll ? pollInterval(query.state.data?.pages.flatMap((p) => p.jobs)) : false),
  });
}

/** Number of queued/running jobs, for the navigation badge. */
export function useActiveJobCount(): number {
  const { data } = useJobList({ limit: 50, status: "active" });
  return data ? data.jobs.filter(isJobActive).length : 0;
}
