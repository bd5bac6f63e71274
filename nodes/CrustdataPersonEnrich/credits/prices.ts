// The price table: what each section, contact tier and operation costs a person.
import { listsField } from '../planning/fieldPaths';
import type { ContactSettings, ContactTier, EnrichSettings, ContactSource } from '../types';

/**
 * In credits, from Crustdata's published prices. What a request really cost always comes from its
 * `x-credits-used` answer header; these say the most a choice may cost, which is what a dry run
 * reports and what the credit cap reserves before each request.
 */

/** What each contact tier adds for a person it is found for; websites are free. */
export const CONTACT_TIER_CREDITS: Record<ContactTier, number> = {
	business_emails: 1,
	personal_emails: 2,
	phone_numbers: 2,
	websites: 0,
};

/** What `verified: true` adds for each person who gets a business email that passes. */
export const VERIFIED_EMAIL_CREDITS = 0.5;

export const BASE_PROFILE_CREDITS = 1;

export const DEV_PLATFORM_CREDITS = 1;

const DEV_PLATFORM_SECTION = 'dev_platform_profiles';

/** Enrich Live bills every profile it finds the same, whatever the fields. */
export const LIVE_PROFILE_CREDITS = 7;

/**
 * The most one person found on the profile endpoint costs: the base price, the developer platform
 * profiles when asked for, and the contact tiers when the request carries them (accounts that
 * serve contact data with the profile bill it there; the others neither return nor bill it).
 */
export function profileCredits(settings: EnrichSettings, tiersInRequest: ContactTier[] = []): number {
	if (settings.preview) return 0;
	if (settings.operation === 'enrichLive') return LIVE_PROFILE_CREDITS;
	const devPlatform = listsField(settings.fields, DEV_PLATFORM_SECTION) ? DEV_PLATFORM_CREDITS : 0;
	return BASE_PROFILE_CREDITS + devPlatform + tiersInRequest.reduce((total, tier) => total + CONTACT_TIER_CREDITS[tier], 0);
}

/** The most one person costs on the contact endpoint: every chosen tier found, and verified. */
export function contactCredits(contact: ContactSettings): number {
	const tiers = contact.tiers.reduce((total, tier) => total + CONTACT_TIER_CREDITS[tier], 0);
	return tiers + (contact.verified && contact.tiers.includes('business_emails') ? VERIFIED_EMAIL_CREDITS : 0);
}

/**
 * The most one identifier can cost in all, wherever its contact data comes from: with the
 * profile, from the contact endpoint after it, or (when the account could not say) either.
 */
export function personCredits(settings: EnrichSettings, source?: ContactSource): number {
	const { contact } = settings;
	if (!contact || source === undefined) return profileCredits(settings);
	const withProfile = profileCredits(settings, contact.tiers);
	const afterProfile = profileCredits(settings) + contactCredits(contact);
	if (source === 'profile') return withProfile;
	return source === 'contactEndpoint' ? afterProfile : Math.max(withProfile, afterProfile);
}

/** The most a run of `identifiers` unique identifiers could cost, and never more than the credit cap. */
export function mostCredits(identifiers: number, settings: EnrichSettings, source?: ContactSource): number {
	const most = identifiers * personCredits(settings, source);
	return settings.maxCredits > 0 ? Math.min(most, settings.maxCredits) : most;
}
