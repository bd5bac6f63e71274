// Waiting for one accepted batch job, then reading its result files into an entry for every identifier it was sent.
import { classifyAnswer, type HttpAnswer } from '../transport/answerPolicy';
import type { Download } from '../transport/download';
import type { Clock } from '../transport/pacer';
import { retried } from '../transport/retryDecision';
import type { ApiEntry, EnrichSettings, ItemFailure } from '../types';
import { jobFailed, jobUnfinished, resultsUnreadable, unknownJob } from './batchFailures';
import { isFinished, pollDelayMs, readJobStatus, type JobStatus } from './jobAnswers';
import { readJsonLines } from './resultFile';
import type { SubmitContext } from './jobSubmit';

export interface ResultsContext extends SubmitContext, FilesContext {
	/** The run's settings: how a job's identifiers are read, and which of its matches count. */
	settings: EnrichSettings;
}

export type JobOutcome = { identifiers: string[]; batchId?: string } & ({ entries: ApiEntry[] } | { failure: ItemFailure });

/** One status read; undefined when it failed for now (a timeout, a 5xx, a 429) and may be read again. */
export async function readStatus(context: Pick<SubmitContext, 'endpoints'>, batchId: string): Promise<JobStatus | { failure: ItemFailure } | undefined> {
	let answer: HttpAnswer;
	try {
		answer = await context.endpoints.status(batchId);
	} catch {
		return undefined;
	}
	if (answer.statusCode >= 200 && answer.statusCode < 300) return readJobStatus(answer.body);
	if (answer.statusCode >= 500 || answer.statusCode === 429) return undefined;
	if (answer.statusCode === 404 && typeof answer.body !== 'string') return { failure: unknownJob(batchId) };
	const classified = classifyAnswer(answer, [], '', { path: `/batch/${batchId}` });
	if (classified.kind === 'stop') return { failure: classified.failure };
	return { failure: jobFailed(batchId, `its status read answered ${answer.statusCode}`) };
}

/**
 * Reads the job's status (free) until it finishes or the wait limit passes: soon after the
 * submit at first, then at most a tenth of the job's age apart, so a finished job is noticed
 * soon whatever its size.
 */
async function awaitFinished(context: SubmitContext, batchId: string, sentAt: number): Promise<JobStatus | { failure: ItemFailure }> {
	const { clock, deadline } = context;
	while (clock.now() < deadline) {
		const now = clock.now();
		await clock.sleep(Math.min(pollDelayMs(now - sentAt), deadline - now));
		const status = await readStatus(context, batchId);
		if (status && ('failure' in status || isFinished(status))) return status;
	}
	return { failure: jobUnfinished(batchId, context.maxWaitMs) };
}

/** What reading a finished job's files needs: the plain download, and how often to try it again. */
export interface FilesContext {
	clock: Clock;
	maxRetries: number;
	download(url: string): Promise<Download>;
}

/**
 * Hands every record of a finished job's parts to `onRecord`. A part that cannot be read, or
 * parts holding fewer records than the job says it has, fail the whole job rather than leave it
 * partial. A job with no records downloads nothing: its link may answer 404.
 */
export async function readResultFiles(context: FilesContext, status: JobStatus, onRecord: (record: unknown) => void): Promise<ItemFailure | undefined> {
	if (status.resultCount === 0) return undefined;
	if (status.downloadUrls.length === 0) return resultsUnreadable(status.batchId, 'Crustdata gave no link to them');
	let lines = 0;
	for (const url of status.downloadUrls) {
		const download = await retried(context, async () => await context.download(url), (part) => 'failed' in part && part.retryable);
		if ('failed' in download) return resultsUnreadable(status.batchId, download.failed);
		const reading = await readJsonLines(download.bytes, onRecord);
		if ('unreadable' in reading) return resultsUnreadable(status.batchId, reading.unreadable);
		lines += reading.lines;
	}
	return status.resultCount !== undefined && lines < status.resultCount
		? resultsUnreadable(status.batchId, `they hold ${lines} of the job's ${status.resultCount} records`)
		: undefined;
}

/** What a job's records are read into: each record as it is parsed, then the job's entries. */
export interface RecordReader {
	add(record: unknown): void;
	all(): ApiEntry[];
}

/** One accepted job from its submit to its entries, or the failure all of its identifiers share. */
export async function finishJob(
	context: SubmitContext & FilesContext,
	identifiers: string[],
	{ batchId, sentAt }: { batchId: string; sentAt: number },
	records: RecordReader,
): Promise<JobOutcome> {
	const status = await awaitFinished(context, batchId, sentAt);
	if ('failure' in status) return { identifiers, batchId, failure: status.failure };
	if (status.status === 'failed') return { identifiers, batchId, failure: jobFailed(batchId, status.errorMessage) };
	const failure = await readResultFiles(context, status, (record) => records.add(record));
	return failure ? { identifiers, batchId, failure } : { identifiers, batchId, entries: records.all() };
}
