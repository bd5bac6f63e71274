// The employer check of email lookups: whether the email's domain is that of a company the matched person works at now.
import type { IDataObject } from 'n8n-workflow';

import { deniedFields } from '../planning/fieldPaths';
import { fieldsTheEmployerCheckNeeds } from '../planning/requestFields';
import { asciiHost } from '../planning/requestPlanning';
import { isRecord, type EnrichSettings, type ItemFailure } from '../types';

/**
 * An email lookup can return someone at the right company who is not the mailbox owner, or
 * someone who has left; Crustdata's own guidance checks the domain against the current
 * employers' `company_website_domain`. Pure.
 */

/**
 * Public suffixes of more than one label under which companies register their domains: under
 * these the registrable domain has three labels (`acme.co.uk`), elsewhere two (`acme.com`). A
 * two-letter country code with one of the generic second levels counts too (`acme.com.ar`).
 */
const MULTI_LABEL_SUFFIXES = new Set([
	'co.uk', 'org.uk', 'me.uk', 'ltd.uk', 'plc.uk', 'ac.uk', 'gov.uk', 'co.jp', 'ne.jp', 'or.jp', 'co.kr', 'or.kr',
	'co.nz', 'org.nz', 'co.za', 'org.za', 'co.in', 'firm.in', 'co.il', 'org.il', 'co.id', 'or.id', 'co.th', 'in.th',
	'com.au', 'net.au', 'org.au', 'com.br', 'net.br', 'com.cn', 'net.cn', 'com.mx', 'com.sg', 'com.hk', 'com.tr',
	'com.tw', 'com.my', 'com.ph', 'com.pk', 'com.ng', 'com.eg', 'com.sa', 'com.ua', 'com.vn', 'gc.ca', 'qc.ca',
]);
const GENERIC_SECOND_LEVELS = new Set(['co', 'com', 'net', 'org', 'gov', 'edu', 'ac']);

/** A host as a bare lower-case ASCII name: no scheme, port, path, trailing dot or `www.`. */
function hostOf(domainOrUrl: string): string {
	const host = domainOrUrl.trim().toLowerCase().replace(/^[a-z][a-z0-9+.-]*:\/\//, '').split(/[/:?#]/)[0];
	return (asciiHost(host) ?? host).replace(/\.$/, '').replace(/^www\./, '');
}

/** The part of a host its owner registered: `mail.acme.com` → `acme.com`, `eu.acme.co.uk` → `acme.co.uk`. */
export function registrableDomain(domainOrUrl: string): string {
	const labels = hostOf(domainOrUrl).split('.').filter(Boolean);
	if (labels.length <= 2) return labels.join('.');
	const [second, top] = labels.slice(-2);
	const multiLabel = MULTI_LABEL_SUFFIXES.has(`${second}.${top}`) || (top.length === 2 && GENERIC_SECOND_LEVELS.has(second));
	return labels.slice(multiLabel ? -3 : -2).join('.');
}

/** The known domains of the person's current employers. */
function currentEmployerDomains(personData: IDataObject | null | undefined): string[] {
	const experience = isRecord(personData?.experience) ? personData.experience : undefined;
	const details = isRecord(experience?.employment_details) ? experience.employment_details : undefined;
	const current = Array.isArray(details?.current) ? details.current : [];
	return current.flatMap((job) => {
		const domain = isRecord(job) ? job.company_website_domain : undefined;
		return typeof domain === 'string' && domain.trim() !== '' ? [domain] : [];
	});
}

/**
 * `true` when the email's registrable domain is a current employer's, `false` when the current
 * employers' known domains are all others, `null` when the profile names no current employer
 * domain. An employer without a domain leaves the decision to the ones with a domain.
 */
export function emailDomainMatchesEmployer(email: string, personData: IDataObject | null | undefined): boolean | null {
	const domains = currentEmployerDomains(personData);
	if (domains.length === 0) return null;
	const emailDomain = registrableDomain(email.slice(email.lastIndexOf('@') + 1));
	return domains.some((domain) => registrableDomain(domain) === emailDomain);
}

const EMPLOYER_DOMAINS_DENIED: ItemFailure = {
	source: 'api',
	message: "Require Employer Domain Match needs the employers' domains (Experience), which your Crustdata plan does not include",
	description: 'Turn off Require Employer Domain Match, or ask Crustdata to enable Experience for your account',
};

/**
 * The settings the run sends with, once the account's denied fields are known: without asking
 * for the employers' domains when the account is denied them, or a refusal when the run needs them.
 */
export function employerCheckOnAccount(
	settings: EnrichSettings,
	disabledFields: string[],
): { settings: EnrichSettings } | { refusal: ItemFailure } {
	if (deniedFields(fieldsTheEmployerCheckNeeds(settings), disabledFields).length === 0) return { settings };
	return settings.requireEmployerDomainMatch ? { refusal: EMPLOYER_DOMAINS_DENIED } : { settings: { ...settings, employerDomainsDenied: true } };
}
