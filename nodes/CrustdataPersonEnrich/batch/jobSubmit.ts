// Submitting one batch job: waiting for one of the account's five job slots, and never paying twice for a submit whose answer was lost.
import type { IDataObject } from 'n8n-workflow';

import { classifyAnswer, connectionProblem, errorMessage, type HttpAnswer } from '../transport/answerPolicy';
import type { CrustdataClient } from '../transport/client';
import type { Clock } from '../transport/pacer';
import type { ItemFailure } from '../types';
import { BATCH_PATH } from '../vocabulary';
import { noJobSlot, noTimeToSubmit, submitAmbiguous, submitUnanswered, submitUnconfirmed } from './batchFailures';
import { lostSubmitCandidates, pollDelayMs, readJobList, readSubmitted, type JobStatus } from './jobAnswers';

/** The batch endpoints as the jobs see them. */
export interface BatchEndpoints {
	submit(request: JobRequest): Promise<HttpAnswer>;
	status(batchId: string): Promise<HttpAnswer>;
	list(): Promise<HttpAnswer>;
}

/** How many of the account's newest jobs a lost submit's job is looked for in. */
const LISTED_JOBS = 25;

/** The batch endpoints on the credential's Base URL. The status and list reads are free. */
export function batchEndpointsOn(client: CrustdataClient, readTimeoutMs: number): BatchEndpoints {
	return {
		submit: async ({ path, body }) => await client.post(path, body),
		status: async (batchId) => await client.get(`${BATCH_PATH}/${encodeURIComponent(batchId)}`, {}, readTimeoutMs),
		list: async () => await client.get(BATCH_PATH, { limit: LISTED_JOBS }, readTimeoutMs),
	};
}

export interface SubmitContext {
	endpoints: BatchEndpoints;
	clock: Clock;
	/** No job slot is waited for past this time on the run's clock. */
	deadline: number;
	maxWaitMs: number;
	maxRetries: number;
	timeoutMs: number;
	/** Every batch ID this run has had accepted, so a lost submit never adopts one of them. */
	runBatchIds: Set<string>;
	/** How long the run has waited for job slots, in all. */
	slotWait: { ms: number };
}

/** One job to submit: where (profiles or contact data), its body, and how many identifiers it holds. */
export interface JobRequest {
	path: string;
	body: IDataObject;
	identifierCount: number;
}

export type Submitted = { batchId: string; sentAt: number } | { failure: ItemFailure };

/** Reads of the account's job list before a submit whose answer was lost is sent again, over about 10 s. */
const LOST_SUBMIT_READS = 5;
const LOST_SUBMIT_READ_GAP_MS = 2_500;

type Attempt = HttpAnswer | { lost: string };

/**
 * The answer, or why there was none. A dropped connection, a timeout or a 5xx may each have come
 * after Crustdata created the job, and Crustdata takes no idempotency key.
 */
async function attemptSubmit(context: SubmitContext, request: JobRequest): Promise<Attempt> {
	try {
		const answer = await context.endpoints.submit(request);
		if (answer.statusCode >= 500) return { lost: `Crustdata answered ${answer.statusCode}` };
		if (answer.statusCode < 300 && answer.statusCode >= 200 && !readSubmitted(answer.body)) {
			return { lost: 'its answer gave no batch ID' };
		}
		return answer;
	} catch (error) {
		// A cancelled run stops at the next wait, which throws n8n's cancellation.
		return { lost: connectionProblem(error, context.timeoutMs) };
	}
}

/** The account's newest jobs; none when the list cannot be read now. */
async function listedJobs(context: SubmitContext): Promise<JobStatus[]> {
	try {
		const answer = await context.endpoints.list();
		return answer.statusCode === 200 ? readJobList(answer.body) : [];
	} catch {
		return [];
	}
}

/**
 * The job a lost submit created, if the account's list shows exactly one that can be it; several
 * that can are named, as adopting the wrong one would lose this run's results.
 */
async function findLostJob(context: SubmitContext, identifierCount: number, sentAt: number): Promise<{ batchId?: string; candidates?: string[] }> {
	for (let read = 0; read < LOST_SUBMIT_READS; read++) {
		if (read > 0) {
			const now = context.clock.now();
			if (now >= context.deadline) break;
			await context.clock.sleep(Math.min(LOST_SUBMIT_READ_GAP_MS, context.deadline - now));
		}
		const candidates = lostSubmitCandidates(await listedJobs(context), { identifierCount, sentAt }, context.runBatchIds);
		if (candidates.length === 1) return { batchId: candidates[0] };
		if (candidates.length > 1) return { candidates };
	}
	return {};
}

/** Waits for a job slot: Crustdata answers 429 while the account's five jobs run, whoever started them. */
async function waitForSlot(context: SubmitContext, refusedSince: number): Promise<boolean> {
	const now = context.clock.now();
	if (now >= context.deadline) return false;
	const waitMs = Math.min(pollDelayMs(now - refusedSince), context.deadline - now);
	await context.clock.sleep(waitMs);
	context.slotWait.ms += waitMs;
	return true;
}

/** Submits one job until Crustdata accepts it, the wait limit passes, or it refuses for good. */
export async function submitJob(context: SubmitContext, request: JobRequest): Promise<Submitted> {
	let refusedSince: number | undefined;
	let lostAnswers = 0;
	for (;;) {
		// A cancelled run sends nothing more: a wait of nothing throws n8n's cancellation.
		await context.clock.sleep(0);
		const sentAt = context.clock.now();
		// A job sent now could not be waited for: it would be paid for and its results left unread.
		if (sentAt >= context.deadline) {
			return { failure: refusedSince === undefined ? noTimeToSubmit(context.maxWaitMs) : noJobSlot(context.maxWaitMs) };
		}
		const answer = await attemptSubmit(context, request);
		if ('lost' in answer) {
			const found = await findLostJob(context, request.identifierCount, sentAt);
			if (found.batchId) return { batchId: found.batchId, sentAt };
			if (found.candidates) return { failure: submitAmbiguous(found.candidates) };
			if (context.clock.now() >= context.deadline) return { failure: submitUnconfirmed(answer.lost, context.maxWaitMs) };
			lostAnswers += 1;
			if (lostAnswers > context.maxRetries) return { failure: submitUnanswered(answer.lost) };
			continue;
		}
		const batchId = readSubmitted(answer.body);
		if (answer.statusCode >= 200 && answer.statusCode < 300 && batchId) return { batchId, sentAt };
		if (answer.statusCode === 429) {
			refusedSince ??= sentAt;
			if (await waitForSlot(context, refusedSince)) continue;
			return { failure: noJobSlot(context.maxWaitMs) };
		}
		const classified = classifyAnswer(answer, [], '', { path: request.path });
		return { failure: classified.kind === 'stop' ? classified.failure : refused(answer) };
	}
}

function refused(answer: HttpAnswer): ItemFailure {
	return {
		source: 'api',
		message: `Crustdata refused the batch job: ${errorMessage(answer.body) || `it answered ${answer.statusCode}`}`,
		description: "Check the items' identifiers and the node's settings",
		httpCode: String(answer.statusCode),
	};
}
