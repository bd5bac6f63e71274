// What Crustdata's batch endpoints answer, read defensively: a submit's batch ID, a job's status, the account's list of jobs. Pure.
import { isRecord, numberFrom } from '../types';

export interface JobStatus {
	batchId: string;
	/** `pending`, `processing`, `completed` or `failed`; anything else is read as still running. */
	status: string;
	identifierCount?: number;
	resultCount?: number;
	/** When Crustdata created the job, in milliseconds since the epoch. */
	createdAt?: number;
	/** The pre-signed links of the result files, one a part. */
	downloadUrls: string[];
	errorMessage?: string;
}

/** Crustdata's and this machine's clocks may differ by this much when a lost submit's job is looked for. */
export const CLOCK_DIFFERENCE_MS = 60_000;

const FASTEST_POLL_MS = 2_000;
const SLOWEST_POLL_MS = 30_000;

/** Status reads come at most a tenth of the job's age apart, so a finished job is seen soon after it finishes. */
export const pollDelayMs = (sinceSubmitMs: number) => Math.min(SLOWEST_POLL_MS, Math.max(FASTEST_POLL_MS, sinceSubmitMs / 10));

export const isFinished = (status: JobStatus) => status.status === 'completed' || status.status === 'failed';

const nonEmptyText = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

/** An ISO time, or seconds or milliseconds since the epoch. */
function timeFrom(value: unknown): number | undefined {
	const number = numberFrom(value);
	if (number !== undefined) return number < 1e12 ? number * 1000 : number;
	const parsed = typeof value === 'string' ? Date.parse(value) : NaN;
	return Number.isNaN(parsed) ? undefined : parsed;
}

/** The batch ID a submit's answer gives, or undefined when it gives none. */
export const readSubmitted = (body: unknown): string | undefined => (isRecord(body) ? nonEmptyText(body.batch_id) : undefined);

export function readJobStatus(body: unknown): JobStatus | undefined {
	const batchId = isRecord(body) ? nonEmptyText(body.batch_id) : undefined;
	if (!isRecord(body) || batchId === undefined) return undefined;
	const parts = Array.isArray(body.download_urls) ? body.download_urls.filter((url): url is string => typeof url === 'string') : [];
	const single = nonEmptyText(body.download_url);
	return {
		batchId,
		status: typeof body.status === 'string' ? body.status : '',
		identifierCount: numberFrom(body.identifier_count),
		resultCount: numberFrom(body.result_count),
		createdAt: timeFrom(body.created_at),
		downloadUrls: parts.length > 0 ? parts : single ? [single] : [],
		errorMessage: nonEmptyText(body.error_message),
	};
}

/** The jobs of `GET /batch`, whether it answers with a list or with the list under a key. */
export function readJobList(body: unknown): JobStatus[] {
	const listed = Array.isArray(body)
		? body
		: isRecord(body)
			? [body.batches, body.data, body.items, body.results, body.jobs].find(Array.isArray)
			: undefined;
	return (listed ?? []).flatMap((job) => readJobStatus(job) ?? []);
}

/**
 * The jobs a submit whose answer was lost may have created: not one of this run's, of the same
 * size, and created since the submit was sent.
 */
export function lostSubmitCandidates(
	jobs: JobStatus[],
	lost: { identifierCount: number; sentAt: number },
	runBatchIds: ReadonlySet<string>,
): string[] {
	const candidates = jobs.filter(
		(job) =>
			!runBatchIds.has(job.batchId) &&
			job.identifierCount === lost.identifierCount &&
			job.createdAt !== undefined &&
			job.createdAt >= lost.sentAt - CLOCK_DIFFERENCE_MS,
	);
	return [...new Set(candidates.map((job) => job.batchId))];
}
