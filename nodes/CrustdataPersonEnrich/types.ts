// Shapes of Crustdata's person enrichment API and of the node's settings.
import type { IDataObject } from 'n8n-workflow';

/** A JSON object, as opposed to null, a list or a scalar: the one check every reader of answers uses. */
export const isRecord = (value: unknown): value is IDataObject =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** A number from an answer, given as a number or as numeric text; undefined for anything else. */
export function numberFrom(value: unknown): number | undefined {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
}

export type Operation = 'enrich' | 'enrichLive' | 'enrichBatch' | 'getBatchResults';

/** The operations that look up the input items' identifiers; Get Batch Results reads a finished job instead. */
export type EnrichOperation = Exclude<Operation, 'getBatchResults'>;

export type IdentifierType = 'profileUrl' | 'businessEmail';

export type MatchStatus = 'matched' | 'not_found' | 'redacted';

export type OnNoMatch = 'emitItem' | 'skip' | 'error';

export type ReturnMatches = 'all' | 'best';

export const CONTACT_SECTION = 'contact';

/** The parts of `person_data.contact`, each asked for and billed on its own. */
export const CONTACT_TIERS = ['business_emails', 'personal_emails', 'phone_numbers', 'websites'] as const;

export type ContactTier = (typeof CONTACT_TIERS)[number];

export interface ContactSettings {
	/** The tiers to return, each present in every match's `person_data.contact`. */
	tiers: ContactTier[];
	/** `verified: true`: business emails re-checked for deliverability (contact endpoint only). */
	verified: boolean;
}

export interface ApiMatch {
	confidence_score?: number | null;
	person_data?: IDataObject | null;
}

/** One element of the top-level array the enrich endpoints answer with. */
export interface ApiEntry {
	matched_on: string;
	match_type?: string;
	match_status?: string;
	matches?: ApiMatch[];
}

export interface PacingSettings {
	/** 0: the account's own limit. */
	maxRequestsPerMinute: number;
	/** 0: as many as the limit and the answer times need. */
	concurrency: number;
	maxRetries: number;
	timeoutMs: number;
	/**
	 * A time on the run's clock no wait may end after (set for an agent's tool call): a request
	 * the rate limit would hold longer fails at once with when to retry, and a retry that would
	 * back off past it is not made.
	 */
	waitDeadline?: number;
	/** A time on the run's clock after which no request starts (set for an agent's tool call). */
	sendDeadline?: number;
}

/** The limit a run is paced at, and where it came from (shown in the run summary). */
export interface RateLimit {
	requestsPerMinute: number;
	source: string;
}

export interface EnrichSettings {
	operation: EnrichOperation;
	identifierType: IdentifierType;
	/** The profile's `fields`: the chosen sections, then the extra dot-paths, without contact data. */
	fields: string[];
	/** Set when Contact is chosen: which contact data to get, from whichever endpoint serves it. */
	contact?: ContactSettings;
	/** 0 means the threshold is not sent. */
	minSimilarityScore: number;
	preview: boolean;
	onNoMatch: OnNoMatch;
	returnMatches: ReturnMatches;
	/** Email lookups: keep only candidates whose current employer's domain is the email's. */
	requireEmployerDomainMatch: boolean;
	/** Set when the account may not read the employers' domains: the employer check has none to read. */
	employerDomainsDenied?: boolean;
	/** Add a flat `person` beside `person_data`. */
	simplify: boolean;
	/** Tool calls: answer with the full `person_data` beside the flat person. */
	includePersonData: boolean;
	/** Keep the input item's fields in every output item. */
	includeInputFields: boolean;
	batchSize: number;
	pacing: PacingSettings;
	/** 0: no cap; N: the run never spends more than N credits. */
	maxCredits: number;
	/** Send nothing billable: report what the run would send and cost. */
	dryRun: boolean;
	/** Enrich in Batch Jobs: how long the run waits for job slots and results, in all. */
	maxWaitMs: number;
}

/** Why an input produced no result: shown to the user as that item's error. */
export interface ItemFailure {
	/** `input` for what the node rejects before sending, `api` for what Crustdata answered. */
	source: 'input' | 'api';
	message: string;
	description: string;
	httpCode?: string;
	/** Set on failures that only follow from an earlier one; the node never reports these first. */
	consequence?: boolean;
	/** Set on failures that end every request of the run, whichever endpoint (a bad key, no credits). */
	endsRun?: boolean;
	/** Set on inputs left unsent because the credit cap could not afford them. */
	overCap?: boolean;
	/** Set when Crustdata said the account is out of credits, so a stopped run's error can say what the run could have cost. */
	outOfCredits?: boolean;
}

/**
 * `profile`: in the profile request, as dot-paths. `contactEndpoint`: from the contact endpoint,
 * for the matched profiles. `untold`: the listing could not say, so the profile endpoint is tried.
 */
export type ContactSource = 'profile' | 'contactEndpoint' | 'untold';
