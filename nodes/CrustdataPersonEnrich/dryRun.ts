import type { IExecuteFunctions, INodeExecutionData, NodeExecutionHint } from 'n8n-workflow';

import { sharedLimit } from './accountLimits';
import { checkAccount, type AccountCheck } from './enrichmentRun';
import { contactCredits, mostCredits } from './prices';
import { count, creditsText } from './quantities';
import { identifierCount, requestSize, type RequestPlan } from './requestPlanning';
import { toNodeError } from './resultMapping';
import type { EnrichSettings } from './types';

/**
 * The dry run: what a run would send and cost, from the plan and the account's free answers,
 * with nothing billable sent. One item, paired with every input, that a workflow can route on.
 */

const WINDOW_SECONDS = 60;

/** How long `requests` take at `requestsPerMinute` in a sliding window, not counting Crustdata's answer times. */
export function secondsAtLimit(requests: number, requestsPerMinute: number): number {
	return requests <= 0 ? 0 : Math.floor((requests - 1) / requestsPerMinute) * WINDOW_SECONDS;
}

/** The raw identifier as the input gave it, as text. */
function shown(raw: unknown): string {
	if (typeof raw === 'string') return raw;
	return raw === undefined || raw === null ? '' : JSON.stringify(raw);
}

/** The account's side of a dry run: what `checkAccount` learns, without the client, once the balance is in. */
export type AccountFacts = Pick<AccountCheck, 'settings' | 'account' | 'contactVerdict' | 'readings'> & { balance?: number };

/** The dry run's item: the keys of the spec's "Dry run" table. */
export type DryRunReport = {
	dry_run: true;
	inputs: number;
	unique_identifiers: number;
	duplicates: number;
	rejected: Array<{ item: number; identifier: string; reason: string }>;
	requests: number;
	max_credits: number;
	credits_available: number | null;
	rate_limit_per_minute: number;
	estimated_seconds: number;
};

export function dryRunReport(plan: RequestPlan, rawIdentifiers: unknown[], facts: AccountFacts): DryRunReport {
	const { settings, account, contactVerdict } = facts;
	const unique = identifierCount(plan.batches);
	const rejected = plan.inputs.flatMap((input) =>
		input.failure ? [{ item: input.itemIndex, identifier: shown(rawIdentifiers[input.itemIndex]), reason: input.failure.message }] : [],
	);
	const profileRequests = plan.batches.length;
	// With contact data from its own endpoint, every person found is one more lookup there.
	const contactRequests =
		contactVerdict && contactVerdict.source !== 'profile' ? Math.ceil(unique / requestSize(settings.batchSize)) : 0;
	const profileLimit = account.rateLimit.requestsPerMinute;
	const keyLimit = contactRequests > 0 ? sharedLimit(settings.pacing.maxRequestsPerMinute, ...facts.readings) : undefined;
	return {
		dry_run: true,
		inputs: plan.inputs.length,
		unique_identifiers: unique,
		duplicates: plan.inputs.length - rejected.length - unique,
		rejected,
		requests: profileRequests + contactRequests,
		max_credits: mostCredits(unique, settings, contactVerdict?.source),
		credits_available: facts.balance ?? null,
		rate_limit_per_minute: profileLimit,
		estimated_seconds: Math.max(
			secondsAtLimit(profileRequests, profileLimit),
			contactVerdict ? secondsAtLimit(contactRequests, contactVerdict.rateLimit.requestsPerMinute) : 0,
			keyLimit ? secondsAtLimit(profileRequests + contactRequests, keyLimit) : 0,
		),
	};
}

/** What the dry run's hints say: that nothing was sent, and what its figures leave out. */
export function dryRunHints(report: DryRunReport, facts: AccountFacts, stopsOnError: boolean): NodeExecutionHint[] {
	const { settings, contactVerdict } = facts;
	const hints: NodeExecutionHint[] = [
		{
			message: `Dry run: nothing billable was sent. The run would send at most ${count(report.requests, 'request')} and cost at most ${creditsText(report.max_credits)}`,
			type: 'info',
			location: 'outputPane',
		},
	];
	const [firstRejected] = report.rejected;
	if (stopsOnError && firstRejected) {
		hints.push({
			message: `The run would stop at item ${firstRejected.item} before sending anything: ${firstRejected.reason}. Fix the rejected items, or set On Error to Continue`,
			type: 'warning',
			location: 'outputPane',
		});
	}
	const uncapped = mostCredits(report.unique_identifiers, { ...settings, maxCredits: 0 }, contactVerdict?.source);
	if (uncapped > report.max_credits) {
		hints.push({
			message: `Without Max Credits the run could cost up to ${creditsText(uncapped)}; at the cap of ${creditsText(settings.maxCredits)}, some inputs may be left unsent`,
			type: 'info',
			location: 'outputPane',
		});
	}
	if (settings.contact && contactVerdict?.source !== 'profile' && settings.identifierType === 'businessEmail' && settings.returnMatches === 'all') {
		hints.push({
			message: `The figures count one person for each email; each further candidate Crustdata returns costs up to ${creditsText(contactCredits(settings.contact))} more for contact data. Set Return Matches to Best Match Only to rule that out`,
			type: 'info',
			location: 'outputPane',
		});
	}
	for (const hint of [facts.account.hint, contactVerdict?.hint]) if (hint) hints.push(hint);
	return hints;
}

/**
 * Runs the dry run: only the account's free answers are asked for. A run the account would
 * refuse fails the dry run the same way, so a workflow never goes on to run it for real.
 */
export async function dryRun(
	context: IExecuteFunctions,
	plan: RequestPlan,
	rawIdentifiers: unknown[],
	settings: EnrichSettings,
): Promise<INodeExecutionData[]> {
	const check = await checkAccount(context, settings);
	const pairedItem = plan.inputs.map((input) => ({ item: input.itemIndex }));
	if (check.refusal) {
		const error = toNodeError(context.getNode(), check.refusal, 0);
		if (!context.continueOnFail()) throw error;
		return [{ json: { error: error.message }, pairedItem }];
	}
	const facts = { ...check, balance: await check.balance };
	const report = dryRunReport(plan, rawIdentifiers, facts);
	context.addExecutionHints(...dryRunHints(report, facts, !context.continueOnFail()));
	return [{ json: report, pairedItem }];
}
