import type { IDataObject } from 'n8n-workflow';

import { classifyAnswer, type Classified, type HttpAnswer } from './answerPolicy';
import { normaliseProfileUrl } from './requestPlanning';
import type { InputOutcome } from './resultMapping';
import { BatchFeed, type EndpointPass } from './sendLoop';
import {
	isRecord,
	type ApiEntry,
	type ApiMatch,
	type ContactSettings,
	type ContactTier,
	type IdentifierType,
	type ItemFailure,
	type RateLimit,
} from './types';

/**
 * The contact pass: contact data from `POST /person/contact/enrich` for the profiles the
 * profile pass matched, asked for while that pass still runs, each profile once, and merged
 * into the match items' `person_data.contact`. Pure apart from the feed it fills.
 */

export const CONTACT_ENRICH_PATH = '/person/contact/enrich';

export const CONTACT_SECTION = 'contact';

export const tierPaths = (tiers: ContactTier[]) => tiers.map((tier) => `${CONTACT_SECTION}.${tier}`);

/** Where a matched person's canonical profile URL is, for lookups that did not start from one. */
export const PROFILE_URL_PATH = 'social_handles.professional_network_identifier.profile_url';

const MATCH_TYPE = 'professional_network_profile_url';

const BUSINESS_EMAILS_MESSAGE = 'business_emails_message';

/** The profile URL the contact endpoint is asked about for one match, when the match gives one. */
export function contactKey(identifier: string, personData: IDataObject | null | undefined, identifierType: IdentifierType): string | undefined {
	if (identifierType === 'profileUrl') return identifier;
	const handles = isRecord(personData?.social_handles) ? personData.social_handles : undefined;
	const network = isRecord(handles?.professional_network_identifier) ? handles.professional_network_identifier : undefined;
	const normalised = normaliseProfileUrl(network?.profile_url);
	return 'identifier' in normalised ? normalised.identifier : undefined;
}

export const hasContact = (personData: IDataObject | null | undefined) => isRecord(personData?.[CONTACT_SECTION]);

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

	add(profileUrl: string): void {
		if (this.asked.has(profileUrl)) return;
		this.asked.add(profileUrl);
		this.pending.push(profileUrl);
		if (this.pending.length >= this.batchSize) this.flush();
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

const CONTACT_ENDPOINT_DENIED: ItemFailure = {
	source: 'api',
	message: `Your Crustdata plan does not include contact data (${CONTACT_ENRICH_PATH})`,
	description: 'Remove Contact from Fields, or ask Crustdata to enable contact data for your account',
	httpCode: '403',
};

/** The answer policy, with the contact endpoint's 403: its plan-gate is the endpoint, not a field. */
export function classifyContactAnswer(answer: HttpAnswer, profileUrls: string[]): Classified {
	const classified = classifyAnswer(answer, profileUrls, MATCH_TYPE);
	const outOfCredits = classified.kind === 'stop' && classified.failure.endsRun;
	return answer.statusCode === 403 && !outOfCredits ? { kind: 'stop', failure: CONTACT_ENDPOINT_DENIED } : classified;
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

export function contactFailure(failure: ItemFailure): ItemFailure {
	return { ...failure, message: `Could not get contact data: ${failure.message}` };
}

/** What the contact endpoint answered for the profiles it was asked about. */
export interface ContactAnswers {
	asked: ReadonlySet<string>;
	answers: Map<string, ApiEntry>;
	failures: Map<string, ItemFailure>;
}

/**
 * Puts contact data into every match item's `person_data.contact`, with every chosen tier. A
 * contact failure fails only the contact part (`contact_error`, and no `contact`), or the input
 * when the node stops on errors. Without `fromEndpoint`, the profile endpoint served contact data.
 */
export function addContactData(
	outcomes: InputOutcome[],
	contact: ContactSettings,
	identifierType: IdentifierType,
	continueOnFail: boolean,
	fromEndpoint?: ContactAnswers,
): InputOutcome[] {
	return outcomes.map((outcome) => {
		if (!('results' in outcome)) return outcome;
		let failed: ItemFailure | undefined;
		const results = outcome.results.map((result) => {
			const personData = isRecord(result.person_data) ? result.person_data : undefined;
			if (!personData) return result;
			const withContact = (found: unknown) => ({
				...result,
				person_data: { ...personData, [CONTACT_SECTION]: contactWithEveryTier(found, contact) },
			});
			if (hasContact(personData) || !fromEndpoint) return withContact(personData[CONTACT_SECTION]);
			const key = contactKey(outcome.identifier, personData, identifierType);
			const failure = key === undefined ? NO_PROFILE_URL : fromEndpoint.failures.get(key);
			if (!failure) return withContact(fromEndpoint.asked.has(key as string) ? contactOf(fromEndpoint.answers.get(key as string)) : undefined);
			failed ??= contactFailure(failure);
			return { ...result, contact_error: contactFailure(failure).message };
		});
		if (failed && !continueOnFail) return { itemIndex: outcome.itemIndex, identifier: outcome.identifier, failure: failed };
		return { ...outcome, results };
	});
}
