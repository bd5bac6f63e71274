// The account's balance: what `GET /account/credits` (free) says is left.
import type { NodeExecutionHint } from 'n8n-workflow';

import { creditsText } from '../quantities';
import type { CrustdataClient } from '../transport/client';
import { isRecord, numberFrom } from '../types';
import { DISCOVERY_TIMEOUT_MS } from './accountLimits';

/**
 * Read before a run so the run can say when it may cost more than the account holds, and a dry
 * run can say what is there.
 */

const ACCOUNT_CREDITS_PATH = '/account/credits';

/** The credits left on the account, or undefined when Crustdata does not say. */
export function readBalance(statusCode: number, body: unknown): number | undefined {
	return statusCode === 200 && isRecord(body) && isRecord(body.account) ? numberFrom(body.account.credits) : undefined;
}

/** Asks Crustdata for the balance; a run never waits long for it nor fails without it. */
export async function askBalance(client: CrustdataClient, timeoutMs: number): Promise<number | undefined> {
	try {
		const answer = await client.get(ACCOUNT_CREDITS_PATH, {}, Math.min(timeoutMs, DISCOVERY_TIMEOUT_MS));
		return readBalance(answer.statusCode, answer.body);
	} catch {
		return undefined;
	}
}

/** What a run that could cost more than the account held before it says about that, or undefined. */
export function balanceShortfall(mostCredits: number, balance: number | undefined): string | undefined {
	if (balance === undefined || mostCredits <= balance) return undefined;
	return `This run could cost up to ${creditsText(mostCredits)} and the account had ${creditsText(balance)} before it`;
}

/** Said after a run that could cost more than the account held before it. */
export function balanceHint(mostCredits: number, balance: number | undefined, capped: boolean): NodeExecutionHint | undefined {
	const shortfall = balanceShortfall(mostCredits, balance);
	if (!shortfall) return undefined;
	return {
		message:
			`${shortfall}; Crustdata stops answering when the credits run out` +
			(capped ? '' : ', and Max Credits in the node options caps what a run spends'),
		type: 'warning',
		location: 'outputPane',
	};
}
