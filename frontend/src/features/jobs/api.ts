/** Server state for jobs: query keys, fetchers and polling rules. */
import { useInfiniteQuery, useQuery, type QueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import type { Job, JobDetailResponse, JobListResponse } from "../../api/types";
import { isJobActive } from "../../lib/jobs";

export interface JobListParams {
  limit: number;
  status?: string;
  q?: string;
  /** Exact provider name. */
  provider?: string;
  /** Exact commands; a job matches any of them. */
  commands?: readonly string[];
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
  const query: Record<string, string | number | string[]> = { limit: params.limit };
  if (params.cursor) query.cursor = params.cursor;
  if (params.status) query.status = params.status;
  if (params.q) query.q = params.q;
  if (params.provider) query.provider = params.provider;
  if (params.commands?.length) query.command = [...params.commands];
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

/** The queued/running jobs (polled), for navigation badges and the queue chip. */
export function useActiveJobs(): Job[] {
  const { data } = useJobList({ limit: 100, status: "active" });
  return data ? data.jobs.filter(isJobActive) : [];
}

/** Number of active jobs, optionally only those of one command ("images edit"). */
export function countActive(jobs: readonly Job[], command?: string): number {
  return command ? jobs.filter((j) => j.command === command).length : jobs.length;
}

export const queueKey = ["queue"] as const;

/** The server's queue snapshot (`GET /api/queue`): running, queued, max parallel. */
export function useQueue(poll = true) {
  return useQuery({
    queryKey: queueKey,
    queryFn: () => unwrap(api.GET("/api/queue")),
    refetchInterval: poll ? 3000 : false,
    refetchIntervalInBackground: false,
  });
}

export function invalidateJobs(queryClient: QueryClient): void {
  void queryClient.invalidateQueries({ queryKey: jobKeys.all });
  void queryClient.invalidateQueries({ queryKey: queueKey });
}

/** One job with its events; refreshed while it runs. */
export function useJobDetail(jobId: string | null) {
  return useQuery({
    queryKey: jobKeys.detail(jobId ?? ""),
    queryFn: () => fetchJobDetail(jobId!),
    enabled: jobId !== null,
    refetchInterval: (query) => (query.state.data && isJobActive(query.state.data.job) ? ACTIVE_POLL_MS : false),
  });
}
