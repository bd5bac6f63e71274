import type { IDataObject, NodeExecutionHint } from 'n8n-workflow';

import { deniedFields, listsField, resolveRateLimit, unreadableHint, type AccountReading } from './accountLimits';
import { classifyAnswer, errorMessage, errorMetadata, type Classified, type HttpAnswer } from './answerPolicy';
import { CONTACT_ENRICH_PATH, CONTACT_SECTION, contactKey, hasContact, PROFILE_URL_PATH, tierPaths, type ContactBatches } from './contactPass';
import { buildRequestBody, normaliserFor } from './requestPlanning';
import { selectMatches } from './resultMapping';
import type { ApiEntry, ContactSettings, EnrichSettings, ItemFailure, RateLimit } from './types';

/**
 * Where the run gets contact data. Older accounts get it with the profile, from the profile
 * endpoint's `contact` section; newer ones only from `POST /person/contact/enrich`. The account
 * listing says which before anything is spent; when it cannot, the profile endpoint is asked
 * first and the run moves to the contact endpoint the moment that refuses or drops contact data.
 */

/**
 * `profile`: in the profile request, as dot-paths. `contactEndpoint`: from the contact endpoint,
 * for the matched profiles. `untold`: the listing could not say, so the profile endpoint is tried.
 */
export type ContactSource = 'profile' | 'contactEndpoint' | 'untold';

export interface ContactVerdict {
	source: ContactSource;
	/** The contact endpoint's limit, for when the run uses it. */
	rateLimit: RateLimit;
	/** Set when the account has no contact data anywhere: every input fails with it before sending. */
	refusal?: ItemFailure;
	hint?: NodeExecutionHint;
}

const NO_CONTACT_DATA: ItemFailure = {
	source: 'api',
	message: 'Your Crustdata plan has no contact data',
	description: `Remove Contact from Fields, or ask Crustdata to enable contact data (${CONTACT_ENRICH_PATH}) for your account`,
};

const NOT_VERIFIED: NodeExecutionHint = {
	message: `Business emails were not re-checked for deliverability: only ${CONTACT_ENRICH_PATH} does that, and this account does not have it`,
	type: 'warning',
	location: 'outputPane',
};

/** Whether an endpoint's listing gives the tiers: true, false, or undefined when it does not say. */
function serves(reading: AccountReading, paths: string[], needsEnabledList: boolean): boolean | undefined {
	if (!('access' in reading)) return undefined;
	const { access } = reading;
	if (!access.enabled || deniedFields(paths, access.disabledFields).length > 0) return false;
	if (!needsEnabledList) return true;
	return access.enabledFields && paths.every((path) => listsField(access.enabledFields ?? [], path));
}

/**
 * Decides, from the listings of the profile endpoint and of the contact endpoint, where the run
 * asks for contact data. The contact endpoint is the only one that verifies emails, so Verified
 * Emails Only prefers it where the account has both.
 */
export function judgeContact(
	contact: ContactSettings,
	profileEndpoint: AccountReading,
	contactEndpoint: AccountReading,
	maxRequestsPerMinute: number,
): ContactVerdict {
	const paths = tierPaths(contact.tiers);
	const rateLimit = resolveRateLimit(
		maxRequestsPerMinute,
		'access' in contactEndpoint ? contactEndpoint.access : undefined,
	);
	// The profile endpoint's listing names every field it serves; the contact endpoint serves only tiers.
	const withProfile = serves(profileEndpoint, paths, true);
	const fromEndpoint = serves(contactEndpoint, paths, false);
	if (withProfile && !(contact.verified && fromEndpoint)) {
		return { source: 'profile', rateLimit, hint: contact.verified && fromEndpoint === false ? NOT_VERIFIED : undefined };
	}
	if (fromEndpoint) return { source: 'contactEndpoint', rateLimit };
	if (withProfile === false && fromEndpoint === false) return { source: 'contactEndpoint', rateLimit, refusal: NO_CONTACT_DATA };
	const hint =
		'unreadable' in contactEndpoint ? unreadableHint(contactEndpoint.unreadable, CONTACT_ENRICH_PATH, rateLimit) : undefined;
	return { source: withProfile === false ? 'contactEndpoint' : 'untold', rateLimit, hint };
}

const namesContact = (text: string) => new RegExp(`\\b${CONTACT_SECTION}\\b`).test(text);

/**
 * Whether the profile endpoint refused a request for having contact data in it: a 400 whose
 * available fields lack `contact`, or a 403 that names it.
 */
export function refusesContact(answer: HttpAnswer): boolean {
	const message = errorMessage(answer.body);
	if (answer.statusCode === 403) return namesContact(message);
	if (answer.statusCode !== 400) return false;
	const available = errorMetadata(answer.body).available_fields;
	if (!Array.isArray(available)) return namesContact(message);
	return !available.some((field) => typeof field === 'string' && (field === CONTACT_SECTION || field.startsWith(`${CONTACT_SECTION}.`)));
}

/** Whether an answer that asked for contact data came back without it for every match. */
export function dropsContact(entries: ApiEntry[]): boolean {
	const matches = entries.flatMap((entry) => entry.matches ?? []);
	return matches.length > 0 && matches.every((match) => !match.person_data || !(CONTACT_SECTION in match.person_data));
}

/** A field the profile request needs that a lookup by profile URL alone would not ask for. */
function asksFor(fields: string[], path: string): boolean {
	return fields.some((field) => path === field || path.startsWith(`${field}.`));
}

/** Profile fields for when the request must carry something: the name, which the base price covers. */
const LEAST_PROFILE = 'basic_profile.name';

/**
 * The profile pass's requests as contact data is routed: with the tiers while the profile
 * endpoint serves them (or may), without them once contact data comes from the contact
 * endpoint, and the matched profiles handed to the contact pass as their answers arrive.
 */
export class ContactRouting {
	/** Why the run moved to the contact endpoint mid-run, for the summary. */
	movedBecause?: 'refused' | 'dropped';

	/** The identifier lists whose request carried the tiers: only a refusal of those moves the run. */
	private readonly carriedTiers = new WeakSet<string[]>();

	constructor(
		public source: ContactSource,
		private readonly settings: EnrichSettings & { contact: ContactSettings },
		private readonly contactBatches: ContactBatches,
	) {}

	/** Whether the run got, or may get, contact data from the contact endpoint. */
	get usesContactEndpoint(): boolean {
		return this.source === 'contactEndpoint';
	}

	body(identifiers: string[]): IDataObject {
		const { settings } = this;
		const withTiers = this.source !== 'contactEndpoint';
		if (withTiers) this.carriedTiers.add(identifiers);
		else this.carriedTiers.delete(identifiers);
		const fields = [...settings.fields, ...(withTiers ? tierPaths(settings.contact.tiers) : [])];
		if (settings.fields.length === 0 && !withTiers) fields.push(LEAST_PROFILE);
		// A lookup by email learns the profile URL the contact endpoint needs from the match itself.
		if (this.source !== 'profile' && settings.identifierType === 'businessEmail' && !asksFor(fields, PROFILE_URL_PATH)) {
			fields.push(PROFILE_URL_PATH);
		}
		return buildRequestBody(identifiers, settings, fields);
	}

	classify(answer: HttpAnswer, identifiers: string[], matchType: string): Classified {
		const carried = this.carriedTiers.has(identifiers);
		if (carried && this.source === 'untold' && refusesContact(answer)) this.move('refused');
		if (carried && this.source === 'contactEndpoint' && refusesContact(answer)) return { kind: 'resend' };
		const classified = classifyAnswer(answer, identifiers, matchType);
		if (carried && this.source === 'untold' && classified.kind === 'answered' && dropsContact(classified.entries)) {
			this.move('dropped');
		}
		return classified;
	}

	/** Hands the matched profiles without contact data to the contact pass. */
	onAnswered(entries: ApiEntry[]): void {
		if (this.source !== 'contactEndpoint') return;
		const normalise = normaliserFor(this.settings.identifierType);
		for (const entry of entries) {
			const normalised = normalise(entry.matched_on);
			const identifier = 'identifier' in normalised ? normalised.identifier : entry.matched_on;
			for (const match of selectMatches(entry.matches ?? [], this.settings)) {
				if (hasContact(match.person_data)) continue;
				const key = contactKey(identifier, match.person_data, this.settings.identifierType);
				if (key !== undefined) this.contactBatches.add(key);
			}
		}
	}

	private move(why: 'refused' | 'dropped'): void {
		this.source = 'contactEndpoint';
		this.movedBecause = why;
	}
}
