// The profile fields a request carries: the user's, and those the node's own checks read, which the output leaves out again.
import { CONTACT_SECTION, type ContactTier, type EnrichSettings } from '../types';
import { asksFor } from './fieldPaths';

/** Where the current employers' domains are: all the check reads, and free to ask for. */
export const EMPLOYER_DOMAIN_PATH = 'experience.employment_details.current.company_website_domain';

/** Where a matched person's canonical profile URL is, for lookups that did not start from one. */
export const PROFILE_URL_PATH = 'social_handles.professional_network_identifier.profile_url';

/** What a profile request must carry when nothing but contact data is chosen: the name, which the base price covers. */
const LEAST_PROFILE = 'basic_profile.name';

/** Contact tiers as the profile request's dot-paths (`contact.business_emails`). */
export const tierPaths = (tiers: ContactTier[]) => tiers.map((tier) => `${CONTACT_SECTION}.${tier}`);

/** The profile's fields as sent: the user's, and what the employer check of email lookups reads. */
export function profileRequestFields(settings: EnrichSettings): string[] {
	return [...settings.fields, ...fieldsTheEmployerCheckNeeds(settings)];
}

/**
 * What the check needs from the profile that the user's fields do not already ask for. A
 * preview returns basic fields only, and an account may be denied Experience: then it asks for
 * nothing, and the check finds no domain.
 */
export function fieldsTheEmployerCheckNeeds(settings: EnrichSettings): string[] {
	const needed =
		settings.identifierType === 'businessEmail' &&
		!settings.preview &&
		!settings.employerDomainsDenied &&
		!asksFor(settings.fields, EMPLOYER_DOMAIN_PATH);
	return needed ? [EMPLOYER_DOMAIN_PATH] : [];
}

/**
 * What the profile request asks for the node's own use when contact data may come from the
 * contact endpoint; taken out of the output again, so the user gets only what they chose. A
 * request that carries the tiers needs no other field to be a valid request.
 */
export function fieldsTheContactPassNeeds(settings: EnrichSettings, carriesTiers = false): string[] {
	const needed = profileRequestFields(settings).length === 0 && !carriesTiers ? [LEAST_PROFILE] : [];
	// A lookup by email learns the profile URL the contact endpoint needs from the match itself.
	if (settings.identifierType === 'businessEmail' && !asksFor(settings.fields, PROFILE_URL_PATH)) {
		needed.push(PROFILE_URL_PATH);
	}
	return needed;
}
