// The retry decision: whether a rate-limited or transiently failed request goes again, after how long, and the failure when it does not.
import type { ItemFailure } from '../types';
import { backoffMs, type Classified } from './answerPolicy';
import type { Clock } from './pacer';

export interface RetryDecision {
	retry: boolean;
	/** How long to wait before the retry; a 429's wait is the pacer's, so 0 for it. */
	backoffMs: number;
}

/**
 * Only a 429 or a transient failure goes again, and at most Max Retries times. A backoff that
 * would end past the wait deadline (an agent's tool call) is not waited: the request fails now.
 */
export function retryDecision(classified: Classified, attempt: number, maxRetries: number, now: number, waitDeadline: number): RetryDecision {
	const backoff = classified.kind === 'transient' ? backoffMs(attempt) : 0;
	const retry =
		(classified.kind === 'rateLimited' || (classified.kind === 'transient' && now + backoff <= waitDeadline)) && attempt <= maxRetries;
	return { retry, backoffMs: backoff };
}

/** The failure of a request that is not tried again: how often it was tried, and why it failed. */
export function retriesExhausted(classified: Classified, attempts: number): ItemFailure {
	const reason = classified.kind === 'transient' ? classified.reason : 'Crustdata kept answering 429 (rate limited)';
	return {
		source: 'api',
		message: `The request failed after ${attempts} ${attempts === 1 ? 'try' : 'tries'}: ${reason}`,
		description: 'Run the node again for these items later, or raise Max Retries in the node options',
	};
}

/** Runs `attempt` again, after a growing backoff and at most `maxRetries` times, while its result `mayPass`. */
export async function retried<T>(
	context: { clock: Clock; maxRetries: number },
	attempt: () => Promise<T>,
	mayPass: (result: T) => boolean,
): Promise<T> {
	let result = await attempt();
	for (let retry = 1; mayPass(result) && retry <= context.maxRetries; retry++) {
		await context.clock.sleep(backoffMs(retry));
		result = await attempt();
	}
	return result;
}
