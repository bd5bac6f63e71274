// The batch jobs of one run: each submitted in turn as a slot allows, all waited for together, each ending in entries or one failure.
import type { ItemFailure } from '../types';
import { jobBody } from './jobPlanning';
import { finishJob, type JobOutcome, type ResultsContext } from './jobResults';
import { submitJob } from './jobSubmit';

export interface BatchJobsResult {
	jobs: JobOutcome[];
	/** Every job Crustdata accepted, in submit order. */
	batchIds: string[];
	slotWaitMs: number;
}

/**
 * Jobs are submitted one at a time, so a lost submit's job can be told from this run's others.
 * Each accepted job is logged at once: a crashed execution can then fetch it rather than pay again.
 * A failure that ends every request (a rejected key, no credits) leaves the later jobs unsent, and
 * a cancelled run stops at its next wait, with n8n's cancellation.
 */
export async function runBatchJobs(
	context: ResultsContext,
	jobs: string[][],
	logAccepted: (batchId: string, identifiers: number) => void,
): Promise<BatchJobsResult> {
	const finishing: Array<Promise<JobOutcome>> = [];
	let stop: ItemFailure | undefined;
	for (const identifiers of jobs) {
		if (stop) {
			finishing.push(Promise.resolve({ identifiers, failure: { ...stop, consequence: true } }));
			continue;
		}
		const submitted = await submitJob(context, jobBody(identifiers, context.settings), identifiers.length);
		if ('failure' in submitted) {
			if (submitted.failure.endsRun) stop = submitted.failure;
			finishing.push(Promise.resolve({ identifiers, failure: submitted.failure }));
			continue;
		}
		context.runBatchIds.add(submitted.batchId);
		logAccepted(submitted.batchId, identifiers.length);
		// Heard at once, so a cancelled wait is never an unheard rejection while later jobs are submitted.
		const finished = finishJob(context, identifiers, submitted.batchId, submitted.sentAt);
		finished.catch(() => undefined);
		finishing.push(finished);
	}
	return { jobs: await Promise.all(finishing), batchIds: [...context.runBatchIds], slotWaitMs: context.slotWait.ms };
}
