/**
 * Names for the API shapes the UI uses, derived from the generated schema by
 * path (not by component name), so a regenerated schema only needs this file
 * to change if the contract itself changes.
 */
import type { paths } from "./schema";

type JsonBody<R> = R extends { content: { "application/json": infer B } } ? B : never;

/** JSON body of the 200 (or 201) response of an operation. */
export type ResponseJson<O> = O extends { responses: infer R }
  ? R extends { 200: infer Ok }
    ? JsonBody<Ok>
    : R extends { 201: infer Created }
      ? JsonBody<Created>
      : never
  : never;

/** JSON request body of an operation. */
export type RequestJson<O> = O extends { requestBody?: infer B } ? JsonBody<NonNullable<B>> : never;

export type SessionStatus = ResponseJson<paths["/api/session"]["get"]>;
export type SessionRequest = RequestJson<paths["/api/session"]["post"]>;
export type GenerateRequest = RequestJson<paths["/api/images/generate"]["post"]>;
export type EnqueueResponse = ResponseJson<paths["/api/images/generate"]["post"]>;
export type JobListResponse = ResponseJson<paths["/api/jobs"]["get"]>;
export type JobListQuery = NonNullable<paths["/api/jobs"]["get"]["parameters"]["query"]>;
export type JobDetailResponse = ResponseJson<paths["/api/jobs/{job_id}"]["get"]>;
export type Job = JobListResponse["jobs"][number];
export type JobEvent = JobDetailResponse["events"][number];
export type JobOutput = Job["outputs"][number];
export type JobError = NonNullable<Job["error"]>;
export type QueueSnapshot = EnqueueResponse["queue"];
export type RecoveryDescriptor = ResponseJson<paths["/api/jobs/{job_id}/recovery"]["get"]>;
export type RecoveryAction = RecoveryDescriptor["secondary_actions"][number];
export type ResumeResponse = ResponseJson<paths["/api/jobs/{job_id}/resume"]["post"]>;
