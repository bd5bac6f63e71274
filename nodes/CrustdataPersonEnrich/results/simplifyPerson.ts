// The flat `person` of the Simplify option: who the person is, where they work and how to reach them, from the sections requested.
import type { IDataObject } from 'n8n-workflow';

import { isRecord } from '../types';

/**
 * Crustdata mixes `""` and `null` for missing values; both become null here so a sheet or CRM
 * gets empty cells, not empty strings.
 */

export interface SimplePerson {
	name: string | null;
	first_name: string | null;
	last_name: string | null;
	headline: string | null;
	current_title: string | null;
	current_company: string | null;
	current_company_domain: string | null;
	seniority: string | null;
	location: string | null;
	city: string | null;
	country: string | null;
	linkedin_url: string | null;
	twitter_slug: string | null;
	github_url: string | null;
	/** The best business email to write to: deliverable, else catch-all, never one known to bounce. */
	email: string | null;
	/** Deliverable addresses first. */
	business_emails: string[];
	personal_emails: string[];
	phone_numbers: string[];
	websites: string[];
}

type Data = IDataObject | undefined;

const object = (value: unknown): Data => (isRecord(value) ? value : undefined);

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

function text(value: unknown): string | null {
	if (typeof value === 'number') return String(value);
	return typeof value === 'string' && value.trim() !== '' ? value : null;
}

const texts = (values: unknown[]): string[] => values.map(text).filter((value): value is string => value !== null);

/** Crustdata's email statuses, from the address to write to first to the one never to use. */
const EMAIL_STATUS_ORDER = ['deliverable', 'catch_all', 'unknown', 'invalid'];

/** Where a status ranks; an address without one ranks with `unknown`. */
function statusRank(record: unknown): number {
	const rank = EMAIL_STATUS_ORDER.indexOf(String(object(record)?.status));
	return rank === -1 ? EMAIL_STATUS_ORDER.indexOf('unknown') : rank;
}

/** Email records (or bare addresses) as addresses, deliverable ones first, otherwise in Crustdata's order. */
function emailsByStatus(records: unknown): string[] {
	const ranked = list(records).map((record, position) => ({ record, position, rank: statusRank(record) }));
	ranked.sort((a, b) => a.rank - b.rank || a.position - b.position);
	return texts(ranked.map(({ record }) => object(record)?.email ?? record));
}

/** The first business email whose status says mail reaches the person. */
function bestEmail(records: unknown): string | null {
	const reachable = list(records).filter((record) => ['deliverable', 'catch_all'].includes(String(object(record)?.status)));
	return emailsByStatus(reachable)[0] ?? null;
}

/** The current position to show: the one Crustdata marks as default, else the first. */
function currentJob(personData: IDataObject): Data {
	const current = list(object(object(personData.experience)?.employment_details)?.current).map(object);
	return current.find((job) => job?.is_default === true) ?? current[0];
}

export function simplifyPerson(personData: IDataObject): SimplePerson {
	const profile = object(personData.basic_profile);
	const location = object(profile?.location);
	const social = object(personData.social_handles);
	const contact = object(personData.contact);
	const job = currentJob(personData);
	return {
		name: text(profile?.name),
		first_name: text(profile?.first_name),
		last_name: text(profile?.last_name),
		headline: text(profile?.headline),
		current_title: text(profile?.current_title) ?? text(job?.title),
		current_company: text(job?.name),
		current_company_domain: text(job?.company_website_domain),
		seniority: text(job?.seniority_level),
		location: text(location?.raw),
		city: text(location?.city),
		country: text(location?.country),
		linkedin_url: text(object(social?.professional_network_identifier)?.profile_url),
		twitter_slug: text(object(social?.twitter_identifier)?.slug),
		github_url: text(object(social?.dev_platform_identifier)?.profile_url),
		email: bestEmail(contact?.business_emails),
		business_emails: emailsByStatus(contact?.business_emails),
		personal_emails: emailsByStatus(contact?.personal_emails),
		phone_numbers: texts(list(contact?.phone_numbers)),
		websites: texts(list(contact?.websites)),
	};
}
