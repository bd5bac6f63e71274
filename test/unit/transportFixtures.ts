import type { IDataObject } from 'n8n-workflow';

import type { HttpAnswer } from '../../nodes/CrustdataPersonEnrich/transport/answerPolicy';
import type { Clock } from '../../nodes/CrustdataPersonEnrich/transport/pacer';
import type { LoopPacing } from '../../nodes/CrustdataPersonEnrich/transport/sendLoop';

/** What the tests of the answer policy, the pacer and the send loop share. */

export const URL_TYPE = 'professional_network_profile_url';

export const error = (type: string, message: string, metadata: unknown = []) => ({ error: { type, message, metadata } });

export const answer = (statusCode: number, body: unknown, headers: IDataObject = {}): HttpAnswer => ({ statusCode, body, headers });

export const entriesFor = (identifiers: string[]) => identifiers.map((matched_on) => ({ matched_on, matches: [] }));

/** Virtual time: sleeping moves the clock instead of waiting. */
export function virtualClock(): Clock & { sleeps: number[] } {
	let now = 0;
	const sleeps: number[] = [];
	return {
		sleeps,
		now: () => now,
		sleep: async (ms) => {
			sleeps.push(ms);
			now += ms;
		},
	};
}

export const pacing = (overrides: Partial<LoopPacing> = {}): LoopPacing => ({
	requestsPerMinute: 1000,
	concurrency: 1,
	maxRetries: 4,
	timeoutMs: 1000,
	...overrides,
});
