// The dry run: what a run would send and cost, from the plan and the account's free answers, with nothing billable sent.
import type { IExecuteFunctions, INodeExecutionData, NodeExecutionHint } from 'n8n-workflow';

import { sharedLimit } from '../account/accountLimits';
import { batchContactTiers, contactJobCount } from '../batch/contactJobs';
import { MAX_JOB_IDENTIFIERS } from '../batch/jobPlanning';
import { affordableCount } from '../credits/creditCap';
import { contactCredits, mostCredits, personCredits } from '../credits/prices';
import { identifierCount, requestSize, UnreadableIdentifier, type RequestPlan } from '../planning/requestPlanning';
import { clipped, count, creditsText } from '../quantities';
import { toNodeError } from '../results/resultMapping';
import type { EnrichSettings, ContactSource } from '../types';
import { checkAccount, type AccountCheck } from './accountCheck';

/** One item, paired with every input, that a workflow can route on. */

const WINDOW_SECONDS = 60;

/** How long `requests` take at `requestsPerMinute` in a sliding window, not counting Crustdata's answer times. */
export function secondsAtLimit(requests: number, requestsPerMinute: number): number {
	return requests <= 0 ? 0 : Math.floor((requests - 1) / requestsPerMinute) * WINDOW_SECONDS;
}

/** The raw identifier as the input gave it, as text, cut short when long. */
function shown(raw: unknown): string {
	if (typeof raw === 'string') return clipped(raw);
	return raw === undefined || raw === null || raw instanceof UnreadableIdentifier ? '' : clipped(JSON.stringify(raw));
}

/** The account's side of a dry run: what `checkAccount` learns, without the client, once the balance is in. */
export type AccountFacts = Pick<AccountCheck, 'settings' | 'account' | 'contactVerdict' | 'websitesVerdict' | 'readings'> & { balance?: number };

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
	/** Null with batch jobs: Crustdata promises no processing time. */
	estimated_seconds: number | null;
};

/**
 * The lookups a run would send when every one finds its person, the case its figures price:
 * all of them, or under Max Credits as many as the cap affords, in the plan's order.
 */
function lookupsAfforded(unique: number, settings: EnrichSettings, source?: ContactSource): number {
	return settings.maxCredits > 0 ? affordableCount(unique, personCredits(settings, source), settings.maxCredits) : unique;
}

/**
 * With contact data from its own endpoint, every person found is one more lookup there: in a
 * request, or with batch jobs in a contact job, plus a request for websites, which those lack.
 */
function contactLookupRequests(lookups: number, { settings, contactVerdict, websitesVerdict }: AccountFacts): number {
	if (!settings.contact || !contactVerdict || contactVerdict.source === 'profile') return 0;
	const inRequests = Math.ceil(lookups / requestSize(settings.batchSize));
	if (settings.operation !== 'enrichBatch') return inRequests;
	const inJobs = batchContactTiers(settings.contact.tiers).length > 0 ? contactJobCount(lookups) : 0;
	return inJobs + (websitesVerdict ? inRequests : 0);
}

export function dryRunReport(plan: RequestPlan, rawIdentifiers: unknown[], facts: AccountFacts): DryRunReport {
	const { settings, account, contactVerdict } = facts;
	const unique = identifierCount(plan.batches);
	const rejected = plan.inputs.flatMap((input) =>
		input.failure ? [{ item: input.itemIndex, identifier: shown(rawIdentifiers[input.itemIndex]), reason: input.failure.message }] : [],
	);
	const lookups = lookupsAfforded(unique, settings, contactVerdict?.source);
	const inBatchJobs = settings.operation === 'enrichBatch';
	// The plan's requests (or jobs) are full but the last, as the send loop's are when it shrinks the last to fit.
	const requestsCarrying = (identifiers: number) => Math.ceil(identifiers / (inBatchJobs ? MAX_JOB_IDENTIFIERS : requestSize(settings.batchSize)));
	const profileRequests = requestsCarrying(lookups);
	const contactRequests = contactLookupRequests(lookups, facts);
	const profileLimit = account.rateLimit.requestsPerMinute;
	const keyLimit = contactRequests > 0 ? sharedLimit(settings.pacing.maxRequestsPerMinute, ...facts.readings) : undefined;
	return {
		dry_run: true,
		inputs: plan.inputs.length,
		unique_identifiers: unique,
		duplicates: plan.inputs.length - rejected.length - unique,
		rejected,
		requests: profileRequests + contactRequests,
		// A cap below one lookup's worst case sends nothing, so it costs nothing.
		max_credits: lookups === 0 ? 0 : mostCredits(unique, settings, contactVerdict?.source),
		credits_available: facts.balance ?? null,
		rate_limit_per_minute: profileLimit,
		estimated_seconds: inBatchJobs
			? null
			: Math.max(
					secondsAtLimit(profileRequests, profileLimit),
					contactVerdict ? secondsAtLimit(contactRequests, contactVerdict.rateLimit.requestsPerMinute) : 0,
					keyLimit ? secondsAtLimit(profileRequests + contactRequests, keyLimit) : 0,
				),
	};
}

/** What the dry run's hints say: that nothing was sent, and what its figures leave out. */
export function dryRunHints(report: DryRunReport, facts: AccountFacts, stopsOnError: boolean): NodeExecutionHint[] {
	const { settings, contactVerdict } = facts;
	const unique = report.unique_identifiers;
	const afforded = lookupsAfforded(unique, settings, contactVerdict?.source);
	const websitesRequests = settings.operation === 'enrichBatch' && facts.websitesVerdict ? Math.ceil(afforded / requestSize(settings.batchSize)) : 0;
	const sent = (requests: number) =>
		settings.operation !== 'enrichBatch'
			? count(requests, 'request')
			: count(requests - websitesRequests, 'batch job') + (websitesRequests > 0 ? ` and ${count(websitesRequests, 'request')} for websites` : '');
	const hints: NodeExecutionHint[] = [
		{
			message:
				`Dry run: nothing billable was sent; the run would send ` +
				(afforded < unique ? `${sent(report.requests)} if everyone is found` : `at most ${sent(report.requests)}`) +
				` and cost at most ${creditsText(report.max_credits)}`,
			type: 'info',
			location: 'outputPane',
		},
	];
	const [firstRejected] = report.rejected;
	if (stopsOnError && firstRejected) {
		hints.push({
			message: `The run would stop at item ${firstRejected.item} before sending anything: ${firstRejected.reason}; fix the rejected items, or set On Error to Continue`,
			type: 'warning',
			location: 'outputPane',
		});
	}
	if (unique > 0 && afforded === 0) {
		hints.push({
			message: `At the cap of ${creditsText(settings.maxCredits)} the run would send nothing, as one lookup can cost up to ${creditsText(personCredits(settings, contactVerdict?.source))}; raise Max Credits`,
			type: 'warning',
			location: 'outputPane',
		});
	} else if (afforded < unique) {
		const uncapped = mostCredits(unique, { ...settings, maxCredits: 0 }, contactVerdict?.source);
		hints.push({
			message:
				`At the cap of ${creditsText(settings.maxCredits)}, ${(unique - afforded).toLocaleString('en-US')} of ${count(unique, 'lookup')} ` +
				`would be left unsent if everyone is found (no-matches cost nothing and leave room for more); without Max Credits the run could cost up to ${creditsText(uncapped)}` +
				(stopsOnError ? ', and with On Error set to Stop Workflow a run that leaves inputs unsent fails and outputs nothing' : ''),
			type: 'info',
			location: 'outputPane',
		});
	}
	// Batch jobs give one person an email, so only requests can bring further candidates.
	const furtherCandidates = settings.identifierType === 'businessEmail' && settings.returnMatches === 'all' && settings.operation !== 'enrichBatch';
	if (settings.contact && contactVerdict?.source !== 'profile' && furtherCandidates) {
		hints.push({
			message: `The figures count one person for each email, and each further candidate Crustdata returns costs up to ${creditsText(contactCredits(settings.contact))} more for contact data; set Return Matches to Best Match Only to rule that out`,
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
