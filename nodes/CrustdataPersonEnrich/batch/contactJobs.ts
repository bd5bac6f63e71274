// Contact data in batch jobs: the matched profiles sent to `POST /batch/person/contact/enrich` as they arrive, and its records read back as contact sections.
import type { IDataObject } from 'n8n-workflow';

import { normaliseProfileUrl } from '../planning/requestPlanning';
import { MAX_JOB_IDENTIFIERS } from './jobPlanning';
import { CONTACT_SECTION, isRecord, type ApiEntry, type ContactTier } from '../types';

/** The most profile URLs Crustdata takes in one contact batch job. */
export const MAX_CONTACT_JOB_PROFILES = 300;

/** The tiers the contact batch endpoint serves, each under its own name there; it has no websites. */
const BATCH_CONTACT_FIELD: Partial<Record<ContactTier, string>> = {
	business_emails: 'business_email',
	personal_emails: 'personal_contact_info.personal_emails',
	phone_numbers: 'personal_contact_info.phone_numbers',
};

/** The chosen tiers that contact batch jobs can serve. */
export const batchContactTiers = (tiers: ContactTier[]) => tiers.filter((tier) => tier in BATCH_CONTACT_FIELD);

/** Fields in the contact batch endpoint's own names as the tiers' paths (`contact.business_emails`), so its listing reads as the others do. */
export function tierPathsOf(batchFields: string[]): string[] {
	return batchFields.flatMap((field) =>
		Object.entries(BATCH_CONTACT_FIELD)
			.filter(([, name]) => name === field || name?.startsWith(`${field}.`))
			.map(([tier]) => `${CONTACT_SECTION}.${tier}`),
	);
}

/** A contact job's submit body: the profile URLs, and exactly the chosen tiers in the endpoint's own field names. */
export function contactJobBody(profileUrls: string[], tiers: ContactTier[]): IDataObject {
	return {
		professional_network_profile_urls: profileUrls,
		fields: batchContactTiers(tiers).map((tier) => BATCH_CONTACT_FIELD[tier] as string),
	};
}

/** A record's contact data under the tier names the output uses: `business_email` becomes `business_emails`, and so on. */
function contactSection(data: IDataObject): IDataObject {
	const personal = isRecord(data.personal_contact_info) ? data.personal_contact_info : {};
	const found: IDataObject = {};
	if (Array.isArray(data.business_email)) found.business_emails = data.business_email;
	if (Array.isArray(personal.personal_emails)) found.personal_emails = personal.personal_emails;
	if (Array.isArray(personal.phone_numbers)) found.phone_numbers = personal.phone_numbers;
	return found;
}

/**
 * Records come as `{ original_identifier, internal_id, data }`, or (as one client saw them) as
 * the bare `data`, which names its profile in `professional_network_url`; both are read.
 */
function profileAndData(record: unknown): { profileUrl: unknown; data: IDataObject } | undefined {
	if (!isRecord(record)) return undefined;
	if (isRecord(record.data)) return { profileUrl: record.original_identifier, data: record.data };
	return { profileUrl: record.professional_network_url, data: record };
}

/**
 * One contact job's records, each as the entry the synchronous contact endpoint gives, keyed by
 * the profile URL it was sent. A profile without a record matched nobody there: no contact data.
 */
export class ContactRecords {
	private readonly entries = new Map<string, ApiEntry>();

	private readonly sent: ReadonlySet<string>;

	constructor(profileUrls: string[]) {
		this.sent = new Set(profileUrls);
	}

	/** Takes one record; a malformed one, or one for a profile this job was not sent, is left out. */
	add(record: unknown): void {
		const read = profileAndData(record);
		const normalised = normaliseProfileUrl(read?.profileUrl);
		if (!read || !('identifier' in normalised) || !this.sent.has(normalised.identifier)) return;
		this.entries.set(normalised.identifier, {
			matched_on: normalised.identifier,
			match_status: 'matched',
			matches: [{ confidence_score: 1, person_data: { [CONTACT_SECTION]: contactSection(read.data) } }],
		});
	}

	all(): ApiEntry[] {
		return [...this.entries.values()];
	}
}

/** A profile's entry from its contact job (if it had a record) with the websites the contact endpoint found for it added in. */
export function withWebsitesOf(fromJob: ApiEntry | undefined, fromEndpoint: ApiEntry): ApiEntry {
	const contactIn = (entry: ApiEntry | undefined) =>
		(entry?.matches ?? []).map((match) => match.person_data?.[CONTACT_SECTION]).find(isRecord) ?? {};
	const websites = contactIn(fromEndpoint).websites;
	return {
		matched_on: fromEndpoint.matched_on,
		match_status: 'matched',
		matches: [
			{ confidence_score: 1, person_data: { [CONTACT_SECTION]: { ...contactIn(fromJob), websites: Array.isArray(websites) ? websites : [] } } },
		],
	};
}

/**
 * How many contact jobs the people found by `lookups` profile lookups need at most: each profile
 * job's people go out in jobs of 300 as soon as its records are read, the last one less full.
 */
export function contactJobCount(lookups: number): number {
	const fullProfileJobs = Math.floor(lookups / MAX_JOB_IDENTIFIERS);
	const perFullJob = Math.ceil(MAX_JOB_IDENTIFIERS / MAX_CONTACT_JOB_PROFILES);
	return fullProfileJobs * perFullJob + Math.ceil((lookups % MAX_JOB_IDENTIFIERS) / MAX_CONTACT_JOB_PROFILES);
}

/**
 * The profiles to ask contact batch jobs about, each once: a job goes out as soon as 300 are
 * waiting or a profile job's records are all read, so contact jobs run while later profile jobs
 * still do.
 */
export class ContactJobQueue<Outcome> {
	/** Every profile URL handed on, each once. */
	readonly asked = new Set<string>();

	private pending: string[] = [];

	private readonly jobs: Array<Promise<Outcome>> = [];

	constructor(private readonly startJob: (profileUrls: string[]) => Promise<Outcome>) {}

	/** Adds a profile to ask about; false when it was already added. */
	add(profileUrl: string): boolean {
		if (this.asked.has(profileUrl)) return false;
		this.asked.add(profileUrl);
		this.pending.push(profileUrl);
		if (this.pending.length >= MAX_CONTACT_JOB_PROFILES) this.flush();
		return true;
	}

	/** No more profiles will come: the last job goes out however full it is, and every job's outcome is awaited. */
	async close(): Promise<Outcome[]> {
		this.flush();
		return await Promise.all(this.jobs);
	}

	/** Sends the profiles waiting, however few: the profile job that found them is read. */
	flush(): void {
		if (this.pending.length === 0) return;
		const job = this.startJob(this.pending);
		// Heard at once, so a cancelled run's rejection is never unheard while later jobs are added.
		job.catch(() => undefined);
		this.jobs.push(job);
		this.pending = [];
	}
}
