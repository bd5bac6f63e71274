import type { ContactTier } from './types';

/**
 * Crustdata's price table, in credits, from its published prices. What a request really cost
 * always comes from its `x-credits-used` answer header; these say what a choice may cost.
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
