import {
	batchContactTiers,
	contactJobBody,
	ContactJobQueue,
	contactJobCount,
	ContactRecords,
	MAX_CONTACT_JOB_PROFILES,
	tierPathsOf,
	withWebsitesOf,
} from '../../nodes/CrustdataPersonEnrich/batch/contactJobs';
import { jobFields, jobsWithinCap } from '../../nodes/CrustdataPersonEnrich/batch/jobPlanning';
import { settingsWith } from './settingsFixture';

const url = (slug: string) => `https://www.linkedin.com/in/${slug}`;

/** A record's `data` as the notes give it for the contact batch endpoint. */
const contactData = (slug: string) => ({
	professional_network_url: url(slug),
	person_id: 7,
	business_email: [{ email: `${slug}@acme.io`, status: 'deliverable' }],
	personal_contact_info: { personal_emails: [{ email: `${slug}@mail.io`, status: 'unknown' }], phone_numbers: ['+1 555 0100'] },
});

describe('contact job bodies', () => {
	it("asks for exactly the chosen tiers in the endpoint's own field names, and never for websites", () => {
		expect(contactJobBody([url('ada')], ['business_emails', 'phone_numbers', 'websites'])).toEqual({
			professional_network_profile_urls: [url('ada')],
			fields: ['business_email', 'personal_contact_info.phone_numbers'],
		});
		expect(contactJobBody([url('ada')], ['personal_emails']).fields).toEqual(['personal_contact_info.personal_emails']);
		expect(batchContactTiers(['websites'])).toEqual([]);
	});
});

describe("the contact batch endpoint's listing", () => {
	it('reads its own field names as the tiers they serve', () => {
		expect(tierPathsOf(['business_email'])).toEqual(['contact.business_emails']);
		expect(tierPathsOf(['personal_contact_info'])).toEqual(['contact.personal_emails', 'contact.phone_numbers']);
		expect(tierPathsOf(['personal_contact_info.phone_numbers', 'unknown'])).toEqual(['contact.phone_numbers']);
	});
});

describe('contact records', () => {
	it('reads records in the envelope and bare, under the output tier names, keyed by the profile URL as sent', () => {
		const records = new ContactRecords([url('ada'), url('bob'), url('cy')]);
		records.add({ original_identifier: 'https://uk.linkedin.com/in/ada/', internal_id: 7, data: contactData('ada') });
		records.add(contactData('bob'));
		const [ada, bob] = records.all();
		expect(ada).toEqual({
			matched_on: url('ada'),
			match_status: 'matched',
			matches: [
				{
					confidence_score: 1,
					person_data: {
						contact: {
							business_emails: [{ email: 'ada@acme.io', status: 'deliverable' }],
							personal_emails: [{ email: 'ada@mail.io', status: 'unknown' }],
							phone_numbers: ['+1 555 0100'],
						},
					},
				},
			],
		});
		expect(bob.matched_on).toBe(url('bob'));
		expect(records.all()).toHaveLength(2);
	});

	it('leaves out malformed records and profiles the job was not sent', () => {
		const records = new ContactRecords([url('ada')]);
		records.add(contactData('stranger'));
		records.add({ original_identifier: 42, data: contactData('ada') });
		records.add('not a record');
		records.add(null);
		expect(records.all()).toEqual([]);
	});

	it('keeps only the tiers a record holds', () => {
		const records = new ContactRecords([url('ada')]);
		records.add({ professional_network_url: url('ada'), business_email: [] });
		expect(records.all()[0].matches?.[0].person_data).toEqual({ contact: { business_emails: [] } });
	});

	it("adds the contact endpoint's websites to a profile's contact job entry, or to none", () => {
		const records = new ContactRecords([url('ada')]);
		records.add(contactData('ada'));
		const websites = { matched_on: url('ada'), matches: [{ person_data: { contact: { websites: ['https://ada.dev'] } } }] };
		const merged = withWebsitesOf(records.all()[0], websites);
		expect(merged.matches?.[0].person_data?.contact).toMatchObject({ business_emails: [{ email: 'ada@acme.io' }], websites: ['https://ada.dev'] });
		expect(withWebsitesOf(undefined, { matched_on: url('bob'), matches: [] }).matches?.[0].person_data).toEqual({ contact: { websites: [] } });
	});
});

describe('the contact job queue', () => {
	it('starts a job as soon as 300 profiles wait, asks each profile once, and sends the rest at the end', async () => {
		const started: string[][] = [];
		const queue = new ContactJobQueue(async (profileUrls) => {
			started.push(profileUrls);
			return profileUrls.length;
		});
		const profiles = Array.from({ length: MAX_CONTACT_JOB_PROFILES + 1 }, (_, index) => url(`p-${index}`));
		for (const profile of profiles) expect(queue.add(profile)).toBe(true);
		expect(started.map((job) => job.length)).toEqual([MAX_CONTACT_JOB_PROFILES]);
		expect(queue.add(profiles[0])).toBe(false);
		expect(queue.add(profiles[MAX_CONTACT_JOB_PROFILES])).toBe(false);
		expect(await queue.close()).toEqual([MAX_CONTACT_JOB_PROFILES, 1]);
		expect(new Set(started.flat()).size).toBe(started.flat().length);
	});

	it('sends the profiles waiting when a profile job is read, however few', async () => {
		const started: string[][] = [];
		const queue = new ContactJobQueue(async (profileUrls) => started.push(profileUrls));
		queue.add(url('ada'));
		queue.flush();
		queue.flush();
		expect(started).toEqual([[url('ada')]]);
	});

	it('counts at most the contact jobs a run sends: each full profile job in 34, the rest in jobs of 300', () => {
		expect([0, 1, 300, 301, 10_000, 10_001, 20_600].map(contactJobCount)).toEqual([0, 1, 1, 2, 34, 35, 70]);
	});

	it('starts nothing when no profile came', async () => {
		const queue = new ContactJobQueue(async () => 1);
		expect(await queue.close()).toEqual([]);
	});
});

describe('profile jobs with contact data', () => {
	const contact = { tiers: ['business_emails', 'websites'] as const, verified: false };
	const byEmail = settingsWith({ operation: 'enrichBatch', identifierType: 'businessEmail', fields: ['basic_profile'], contact: { ...contact, tiers: [...contact.tiers] } });

	it('carry the tiers on accounts that serve contact with the profile, and the profile URL contact jobs need on the others', () => {
		expect(jobFields(byEmail, 'profile')).toEqual([
			'basic_profile',
			'experience.employment_details.current.company_website_domain',
			'contact.business_emails',
			'contact.websites',
		]);
		expect(jobFields(byEmail, 'contactEndpoint')).toEqual([
			'basic_profile',
			'experience.employment_details.current.company_website_domain',
			'social_handles.professional_network_identifier.profile_url',
		]);
	});

	it('fit the cap with the contact data of everyone they may find at its worst-case price', () => {
		const ids = Array.from({ length: 10 }, (_, index) => url(`p-${index}`));
		const settings = settingsWith({ operation: 'enrichBatch', maxCredits: 12, contact: { tiers: ['business_emails', 'phone_numbers'], verified: false } });
		// 1 for the profile, 1 for a business email, 2 for phone numbers: 4 a person, wherever contact data comes from.
		expect(jobsWithinCap(ids, settings, 'contactEndpoint')).toEqual({ jobs: [ids.slice(0, 3)], unaffordable: ids.slice(3) });
		expect(jobsWithinCap(ids, settings, 'profile').jobs).toEqual([ids.slice(0, 3)]);
		expect(jobsWithinCap(ids, { ...settings, contact: { tiers: ['websites'], verified: false } }, 'contactEndpoint').jobs).toEqual([ids]);
	});
});
