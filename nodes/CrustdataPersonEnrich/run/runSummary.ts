// What the user reads after a run: the summary hints, and what a stopped node's error adds.
import type { NodeExecutionHint } from 'n8n-workflow';

import { balanceHint, balanceShortfall } from '../account/accountBalance';
import { identifierCount, type RequestPlan } from '../planning/requestPlanning';
import { count, creditsText } from '../quantities';
import { leftByCap, type InputOutcome } from '../results/resultMapping';
import type { TransportStats } from '../transport/sendLoop';
import type { EnrichSettings, ItemFailure, RateLimit } from '../types';
import { CONTACT_ENRICH_PATH } from '../vocabulary';
import type { EnrichmentRun } from './enrichmentRun';

/** What the credit cap left unsent, when it left anything. */
export function capHint(outcomes: InputOutcome[], settings: EnrichSettings): NodeExecutionHint | undefined {
	const left = leftByCap(outcomes);
	return left > 0
		? {
				message: `Stopped at the credit cap of ${creditsText(settings.maxCredits)}: ${count(left, 'input was', 'inputs were')} not sent`,
				type: 'warning',
				location: 'outputPane',
			}
		: undefined;
}

/** Inputs with at least one match. */
export const enrichedInputs = (outcomes: InputOutcome[]) =>
	outcomes.filter((outcome) => 'results' in outcome && outcome.results.some((result) => result.match_status === 'matched')).length;

/** What both passes of the run cost, from `x-credits-used`. */
const creditsSpent = (run: EnrichmentRun) => run.profiles.stats.creditsUsed + (run.contact?.result.stats.creditsUsed ?? 0);

/**
 * What the error of a node that stops adds to its failure's own fix. n8n shows neither the
 * output nor the hints of a node that fails, so the error says what they would have: what the
 * run had already paid for, and, when the credits ran out, what it could have cost.
 */
export function stoppedRunNotes(failure: ItemFailure, outcomes: InputOutcome[], run: EnrichmentRun): string[] {
	const spent = creditsSpent(run);
	const enriched = enrichedInputs(outcomes);
	const shortfall = failure.outOfCredits && run.mostCredits !== undefined ? balanceShortfall(run.mostCredits, run.balance) : undefined;
	return [
		...(shortfall ? [shortfall] : []),
		...(spent > 0 || enriched > 0
			? [
					`The run had spent ${creditsText(spent)} and enriched ${count(enriched, 'input')}; a node that stops outputs nothing, so set On Error to Continue to keep what it enriches`,
				]
			: []),
	];
}

/** The limit a pass was paced at and why, for the passes that sent anything. */
function pacedText(what: string, stats: TransportStats | undefined, rateLimit: RateLimit | undefined): string[] {
	return rateLimit && stats && stats.requests > 0
		? [`${what} at ${count(rateLimit.requestsPerMinute, 'request')} a minute, ${rateLimit.source}`]
		: [];
}

/** The inputs that were not looked up on their own: a malformed identifier, or one an earlier input shares. */
export function droppedInputsHint(plan: RequestPlan): NodeExecutionHint | undefined {
	const rejected = plan.inputs.filter((input) => input.failure).length;
	const duplicates = plan.inputs.length - rejected - identifierCount(plan.batches);
	const dropped = [
		...(rejected > 0 ? [`${count(rejected, 'input')} not sent because the identifier was empty or malformed`] : []),
		...(duplicates > 0 ? [`${count(duplicates, 'input')} shared an identifier with an earlier one and reused its lookup`] : []),
	];
	return dropped.length > 0 ? { message: dropped.join('; '), type: rejected > 0 ? 'warning' : 'info', location: 'outputPane' } : undefined;
}

/**
 * What the user sees after the run: what came back, what it cost (profiles and contact data
 * apart), the limit each endpoint was paced at and why, what was dropped and why, and what the
 * account check could not tell.
 */
export function summariseRun(
	plan: RequestPlan,
	outcomes: InputOutcome[],
	run: EnrichmentRun,
	settings: EnrichSettings,
): NodeExecutionHint[] {
	const profiles = run.profiles.stats;
	const contact = run.contact?.result.stats;
	const failed = outcomes.filter((outcome) => 'failure' in outcome).length;
	const enriched = enrichedInputs(outcomes);
	const noMatch = outcomes.length - failed - enriched;
	const requests = profiles.requests + (contact?.requests ?? 0);
	const retries = profiles.retries + (contact?.retries ?? 0);
	const credits = creditsText(creditsSpent(run));
	const paced = [
		...pacedText('paced', profiles, run.account?.rateLimit),
		...pacedText(`contact data from ${CONTACT_ENRICH_PATH}`, contact, run.contactVerdict?.rateLimit),
	];
	const hints: NodeExecutionHint[] = [
		{
			message:
				`Enriched ${enriched.toLocaleString('en-US')} of ${count(outcomes.length, 'input')} in ${count(requests, 'request')}` +
				` (${count(retries, 'retry', 'retries')}), ` +
				(contact
					? `${credits} (${creditsText(profiles.creditsUsed)} for profiles, ${creditsText(contact.creditsUsed)} for contact data); `
					: `${credits}; `) +
				`${noMatch.toLocaleString('en-US')} not found, ${failed.toLocaleString('en-US')} failed` +
				paced.map((text) => `; ${text}`).join(''),
			type: failed > 0 ? 'warning' : 'info',
			location: 'outputPane',
		},
	];
	const dropped = droppedInputsHint(plan);
	if (dropped) hints.push(dropped);
	const cap = capHint(outcomes, settings);
	if (cap) hints.push(cap);
	if (run.contactMoved) {
		hints.push({
			message: `Crustdata's profile endpoint ${run.contactMoved === 'refused' ? 'refused' : 'left out'} contact data on this account, so the run asked ${CONTACT_ENRICH_PATH} instead; no profile was billed twice`,
			type: 'info',
			location: 'outputPane',
		});
	}
	const balance = run.mostCredits === undefined ? undefined : balanceHint(run.mostCredits, run.balance, settings.maxCredits > 0);
	for (const hint of [balance, run.account?.hint, run.contactVerdict?.hint]) if (hint) hints.push(hint);
	return hints;
}
