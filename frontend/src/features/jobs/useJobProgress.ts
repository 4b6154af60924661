import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useReducer, useRef } from "react";
import type { Job, JobEvent } from "../../api/types";
import { jobEventsUrl } from "../../api/urls";
import { fetchJobDetail, jobKeys } from "./api";
import { initialProgress, progressReducer, type ProgressState } from "./progress";
import { JobEventStream, type EventSourceLike } from "./stream";

function openEventSource(url: string): EventSourceLike {
  return new EventSource(url, { withCredentials: false }) as unknown as EventSourceLike;
}

/**
 * Live progress of one job from its SSE stream (with polling as fallback).
 * `seed` is what we already know, e.g. the job and events of the POST response.
 */
export function useJobProgress(jobId: string, seed?: { job?: Job | null; events?: readonly JobEvent[] }): ProgressState {
  const queryClient = useQueryClient();
  const [state, dispatch] = useReducer(progressReducer, undefined, () =>
    initialProgress(jobId, seed?.job, seed?.events),
  );
  const terminalRef = useRef(state.terminal);
  terminalRef.current = state.terminal;

  // Newer rows from list polling refine the state (older ones are ignored by the reducer).
  const seedJob = seed?.job ?? null;
  useEffect(() => {
    if (seedJob) dispatch({ type: "snapshot", job: seedJob });
  }, [seedJob]);

  useEffect(() => {
    if (terminalRef.current) return undefined;
    const stream = new JobEventStream({
      jobId,
      url: jobEventsUrl(jobId),
      openEventSource,
      fetchJob: fetchJobDetail,
      onEvents: (events) => dispatch({ type: "events", events }),
      onSnapshot: ({ job, events }) => dispatch({ type: "snapshot", job, events }),
      onConnection: (connection) => dispatch({ type: "connection", connection }),
      onFinished: () => void queryClient.invalidateQueries({ queryKey: jobKeys.all }),
    });
    stream.start();
    return () => stream.stop();
  }, [jobId, queryClient]);

  return state;
}
