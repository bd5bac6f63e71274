import { contactCredits, mostCredits, personCredits, profileCredits } from '../../nodes/CrustdataPersonEnrich/credits/prices';
import { CONTACT_SECTION, CONTACT_TIERS, type ContactTier, type ContactSource } from '../../nodes/CrustdataPersonEnrich/types';
import { settingsWith, subsets } from './settingsFixture';
import { PERSON_DATA_SECTIONS } from '../../nodes/CrustdataPersonEnrich/vocabulary';

// The worst case of one person for every choice of sections and contact tiers, on both API
// generations, against the prices as the API notes list them (crustdata-api-notes.md).

/** Generation 1 bills contact data on /person/enrich; generation 2 on /person/contact/enrich. */
const NOTES = {
	base: 1,
	devPlatform: 1,
	live: 7,
	tiers: { business_emails: 1, personal_emails: 2, phone_numbers: 2, websites: 0 } as Record<ContactTier, number>,
	/** Contact enrich with `verified: true`, for each person who gets a business email that passes. */
	verified: 0.5,
};

const profileSections = PERSON_DATA_SECTIONS.filter((section) => section !== CONTACT_SECTION);

interface Choice {
	sections: string[];
	tiers: ContactTier[];
	verified: boolean;
}

/** The dearest person for a choice, from the notes' table alone. */
function notesWorstCase({ sections, tiers, verified }: Choice, generation: 1 | 2): number {
	const devPlatform = sections.includes('dev_platform_profiles') ? NOTES.devPlatform : 0;
	const tierCredits = tiers.reduce((total, tier) => total + NOTES.tiers[tier], 0);
	if (generation === 1) return NOTES.base + devPlatform + tierCredits;
	const verifiedCredits = verified && tiers.includes('business_emails') ? NOTES.verified : 0;
	return NOTES.base + devPlatform + (tiers.length > 0 ? tierCredits + verifiedCredits : 0);
}

const choices: Choice[] = subsets(profileSections).flatMap((sections) =>
	subsets(CONTACT_TIERS).flatMap((tiers) => [false, true].map((verified) => ({ sections, tiers, verified }))),
);

const settingsFor = ({ sections, tiers, verified }: Choice) =>
	settingsWith({
		fields: sections.length > 0 ? sections : ['basic_profile'],
		contact: tiers.length > 0 ? { tiers, verified } : undefined,
	});

const SOURCE: Record<1 | 2, ContactSource> = { 1: 'profile', 2: 'contactEndpoint' };

describe('the worst case of one person', () => {
	it(`is the notes' price for all ${choices.length} choices of sections, tiers and verification, on both generations`, () => {
		const wrong: string[] = [];
		for (const choice of choices) {
			for (const generation of [1, 2] as const) {
				const worst = personCredits(settingsFor(choice), choice.tiers.length > 0 ? SOURCE[generation] : undefined);
				const expected = notesWorstCase(choice, generation);
				if (worst !== expected) wrong.push(`generation ${generation}, ${JSON.stringify(choice)}: ${worst}, not ${expected}`);
			}
		}
		expect(wrong).toEqual([]);
	});

	it('is at most 7 credits on generation 1 and 2 on generation 2 for the profile alone, as the notes cap them', () => {
		const everything = { sections: profileSections, tiers: [...CONTACT_TIERS], verified: true };
		expect(personCredits(settingsFor(everything), 'profile')).toBe(7);
		expect(profileCredits(settingsFor({ ...everything, tiers: [] }))).toBe(2);
		expect(contactCredits({ tiers: [...CONTACT_TIERS], verified: false })).toBe(5);
	});

	it('counts a developer platform path as the section', () => {
		expect(profileCredits(settingsWith({ fields: ['basic_profile', 'dev_platform_profiles.name'] }))).toBe(2);
	});

	it('is the dearer of the two routes when the account could not say where contact data comes from', () => {
		for (const choice of choices.filter(({ tiers }) => tiers.length > 0)) {
			expect(personCredits(settingsFor(choice), 'untold')).toBe(Math.max(notesWorstCase(choice, 1), notesWorstCase(choice, 2)));
		}
	});

	it('is 7 credits on Enrich Live whatever the fields, and nothing for a preview', () => {
		for (const choice of choices.filter(({ tiers }) => tiers.length === 0)) {
			expect(personCredits({ ...settingsFor(choice), operation: 'enrichLive' })).toBe(NOTES.live);
			expect(personCredits({ ...settingsFor(choice), preview: true })).toBe(0);
		}
	});
});

describe('mostCredits', () => {
	it('is every lookup at its worst case, and never more than the cap', () => {
		const settings = settingsFor({ sections: ['basic_profile'], tiers: ['business_emails', 'phone_numbers'], verified: true });
		expect(mostCredits(10, settings, 'contactEndpoint')).toBe(10 * (1 + 3 + 0.5));
		expect(mostCredits(10, { ...settings, maxCredits: 20 }, 'contactEndpoint')).toBe(20);
		expect(mostCredits(10, { ...settings, maxCredits: 100 }, 'profile')).toBe(40);
	});
});
