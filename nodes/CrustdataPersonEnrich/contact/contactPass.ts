// The contact pass: contact data from `POST /person/contact/enrich` for the profiles the profile pass matched.
import type { IDataObject } from 'n8n-workflow';

import { withoutPath } from '../planning/fieldPaths';
import { tierPaths } from '../planning/requestFields';
import { normaliseProfileUrl } from '../planning/requestPlanning';
import type { InputOutcome } from '../results/resultMapping';
import { classifyAnswer, type AnswerContext, type Classified, type HttpAnswer } from '../transport/answerPolicy';
import { BatchFeed } from '../transport/batchFeed';
import type { EndpointPass } from '../transport/sendLoop';
import {
	CONTACT_SECTION,
	isRecord,
	type ApiEntry,
	type ApiMatch,
	type ContactSettings,
	type EnrichSettings,
	type IdentifierType,
	type ItemFailure,
	type RateLimit,
} from '../types';
import { CONTACT_ENRICH_PATH } from '../vocabulary';

/**
 * Asked for while the profile pass still runs, each profile once, and merged into the match
 * items' `person_data.contact`. Pure apart from the feed it fills.
 */

const MATCH_TYPE = 'professional_network_profile_url';

const BUSINESS_EMAILS_MESSAGE = 'business_emails_message';

export type ContactRunSettings = EnrichSettings & { contact: ContactSettings };

export const NO_CONTACT_DATA: ItemFailure = {
	source: 'api',
	message: 'Your Crustdata plan has no contact data',
	description: `Remove Contact from Fields, or ask Crustdata to enable contact data (${CONTACT_ENRICH_PATH}) for your account`,
};

/** The profile URL the contact endpoint is asked about for one match, when the match gives one. */
export function contactKey(identifier: string, personData: IDataObject | null | undefined, identifierType: IdentifierType): string | undefined {
	if (identifierType === 'profileUrl') return identifier;
	const handles = isRecord(personData?.social_handles) ? personData.social_handles : undefined;
	const network = isRecord(handles?.professional_network_identifier) ? handles.professional_network_identifier : undefined;
	const normalised = normaliseProfileUrl(network?.profile_url);
	return 'identifier' in normalised ? normalised.identifier : undefined;
}

/**
 * Whether a match came with contact data for the tiers: a section holding at least one of them.
 * A tier missing beside others is read as none found, not as contact data left out.
 */
export function hasContact(personData: IDataObject | null | undefined, contact: ContactSettings): boolean {
	const section = personData?.[CONTACT_SECTION];
	return isRecord(section) && contact.tiers.some((tier) => tier in section);
}

/**
 * The identifiers of the contact pass: each matched profile once, in batches as full as the
 * batch size allows, fed to the pass as soon as a batch is full.
 */
export class ContactBatches {
	readonly feed = new BatchFeed();

	/** Every profile URL the pass was given, each once. */
	readonly asked = new Set<string>();

	private pending: string[] = [];

	constructor(private readonly batchSize: number) {}

	/** Adds a profile to ask about; false when it was already added. */
	add(profileUrl: string): boolean {
		if (this.asked.has(profileUrl)) return false;
		this.asked.add(profileUrl);
		this.pending.push(profileUrl);
		if (this.pending.length >= this.batchSize) this.flush();
		return true;
	}

	/** The profile pass is over: the last batch goes out however full it is. */
	close(): void {
		this.flush();
		this.feed.close();
	}

	private flush(): void {
		if (this.pending.length > 0) this.feed.push(this.pending);
		this.pending = [];
	}
}

/** The answer policy, with the contact endpoint's 403: its plan-gate is the endpoint, not a field. */
export function classifyContactAnswer(answer: HttpAnswer, profileUrls: string[], context?: AnswerContext): Classified {
	const classified = classifyAnswer(answer, profileUrls, MATCH_TYPE, context);
	const outOfCredits = classified.kind === 'stop' && classified.failure.endsRun;
	return answer.statusCode === 403 && !outOfCredits ? { kind: 'stop', failure: { ...NO_CONTACT_DATA, httpCode: '403' } } : classified;
}

/** The contact endpoint's pass: exactly the chosen tiers (no `fields` would ask for every one, the dearest request). */
export function contactEndpointPass(batches: BatchFeed, contact: ContactSettings, rateLimit: RateLimit): EndpointPass {
	return {
		path: CONTACT_ENRICH_PATH,
		body: (profileUrls) => ({
			professional_network_profile_urls: profileUrls,
			fields: tierPaths(contact.tiers),
			...(contact.verified ? { verified: true } : {}),
		}),
		batches,
		rateLimit,
		matchType: MATCH_TYPE,
	};
}

/** Every chosen tier as a list (empty when none was found), with Crustdata's note on emails kept. */
export function contactWithEveryTier(contact: unknown, settings: ContactSettings): IDataObject {
	const found = isRecord(contact) ? contact : {};
	const tiers = Object.fromEntries(
		settings.tiers.map((tier) => [tier, Array.isArray(found[tier]) ? found[tier] : []]),
	) as IDataObject;
	return typeof found[BUSINESS_EMAILS_MESSAGE] === 'string'
		? { ...tiers, [BUSINESS_EMAILS_MESSAGE]: found[BUSINESS_EMAILS_MESSAGE] }
		: tiers;
}

/** The contact data of a profile's best match on the contact endpoint; none when it matched no one. */
function contactOf(entry: ApiEntry | undefined): unknown {
	const best = (entry?.matches ?? []).reduce<ApiMatch | undefined>(
		(top, match) => (!top || (match.confidence_score ?? 0) > (top.confidence_score ?? 0) ? match : top),
		undefined,
	);
	return best?.person_data?.[CONTACT_SECTION];
}

const NO_PROFILE_URL: ItemFailure = {
	source: 'api',
	message: 'Crustdata gave no profile URL for this match, so its contact data could not be asked for',
	description: 'Look the person up by profile URL instead',
};

/** A contact request's failure, for an input whose profile was found (and billed): never one the cap left unsent. */
export function contactFailure(failure: ItemFailure): ItemFailure {
	return { ...failure, message: `Could not get contact data: ${failure.message}`, overCap: undefined };
}

/** What the contact endpoint answered for the profiles it was asked about. */
export interface ContactAnswers {
	asked: ReadonlySet<string>;
	answers: Map<string, ApiEntry>;
	failures: Map<string, ItemFailure>;
}

/** One match's contact data, or why it has none: from the profile, the contact endpoint, or nowhere. */
function contactFor(
	identifier: string,
	personData: IDataObject,
	settings: ContactRunSettings,
	fromEndpoint: ContactAnswers | undefined,
): { contact: unknown } | { failure: ItemFailure } {
	if (hasContact(personData, settings.contact) || !fromEndpoint) return { contact: personData[CONTACT_SECTION] };
	const key = contactKey(identifier, personData, settings.identifierType);
	if (key === undefined) return { failure: NO_PROFILE_URL };
	const failure = fromEndpoint.failures.get(key);
	if (failure) return { failure };
	return { contact: fromEndpoint.asked.has(key) ? contactOf(fromEndpoint.answers.get(key)) : undefined };
}

/**
 * Puts contact data into every match item's `person_data.contact`, with every chosen tier. A
 * contact failure fails only the contact part (`contact_error`, and no `contact`), or the input
 * when the node stops on errors. Without `fromEndpoint`, the profile endpoint served contact data.
 * The fields the node asked for itself are still there: the match's profile URL is read here.
 */
export function addContactData(
	outcomes: InputOutcome[],
	settings: ContactRunSettings,
	continueOnFail: boolean,
	fromEndpoint?: ContactAnswers,
): InputOutcome[] {
	return outcomes.map((outcome) => {
		if (!('results' in outcome)) return outcome;
		let failed: ItemFailure | undefined;
		const results = outcome.results.map((result) => {
			if (!isRecord(result.person_data)) return result;
			const personData = result.person_data;
			const found = contactFor(outcome.identifier, personData, settings, fromEndpoint);
			if ('contact' in found) {
				return { ...result, person_data: { ...personData, [CONTACT_SECTION]: contactWithEveryTier(found.contact, settings.contact) } };
			}
			const failure = contactFailure(found.failure);
			failed ??= failure;
			return { ...result, person_data: withoutPath(personData, CONTACT_SECTION), contact_error: failure.message };
		});
		if (failed && !continueOnFail) return { itemIndex: outcome.itemIndex, identifier: outcome.identifier, failure: failed };
		return { ...outcome, results };
	});
}
