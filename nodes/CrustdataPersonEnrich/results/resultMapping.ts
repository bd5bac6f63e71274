// Result mapping: answers joined back to the input items, and the output items paired with them. Pure apart from creating n8n errors.
import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { withoutPath } from '../planning/fieldPaths';
import { fieldsTheContactPassNeeds, fieldsTheEmployerCheckNeeds } from '../planning/requestFields';
import type { PlannedInput } from '../planning/requestPlanning';
import { count, quoted, sentences } from '../quantities';
import { isRecord, type ApiEntry, type ApiMatch, type EnrichSettings, type ItemFailure, type MatchStatus } from '../types';
import { emailDomainMatchesEmployer } from './employerCheck';
import { simplifyPerson } from './simplifyPerson';

export type InputOutcome =
	| { itemIndex: number; identifier: string; results: IDataObject[] }
	| { itemIndex: number; identifier: string; failure: ItemFailure };

type Normalise = (raw: unknown) => { identifier: string } | object;

/**
 * The identifier an answer belongs to. `matched_on` echoes what was sent, but it is normalised
 * again so a cosmetic difference (a trailing slash, letter case) cannot lose a result; position
 * in the array is never used.
 */
export function answerKey(entry: ApiEntry, normalise: Normalise): string {
	const normalised = normalise(entry.matched_on);
	return 'identifier' in normalised ? normalised.identifier : entry.matched_on;
}

/** Answers keyed by the identifier they belong to. */
export function indexAnswers(entries: ApiEntry[], normalise: Normalise): Map<string, ApiEntry> {
	const byIdentifier = new Map<string, ApiEntry>();
	for (const entry of entries) {
		const key = answerKey(entry, normalise);
		const earlier = byIdentifier.get(key);
		// An identifier answered twice (a resent request) keeps the answer that has matches.
		if (!earlier || (earlier.matches?.length ?? 0) < (entry.matches?.length ?? 0)) {
			byIdentifier.set(key, entry);
		}
	}
	return byIdentifier;
}

function statusOf(entry: ApiEntry, matches: ApiMatch[]): MatchStatus {
	if (entry.match_status === 'redacted') return 'redacted';
	return matches.length > 0 ? 'matched' : 'not_found';
}

function score(match: ApiMatch): number {
	return typeof match.confidence_score === 'number' ? match.confidence_score : -Infinity;
}

/**
 * The matches the user asked for: at the email's employer when that is required, above the
 * similarity threshold, all of them or the best.
 */
export function selectMatches(matches: ApiMatch[], settings: EnrichSettings, email = ''): ApiMatch[] {
	const atEmployer = settings.requireEmployerDomainMatch
		? matches.filter((match) => emailDomainMatchesEmployer(email, match.person_data) === true)
		: matches;
	const threshold = settings.identifierType === 'businessEmail' ? settings.minSimilarityScore : 0;
	const kept = threshold > 0 ? atEmployer.filter((match) => score(match) >= threshold) : atEmployer;
	if (settings.returnMatches === 'all' || kept.length <= 1) return kept;
	return [kept.reduce((best, match) => (score(match) > score(best) ? match : best))];
}

/** The matches an answer gives its input as results: none for a no-match or a redaction. */
export function matchedPeople(entry: ApiEntry, settings: EnrichSettings): ApiMatch[] {
	const matches = selectMatches(entry.matches ?? [], settings, entry.matched_on);
	return statusOf(entry, matches) === 'matched' ? matches : [];
}

function noMatchFailure(identifier: string, status: MatchStatus): ItemFailure {
	return {
		source: 'api',
		message:
			status === 'redacted'
				? `The person behind ${quoted(identifier)} has opted out of Crustdata (redacted)`
				: `Crustdata found no person for ${quoted(identifier)}`,
		description: 'To get an item instead of an error, set On No Match to "Emit an Item" or "Skip"',
	};
}

/** The output records for one identifier, or the failure that replaces them. */
export function resultsForEntry(
	identifier: string,
	entry: ApiEntry,
	settings: EnrichSettings,
	matchType: string,
): { results: IDataObject[] } | { failure: ItemFailure } {
	const matches = selectMatches(entry.matches ?? [], settings, identifier);
	const status = statusOf(entry, matches);
	const common = { matched_on: identifier, match_type: entry.match_type ?? matchType };
	if (status === 'matched') {
		return {
			results: matches.map((match) => ({
				...common,
				match_status: status,
				confidence_score: match.confidence_score ?? null,
				person_data: match.person_data ?? null,
				...(settings.identifierType === 'businessEmail'
					? { verification: { email_domain_matches_employer: emailDomainMatchesEmployer(identifier, match.person_data) } }
					: {}),
			})),
		};
	}
	if (settings.onNoMatch === 'error') return { failure: noMatchFailure(identifier, status) };
	if (settings.onNoMatch === 'skip') return { results: [] };
	return {
		results: [
			{
				...common,
				match_status: status,
				confidence_score: null,
				person_data: null,
			},
		],
	};
}

const NO_ANSWER: ItemFailure = {
	source: 'api',
	message: 'Crustdata answered the request without an entry for this identifier',
	description: 'Run the node again for this item; if it keeps happening, contact Crustdata support',
};

/** Joins every planned input to its answer or failure, in input order. */
export function joinResults(
	inputs: PlannedInput[],
	answers: Map<string, ApiEntry>,
	failures: Map<string, ItemFailure>,
	settings: EnrichSettings,
	matchType: string,
): InputOutcome[] {
	const outcomes = inputs.map((input): InputOutcome => {
		const { itemIndex, identifier = '' } = input;
		const failure = input.failure ?? failures.get(identifier);
		if (failure) return { itemIndex, identifier, failure };
		const entry = answers.get(identifier);
		if (!entry) return { itemIndex, identifier, failure: NO_ANSWER };
		return { itemIndex, identifier, ...resultsForEntry(identifier, entry, settings, matchType) };
	});
	return withInputsLeftCounted(outcomes);
}

/** Inputs the credit cap left unsent. */
export const leftByCap = (outcomes: InputOutcome[]) => outcomes.filter((outcome) => 'failure' in outcome && outcome.failure.overCap).length;

/** The credit cap's failures say how many inputs it left, so the one error a stopped node shows tells the whole story. */
function withInputsLeftCounted(outcomes: InputOutcome[]): InputOutcome[] {
	const left = leftByCap(outcomes);
	if (left === 0) return outcomes;
	return outcomes.map((outcome) =>
		'failure' in outcome && outcome.failure.overCap
			? {
					...outcome,
					failure: { ...outcome.failure, description: sentences(`${count(left, 'input was', 'inputs were')} left unsent`, outcome.failure.description) },
				}
			: outcome,
	);
}

/**
 * Takes out of `person_data` what the node asked for only for itself (the employer check's
 * domains, the contact pass's profile URL), so the user gets the fields they chose.
 */
export function withoutFieldsTheNodeAskedFor(outcomes: InputOutcome[], settings: EnrichSettings): InputOutcome[] {
	const paths = [...fieldsTheEmployerCheckNeeds(settings), ...(settings.contact ? fieldsTheContactPassNeeds(settings) : [])];
	if (paths.length === 0) return outcomes;
	return mapResults(outcomes, (result) =>
		isRecord(result.person_data)
			? { ...result, person_data: paths.reduce((data, path) => withoutPath(data, path, settings.fields), result.person_data) }
			: result,
	);
}

/** Simplify: a flat `person` beside each result's `person_data`, once the contact data is in. */
export function addSimplePerson(outcomes: InputOutcome[]): InputOutcome[] {
	return mapResults(outcomes, (result) => ({
		...result,
		person: isRecord(result.person_data) ? simplifyPerson(result.person_data) : null,
	}));
}

/** Every result of the outcomes that have results, changed by `change`; failures stay as they are. */
function mapResults(outcomes: InputOutcome[], change: (result: IDataObject) => IDataObject): InputOutcome[] {
	return outcomes.map((outcome) => ('results' in outcome ? { ...outcome, results: outcome.results.map(change) } : outcome));
}

export function toNodeError(node: INode, failure: ItemFailure, itemIndex: number) {
	const { message, description, httpCode } = failure;
	if (failure.source === 'input') {
		return new NodeOperationError(node, message, { itemIndex, description });
	}
	// The error response handed to NodeApiError is rebuilt from the failure alone, so nothing
	// from the request (headers, the API key) can reach the error shown to the user.
	return new NodeApiError(node, { message, description }, { message, description, httpCode, itemIndex });
}

/**
 * The item that replaces a failed input when the node continues on fail. n8n moves an item to
 * the error output only when its json is `{ error }` alone (it then merges in the input row),
 * and rewrites any item carrying `error` to `{ error }`, so `matched_on` can only travel on the
 * regular output.
 */
function errorItem(node: INode, message: string, identifier: string): IDataObject {
	return node.onError === 'continueErrorOutput' ? { error: message } : { error: message, matched_on: identifier };
}

/** The input row's fields under the node's own: an input column never overwrites a result key. */
const withInputFields = (json: IDataObject, input: IDataObject | undefined): IDataObject =>
	input ? { ...input, ...json } : json;

/**
 * When the node stops on errors, an input it cannot even send fails the run before any
 * request is made, so no credits are spent on a run that will not finish.
 */
export function throwOnRejectedInput(inputs: PlannedInput[], node: INode): void {
	const rejected = inputs.find((input) => input.failure);
	if (rejected?.failure) throw toNodeError(node, rejected.failure, rejected.itemIndex);
}

/**
 * When the node stops on errors, the first failure that is a cause (not a consequence of
 * stopping early) fails the node, its description followed by `notes` on it.
 */
export function throwOnFailedInput(
	outcomes: InputOutcome[],
	node: INode,
	notes: (failure: ItemFailure) => string[] = () => [],
): void {
	const failed = outcomes.filter((outcome) => 'failure' in outcome);
	const cause = failed.find((outcome) => !outcome.failure.consequence) ?? failed[0];
	if (!cause) return;
	const { failure } = cause;
	throw toNodeError(node, { ...failure, description: sentences(failure.description, ...notes(failure)) }, cause.itemIndex);
}

/** Output items in input order, a failed input as its error item. */
export function toOutputItems(
	outcomes: InputOutcome[],
	node: INode,
	inputFields: (itemIndex: number) => IDataObject | undefined = () => undefined,
): INodeExecutionData[] {
	return outcomes.flatMap((outcome) => {
		const pairedItem = { item: outcome.itemIndex };
		const input = inputFields(outcome.itemIndex);
		if ('failure' in outcome) {
			const { message } = toNodeError(node, outcome.failure, outcome.itemIndex);
			// The error output already merges the input row into `{ error }`.
			const json = errorItem(node, message, outcome.identifier);
			return [{ json: node.onError === 'continueErrorOutput' ? json : withInputFields(json, input), pairedItem }];
		}
		return outcome.results.map((json) => ({ json: withInputFields(json, input), pairedItem }));
	});
}

/**
 * Whether an answer will fail its input (no match under On No Match = Error), so a node that
 * stops on errors can stop sending. The same test as `resultsForEntry`, without building results.
 */
export function failsInput(entry: ApiEntry, settings: EnrichSettings): boolean {
	return settings.onNoMatch === 'error' && matchedPeople(entry, settings).length === 0;
}
