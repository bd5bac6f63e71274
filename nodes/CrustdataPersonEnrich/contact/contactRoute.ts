// Contact routing: where the run gets contact data, with the profile or from the contact endpoint, and the move from one to the other.
import type { IDataObject, NodeExecutionHint } from 'n8n-workflow';

import { resolveRateLimit, unreadableHint, type AccountReading } from '../account/accountLimits';
import { deniedFields, listsField, within } from '../planning/fieldPaths';
import { fieldsTheContactPassNeeds, tierPaths, profileRequestFields } from '../planning/requestFields';
import { buildRequestBody, normaliserFor } from '../planning/requestPlanning';
import { answerKey, matchedPeople } from '../results/resultMapping';
import {
	classifyAnswer,
	errorMessage,
	errorMetadata,
	type AnswerContext,
	type Classified,
	type HttpAnswer,
} from '../transport/answerPolicy';
import {
	CONTACT_SECTION,
	type ApiEntry,
	type ContactSettings,
	type ContactSource,
	type ItemFailure,
	type RateLimit,
} from '../types';
import { CONTACT_ENRICH_PATH } from '../vocabulary';
import { contactKey, hasContact, NO_CONTACT_DATA, type ContactBatches, type ContactRunSettings } from './contactPass';

/**
 * Older accounts get contact data with the profile, from the profile endpoint's `contact`
 * section; newer ones only from `POST /person/contact/enrich`. The account listing says which
 * before anything is spent; when it cannot, the profile endpoint is asked first and the run moves
 * to the contact endpoint the moment that refuses or drops contact data.
 */

export interface ContactVerdict {
	source: ContactSource;
	/** The contact endpoint's limit, for when the run uses it. */
	rateLimit: RateLimit;
	/** With `untold`: whether the run may move to the contact endpoint (its listing did not say it is off). */
	mayMove: boolean;
	/** Set when the account has no contact data anywhere: every input fails with it before sending. */
	refusal?: ItemFailure;
	hint?: NodeExecutionHint;
}

const NOT_VERIFIED: NodeExecutionHint = {
	message: `Business emails were not re-checked for deliverability: only ${CONTACT_ENRICH_PATH} does that, and the account's listing does not show it for this account`,
	type: 'warning',
	location: 'outputPane',
};

function tiersDenied(paths: string[]): ItemFailure {
	const [what, them] = paths.length === 1 ? ['contact data', 'it'] : ['contact data', 'them'];
	return {
		source: 'api',
		message: `Your Crustdata plan does not include the ${what} ${paths.map((path) => `'${path}'`).join(', ')}`,
		description: `Remove ${them} from Contact Fields, or ask Crustdata to enable ${them} for your account`,
	};
}

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
	const endpointAccess = 'access' in contactEndpoint ? contactEndpoint.access : undefined;
	const rateLimit = resolveRateLimit(maxRequestsPerMinute, endpointAccess);
	// The profile endpoint's listing names every field it serves; the contact endpoint serves only tiers.
	const withProfile = serves(profileEndpoint, paths, true);
	const fromEndpoint = serves(contactEndpoint, paths, false);
	const verdict = { rateLimit, mayMove: fromEndpoint !== false };
	if (withProfile && !(contact.verified && fromEndpoint)) {
		return { ...verdict, source: 'profile', hint: contact.verified ? NOT_VERIFIED : undefined };
	}
	if (fromEndpoint) return { ...verdict, source: 'contactEndpoint' };
	if (withProfile === false && fromEndpoint === false) {
		const denied = endpointAccess?.enabled ? deniedFields(paths, endpointAccess.disabledFields) : [];
		return { ...verdict, source: 'contactEndpoint', refusal: denied.length > 0 ? tiersDenied(denied) : NO_CONTACT_DATA };
	}
	const hint =
		'unreadable' in contactEndpoint ? unreadableHint(contactEndpoint.unreadable, CONTACT_ENRICH_PATH, rateLimit) : undefined;
	return { ...verdict, source: withProfile === false ? 'contactEndpoint' : 'untold', hint };
}

/** `contact` or a path inside it, as a field name in a message, not inside an address or a URL path. */
const CONTACT_FIELD = new RegExp(`(?<![\\w./@-])${CONTACT_SECTION}(?:\\.[a-z_]+)*(?![\\w@/-])`);

/**
 * Whether the profile endpoint refused a request for having contact data in it: a 400 about
 * fields whose available fields lack `contact`, or a 403 that names it.
 */
export function refusesContact(answer: HttpAnswer): boolean {
	const message = errorMessage(answer.body);
	if (answer.statusCode === 403) return CONTACT_FIELD.test(message);
	if (answer.statusCode !== 400) return false;
	const available = errorMetadata(answer.body).available_fields;
	if (Array.isArray(available)) {
		return !available.some((field) => typeof field === 'string' && within(field, CONTACT_SECTION));
	}
	return /\bfields?\b/i.test(message) && CONTACT_FIELD.test(message);
}

/** Whether an answer that asked for contact data came back without it for every match. */
export function dropsContact(entries: ApiEntry[], contact: ContactSettings): boolean {
	const matches = entries.flatMap((entry) => entry.matches ?? []);
	return matches.length > 0 && matches.every((match) => !hasContact(match.person_data, contact));
}

/**
 * The profile pass's requests as contact data is routed: with the tiers while the profile
 * endpoint serves them (or may), without them once contact data comes from the contact
 * endpoint, and the matched profiles handed to the contact pass as their answers arrive.
 */
export class ContactRouting {
	source: ContactSource;

	/** Why the run moved to the contact endpoint mid-run, for the summary. */
	movedBecause?: 'refused' | 'dropped';

	/** The identifier lists whose request carried the tiers: only a refusal of those moves the run. */
	private readonly carriedTiers = new WeakSet<string[]>();

	constructor(
		private readonly verdict: ContactVerdict,
		private readonly settings: ContactRunSettings,
		private readonly contactBatches: ContactBatches,
	) {
		this.source = verdict.source;
	}

	/** Whether contact data comes, or came during the run, from the contact endpoint. */
	get usesContactEndpoint(): boolean {
		return this.source === 'contactEndpoint';
	}

	body(identifiers: string[]): IDataObject {
		const { settings, source } = this;
		const withTiers = source !== 'contactEndpoint';
		if (withTiers) this.carriedTiers.add(identifiers);
		else this.carriedTiers.delete(identifiers);
		const fields = [
			...profileRequestFields(settings),
			...(withTiers ? tierPaths(settings.contact.tiers) : []),
			...(source === 'profile' ? [] : fieldsTheContactPassNeeds(settings, withTiers)),
		];
		return buildRequestBody(identifiers, settings, fields);
	}

	classify(answer: HttpAnswer, identifiers: string[], matchType: string, context?: AnswerContext): Classified {
		const classified = classifyAnswer(answer, identifiers, matchType, context);
		if (!this.carriedTiers.has(identifiers)) return classified;
		const refused = classified.kind === 'stop' && !classified.failure.endsRun && refusesContact(answer);
		if (refused && this.source === 'untold') {
			if (!this.verdict.mayMove) return { kind: 'stop', failure: NO_CONTACT_DATA };
			this.move('refused');
		}
		// Sent with the tiers before the move: the same profiles go again without them.
		if (refused && this.source === 'contactEndpoint') return { kind: 'resend' };
		if (
			this.source === 'untold' &&
			this.verdict.mayMove &&
			classified.kind === 'answered' &&
			dropsContact(classified.entries, this.settings.contact)
		) {
			this.move('dropped');
		}
		return classified;
	}

	/** Hands the matched profiles without contact data to the contact pass; returns how many it handed on. */
	onAnswered(entries: ApiEntry[]): number {
		if (this.source !== 'contactEndpoint') return 0;
		const { settings } = this;
		const normalise = normaliserFor(settings.identifierType);
		let handedOn = 0;
		for (const entry of entries) {
			const identifier = answerKey(entry, normalise);
			for (const match of matchedPeople(entry, settings)) {
				if (hasContact(match.person_data, settings.contact)) continue;
				const key = contactKey(identifier, match.person_data, settings.identifierType);
				if (key !== undefined && this.contactBatches.add(key)) handedOn += 1;
			}
		}
		return handedOn;
	}

	private move(why: 'refused' | 'dropped'): void {
		this.source = 'contactEndpoint';
		this.movedBecause = why;
	}
}
