// Request planning: raw identifiers into normalised, deduplicated identifiers and the requests that carry them. Pure, no I/O.
import type { IDataObject } from 'n8n-workflow';

import { quoted } from '../quantities';
import type { EnrichSettings, IdentifierType, ItemFailure } from '../types';
import { profileRequestFields } from './requestFields';

export const MAX_BATCH_SIZE = 25;

export type Normalised = { identifier: string } | { failure: ItemFailure };

export interface PlannedInput {
	itemIndex: number;
	/** The identifier as sent to the API, or undefined when the input was rejected locally. */
	identifier?: string;
	failure?: ItemFailure;
}

export interface RequestPlan {
	inputs: PlannedInput[];
	/** Unique identifiers, in first-seen order, cut into requests. */
	batches: string[][];
}

const LINKEDIN_HOST = /^(?:(?:www|m|[a-z]{2})\.)?linkedin\.com$/;

/**
 * Characters that show as nothing but make a different lookup: zero-width spaces and joiners,
 * the byte order mark, soft hyphens and direction marks, as copied from web pages and sheets.
 */
const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/**
 * An input whose identifier could not even be read (its expression failed): it fails with the
 * expression's error, and the other inputs go ahead.
 */
export class UnreadableIdentifier {
	constructor(readonly failure: ItemFailure) {}
}

function inputFailure(message: string, description: string): { failure: ItemFailure } {
	return { failure: { source: 'input', message, description } };
}

function readText(raw: unknown, what: string, parameter: string): string | { failure: ItemFailure } {
	if (raw instanceof UnreadableIdentifier) return { failure: raw.failure };
	if (typeof raw !== 'string') {
		if (raw === undefined || raw === null) {
			return inputFailure(`The ${what} is empty`, `Set ${parameter} to a value, e.g. an expression that reads it from the input item`);
		}
		return inputFailure(
			`The ${what} must be text, not ${Array.isArray(raw) ? 'a list' : typeof raw}`,
			`Set ${parameter} to a single value per item`,
		);
	}
	const text = raw.replace(INVISIBLE, '').trim();
	if (!text) {
		return inputFailure(`The ${what} is empty`, `Set ${parameter} to a value, e.g. an expression that reads it from the input item`);
	}
	return text;
}

/**
 * `https://www.linkedin.com/in/<slug>`, whatever the scheme, subdomain, letter case, trailing
 * slash, query string or fragment of the input: Crustdata refuses the whole request when a
 * single URL carries a query string, and the canonical form lets duplicates collapse. LinkedIn
 * treats slugs case-insensitively, so `Ada-Lovelace` and `ada-lovelace` are one lookup.
 */
export function normaliseProfileUrl(raw: unknown): Normalised {
	const text = readText(raw, 'profile URL', 'Profile URL');
	if (typeof text !== 'string') return text;

	const notAProfile = inputFailure(
		`${quoted(text)} is not a LinkedIn profile URL`,
		'Use a URL of the form https://www.linkedin.com/in/<name>',
	);
	let url: URL;
	try {
		url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
	} catch {
		return notAProfile;
	}
	if (!['http:', 'https:'].includes(url.protocol) || !LINKEDIN_HOST.test(url.hostname)) {
		return notAProfile;
	}
	const [section, slug] = url.pathname.split('/').filter(Boolean);
	if (section?.toLowerCase() !== 'in' || !slug) {
		return notAProfile;
	}
	const canonical = canonicalSlug(slug);
	if (canonical === undefined) {
		return inputFailure(
			`${quoted(text)} is not a LinkedIn profile URL: it has a malformed % escape`,
			'Copy the profile URL again from LinkedIn',
		);
	}
	return { identifier: `https://www.linkedin.com/in/${canonical}` };
}

/** Lowercase, with non-ASCII letters percent-encoded in the canonical (uppercase hex) form; undefined for a malformed escape. */
function canonicalSlug(slug: string): string | undefined {
	try {
		return encodeURIComponent(decodeURIComponent(slug).toLowerCase());
	} catch {
		return undefined;
	}
}

const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;

export function normaliseBusinessEmail(raw: unknown): Normalised {
	const text = readText(raw, 'business email', 'Business Email');
	if (typeof text !== 'string') return text;

	const notAnEmail = inputFailure(`${quoted(text)} is not an email address`, 'Use an address of the form name@company.com');
	if (!EMAIL.test(text)) return notAnEmail;
	const at = text.lastIndexOf('@');
	// A domain in Unicode and in punycode is one mailbox, so one lookup.
	const domain = asciiHost(text.slice(at + 1));
	const email = `${text.slice(0, at)}@${domain}`.toLowerCase();
	return domain && EMAIL.test(email) ? { identifier: email } : notAnEmail;
}

export function normaliserFor(identifierType: IdentifierType): (raw: unknown) => Normalised {
	return identifierType === 'businessEmail' ? normaliseBusinessEmail : normaliseProfileUrl;
}

export function chunk<T>(values: T[], size: number): T[][] {
	const chunks: T[][] = [];
	for (let start = 0; start < values.length; start += size) {
		chunks.push(values.slice(start, start + size));
	}
	return chunks;
}

/** Identifiers per request: Batch Size, within what Crustdata takes, whatever an expression gave. */
export const requestSize = (batchSize: number) => Math.min(Math.max(1, Math.floor(batchSize) || 1), MAX_BATCH_SIZE);

/** How many identifiers the batches carry: the run's unique lookups. */
export const identifierCount = (batches: string[][]) => batches.reduce((total, batch) => total + batch.length, 0);

/** Normalises every input's identifier: each unique one is looked up once, in first-seen order. */
export function planLookups(rawIdentifiers: unknown[], identifierType: IdentifierType): { inputs: PlannedInput[]; unique: string[] } {
	const normalise = normaliserFor(identifierType);
	const unique = new Set<string>();
	const inputs = rawIdentifiers.map((raw, itemIndex): PlannedInput => {
		const normalised = normalise(raw);
		if ('failure' in normalised) return { itemIndex, failure: normalised.failure };
		unique.add(normalised.identifier);
		return { itemIndex, identifier: normalised.identifier };
	});
	return { inputs, unique: [...unique] };
}

/** The run's lookups, cut into requests of Batch Size. */
export function planRequests(rawIdentifiers: unknown[], identifierType: IdentifierType, batchSize: number): RequestPlan {
	const { inputs, unique } = planLookups(rawIdentifiers, identifierType);
	return { inputs, batches: chunk(unique, requestSize(batchSize)) };
}

export const IDENTIFIER_FIELD: Record<IdentifierType, string> = {
	profileUrl: 'professional_network_profile_urls',
	businessEmail: 'business_emails',
};

export const MATCH_TYPE: Record<IdentifierType, string> = {
	profileUrl: 'professional_network_profile_url',
	businessEmail: 'business_email',
};

/** The JSON body of one enrich request. `fields` is always explicit: its default is documented two ways. */
export function buildRequestBody(identifiers: string[], settings: EnrichSettings, fields = profileRequestFields(settings)): IDataObject {
	const body: IDataObject = {
		[IDENTIFIER_FIELD[settings.identifierType]]: identifiers,
		fields,
	};
	if (settings.identifierType === 'businessEmail' && settings.minSimilarityScore > 0) {
		body.min_similarity_score = settings.minSimilarityScore;
	}
	if (settings.preview) body.preview = true;
	return body;
}

/**
 * A host name in ASCII (a Unicode domain as its punycode), lower case; undefined when it is not a
 * host name. The global `URL` does the conversion, as a verified node may not import `url`.
 */
export function asciiHost(host: string): string | undefined {
	if (/[/?#@:\\\s]/.test(host)) return undefined;
	try {
		return new URL(`http://${host}`).hostname || undefined;
	} catch {
		return undefined;
	}
}
