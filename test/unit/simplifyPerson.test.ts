import { simplifyPerson } from '../../nodes/CrustdataPersonEnrich/results/simplifyPerson';

/** The shape of the real response captured in the API notes (2026-07-20), plus a contact section. */
const davidHsu = {
	crustdata_person_id: 14540,
	basic_profile: {
		name: 'David Hsu',
		first_name: null,
		last_name: '',
		headline: 'Founder, CEO @ Retool',
		current_title: 'Founder, CEO',
		location: { raw: 'San Francisco Bay Area', city: '', state: 'California', country: 'United States' },
	},
	social_handles: {
		professional_network_identifier: { profile_url: 'https://www.linkedin.com/in/dvdhsu' },
		dev_platform_identifier: { profile_url: null },
		twitter_identifier: { slug: '' },
	},
	experience: {
		employment_details: {
			current: [
				{ name: 'Side Project', title: 'Advisor', company_website_domain: 'side.io', seniority_level: 'Entry', is_default: false },
				{ name: 'Retool', title: 'Founder, CEO', company_website_domain: 'retool.com', seniority_level: 'CXO', is_default: true },
			],
			past: [],
		},
	},
	contact: {
		business_emails: [{ email: 'david@retool.com', status: 'deliverable', last_updated: '2026-01-01' }],
		personal_emails: [{ email: '', status: 'unknown' }],
		phone_numbers: ['+1 415 555 0100', ''],
		websites: [],
	},
};

describe('simplifyPerson', () => {
	it('flattens who, where and how to reach, reading "" as missing', () => {
		expect(simplifyPerson(davidHsu)).toEqual({
			name: 'David Hsu',
			first_name: null,
			last_name: null,
			headline: 'Founder, CEO @ Retool',
			current_title: 'Founder, CEO',
			current_company: 'Retool',
			current_company_domain: 'retool.com',
			seniority: 'CXO',
			location: 'San Francisco Bay Area',
			city: null,
			country: 'United States',
			linkedin_url: 'https://www.linkedin.com/in/dvdhsu',
			twitter_slug: null,
			github_url: null,
			email: 'david@retool.com',
			business_emails: ['david@retool.com'],
			personal_emails: [],
			phone_numbers: ['+1 415 555 0100'],
			websites: [],
		});
	});

	const withBusinessEmails = (records: unknown[]) => simplifyPerson({ ...davidHsu, contact: { business_emails: records } });
	const record = (email: string, status: string) => ({ email, status, last_updated: '2026-01-01' });

	it('lists deliverable emails first and picks the best one to write to', () => {
		const simple = withBusinessEmails([
			record('old@retool.com', 'invalid'),
			record('maybe@retool.com', 'unknown'),
			record('all@retool.com', 'catch_all'),
			record('david@retool.com', 'deliverable'),
		]);
		expect(simple.business_emails).toEqual(['david@retool.com', 'all@retool.com', 'maybe@retool.com', 'old@retool.com']);
		expect(simple.email).toBe('david@retool.com');
	});

	it('takes a catch-all address when none is deliverable, and never one that bounces', () => {
		expect(withBusinessEmails([record('old@retool.com', 'invalid'), record('all@retool.com', 'catch_all')]).email).toBe('all@retool.com');
		expect(withBusinessEmails([record('old@retool.com', 'invalid'), record('maybe@retool.com', 'unknown')]).email).toBeNull();
		expect(withBusinessEmails(['bare@retool.com']).email).toBeNull();
		expect(withBusinessEmails(['bare@retool.com']).business_emails).toEqual(['bare@retool.com']);
	});

	it('gives phone numbers and websites as text', () => {
		const simple = simplifyPerson({ ...davidHsu, contact: { phone_numbers: ['+44 20 7946 0000'], websites: ['https://dvdhsu.dev', ''] } });
		expect(simple).toMatchObject({ phone_numbers: ['+44 20 7946 0000'], websites: ['https://dvdhsu.dev'] });
	});

	it('gives nulls and empty lists for sections that were not requested', () => {
		const simple = simplifyPerson({ crustdata_person_id: 1, basic_profile: { name: 'Ada Lovelace' } });
		expect(simple).toMatchObject({ name: 'Ada Lovelace', current_company: null, linkedin_url: null, email: null, business_emails: [], phone_numbers: [], websites: [] });
	});

	it('falls back to the current job title when the profile has none', () => {
		const { basic_profile, ...rest } = davidHsu;
		expect(simplifyPerson({ ...rest, basic_profile: { ...basic_profile, current_title: '' } }).current_title).toBe('Founder, CEO');
	});
});
