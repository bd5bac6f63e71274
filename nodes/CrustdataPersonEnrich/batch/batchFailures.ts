// Why the inputs of a batch job got no results: each failure names the job, so a paid job is fetched again rather than paid twice.
import { count, sentences } from '../quantities';
import type { ItemFailure } from '../types';

/** How long Crustdata keeps a finished job's results behind their links. */
const RESULTS_KEPT = '5 days';

const waitText = (maxWaitMs: number) => count(Math.round((maxWaitMs / 60_000) * 100) / 100, 'minute');

const fetchAgain = (batchId: string) =>
	`Get them with Get Batch Results and batch ID ${batchId} rather than running these items again, which would pay for them twice`;

export function jobFailed(batchId: string, errorMessage: string | undefined): ItemFailure {
	return {
		source: 'api',
		message: `Crustdata's batch job ${batchId} failed: ${errorMessage ?? 'no reason given'}`,
		description: 'Run the node again for these items; if the job fails again, give Crustdata support the batch ID',
	};
}

export function jobUnfinished(batchId: string, maxWaitMs: number): ItemFailure {
	return {
		source: 'api',
		message: `Batch job ${batchId} didn't finish within ${waitText(maxWaitMs)}: its results can be fetched for free with Get Batch Results for ${RESULTS_KEPT} after it finishes`,
		description: sentences(`Use Get Batch Results with batch ID ${batchId} later`, 'Running these items again would pay for them twice'),
	};
}

export function noJobSlot(maxWaitMs: number): ItemFailure {
	return {
		source: 'api',
		message: `No batch job slot came free within ${waitText(maxWaitMs)}, so nothing was spent on this item`,
		description:
			'Crustdata runs at most 5 batch jobs per account at once, including those of other workflows. Run the node again later, or raise Max Wait (Minutes).',
	};
}

export function noTimeToSubmit(maxWaitMs: number): ItemFailure {
	return {
		source: 'api',
		message: `Max Wait (${waitText(maxWaitMs)}) ran out before this batch job was submitted, so it was not bought`,
		description: 'Raise Max Wait (Minutes), or run these items again in another execution',
	};
}

export function resultsUnreadable(batchId: string, why: string): ItemFailure {
	return {
		source: 'api',
		message: `The results of batch job ${batchId} could not be read: ${why}`,
		description: fetchAgain(batchId),
	};
}

export function submitAmbiguous(candidates: string[]): ItemFailure {
	return {
		source: 'api',
		message: `Crustdata's answer to a batch job submit was lost, and any of the batch jobs ${candidates.join(', ')} may be this one`,
		description: 'Check these batch IDs with Get Batch Results before running these items again, so nothing is paid for twice',
	};
}

export function submitUnanswered(reason: string): ItemFailure {
	return {
		source: 'api',
		message: `Crustdata didn't answer the batch job submit: ${reason}`,
		description: "No new job appeared in the account's list of batch jobs, so nothing was spent on these items. Run the node again.",
	};
}

/** A lost submit whose job the list did not show before Max Wait ran out: unlike `submitUnanswered`, it may exist. */
export function submitUnconfirmed(reason: string, maxWaitMs: number): ItemFailure {
	return {
		source: 'api',
		message: `Crustdata didn't answer the batch job submit: ${reason}`,
		description: `Max Wait (${waitText(maxWaitMs)}) ran out before the account's list of batch jobs showed whether Crustdata created the job, so it may be paid for. Raise Max Wait (Minutes) before running these items again.`,
	};
}

export function unknownJob(batchId: string): ItemFailure {
	return {
		source: 'api',
		message: `Crustdata has no batch job ${batchId} on this account`,
		description: 'Check the batch ID: Enrich in Batch Jobs names each job in its run summary and error items',
		httpCode: '404',
	};
}

export function jobStillRunning(batchId: string, status: string): ItemFailure {
	return {
		source: 'api',
		message: `Batch job ${batchId} hasn't finished yet (${status || 'no status given'})`,
		description: 'Get its results again in a few minutes; reading a job is free',
	};
}
